import { basename, dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import {
  type SelectTfjsBackendOptions,
  selectTfjsBackend,
  settleBackendLoads,
  useTfjsBackendNow,
} from '../select-backend.js';
import {
  readModelJson,
  resolveModelJsonPath,
  TfjsModelFileError,
  tfjsFileHandler,
} from './file-io-handler.js';
import { readTfjsTeacherSignature, type TfjsTeacherSignature } from './teacher-signature.js';

/** What {@link openTfjsTeacher} needs of a tfjs `GraphModel` (`@tensorflow/tfjs-converter`). */
export interface TfjsGraphModelLike {
  /**
   * Synchronous execution (tfjs-converter's `GraphModel` has it). Used when present; a graph
   * with dynamic ops (control flow, dynamic output shapes), which `execute` refuses, runs
   * through `executeAsync` from then on.
   */
  execute?(inputs: tf.NamedTensorMap, outputs?: string | string[]): tf.Tensor | tf.Tensor[];
  executeAsync(
    inputs: tf.NamedTensorMap,
    outputs?: string | string[],
  ): Promise<tf.Tensor | tf.Tensor[]>;
  dispose(): void;
}

/** `loadGraphModel` of `@tensorflow/tfjs-converter` or `@tensorflow/tfjs`. */
export type LoadGraphModel = (handler: tf.io.IOHandler) => Promise<TfjsGraphModelLike>;

/** Options of {@link openTfjsTeacher}. */
export interface OpenTfjsTeacherOptions extends SelectTfjsBackendOptions {
  /**
   * The graph-model loader. Default: `loadGraphModel` of `@tensorflow/tfjs-converter` 4.22
   * (a dependency of this package, imported on first use: ~0.1 s). Another loader (e.g.
   * `@tensorflow/tfjs`'s, or a stand-in in tests) must share this package's
   * `@tensorflow/tfjs-core`.
   */
  loadGraphModel?: LoadGraphModel;
}

let converterLoader: Promise<LoadGraphModel> | undefined;

/**
 * `loadGraphModel` of `@tensorflow/tfjs-converter`, imported on first call (importing the
 * converter takes ~0.1 s, too much for import time) and cached.
 */
export function defaultLoadGraphModel(): Promise<LoadGraphModel> {
  converterLoader ??= import('@tensorflow/tfjs-converter').then(
    (converter): LoadGraphModel =>
      (handler) =>
        converter.loadGraphModel(handler),
  );
  converterLoader.catch(() => {
    converterLoader = undefined;
  });
  return converterLoader;
}

/** A feed of a teacher run: the same shape as core's `TeacherTensor`. */
export interface TfjsTeacherFeed {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly data: Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;
}

/** An output of a teacher run: its shape and values (core's `TeacherOutputTensor`). */
export interface TfjsTeacherOutput {
  readonly shape: readonly number[];
  readonly data: Float32Array | Int32Array | Uint8Array;
}

/**
 * tfjs has float32, int32 and bool tensors only (no float64, no int64): float64 feeds are
 * rounded to float32, int64 feeds converted to int32 (atomic numbers and edge indices fit).
 */
function toTensor(feed: TfjsTeacherFeed): tf.Tensor {
  const shape = [...feed.shape];
  if (feed.dtype === 'bool')
    return tf.tensor(Uint8Array.from(feed.data as Uint8Array), shape, 'bool');
  if (feed.dtype === 'int32' || feed.dtype === 'int64') {
    const data =
      feed.data instanceof BigInt64Array
        ? Int32Array.from(feed.data, (v) => Number(v))
        : Int32Array.from(feed.data as ArrayLike<number>);
    return tf.tensor(data, shape, 'int32');
  }
  return tf.tensor(Float32Array.from(feed.data as ArrayLike<number>), shape, 'float32');
}

/** Whether `execute` refused a graph because it needs `executeAsync` (dynamic ops). */
function needsExecuteAsync(e: unknown): boolean {
  return e instanceof Error && e.message.includes('executeAsync()');
}

/**
 * A tfjs graph model opened as a teacher: its declared signature and a `run` that feeds
 * contract inputs by name and returns the outputs asked for. Structurally a core
 * `TeacherRunner`; `loadTfjsTeacher` wraps it in core's `TeacherCalculator`, with the
 * contract checked.
 *
 * tfjs computes in float32 and int32 only: float64 feeds are rounded to float32 and int64
 * feeds converted to int32; float outputs come back as float32 values.
 */
export class TfjsTeacher {
  private model: TfjsGraphModelLike | undefined;
  /** Set once `execute` refused the graph (dynamic ops): `executeAsync` from then on. */
  private dynamic = false;

  constructor(
    /** The `model.json` path, for messages. */
    readonly source: string,
    /** `<directory>/model.json`, for calculator names. */
    readonly label: string,
    /** What the model declares. */
    readonly signature: TfjsTeacherSignature,
    /** The tfjs backend the model runs on (`'tfjs/wasm'`, …). */
    readonly backend: string,
    model: TfjsGraphModelLike,
    /**
     * tfjs-core's name of that backend (`'wasm'`, `'cpu'`, `'tensorflow'`): every run switches
     * to it first (tfjs has one active backend per process). Without it, runs use whichever
     * backend is active.
     */
    readonly tfjsName?: string,
  ) {
    this.model = model;
  }

  /**
   * Runs the model on `feeds` (by input name) and returns `outputs` (by signature key). An
   * error of tfjs while running (an op tfjs-converter does not support, say) is rethrown
   * naming the source.
   */
  async run(
    feeds: Readonly<Record<string, TfjsTeacherFeed | undefined>>,
    outputs: readonly string[],
  ): Promise<Record<string, TfjsTeacherOutput>> {
    const model = this.model;
    if (!model) throw new Error(`${this.source}: teacher used after dispose()`);
    const inputs: tf.NamedTensorMap = {};
    let results: tf.Tensor[] = [];
    try {
      await settleBackendLoads();
      // Switch and issue the ops of a synchronous `execute` in one stretch: no other run on
      // another backend can interleave (see the README, "Backend selection").
      if (this.tfjsName !== undefined) useTfjsBackendNow(this.tfjsName);
      for (const [name, feed] of Object.entries(feeds)) if (feed) inputs[name] = toTensor(feed);
      results = await this.execute(model, inputs, [...outputs]);
      const values: Record<string, TfjsTeacherOutput> = {};
      for (let k = 0; k < outputs.length; k++) {
        const t = results[k];
        if (t) values[outputs[k]!] = { shape: [...t.shape], data: await t.data() };
      }
      return values;
    } catch (e) {
      throw new Error(`${this.source}: tfjs failed to run the teacher: ${(e as Error).message}`, {
        cause: e,
      });
    } finally {
      tf.dispose(Object.values(inputs));
      tf.dispose(results);
    }
  }

  private async execute(
    model: TfjsGraphModelLike,
    inputs: tf.NamedTensorMap,
    outputs: string[],
  ): Promise<tf.Tensor[]> {
    let out: tf.Tensor | tf.Tensor[] | undefined;
    if (model.execute && !this.dynamic) {
      try {
        out = model.execute(inputs, outputs);
      } catch (e) {
        // `execute` refuses dynamic ops before running anything (and runs inside tf.tidy).
        if (!needsExecuteAsync(e)) throw e;
        this.dynamic = true;
      }
    }
    out ??= await model.executeAsync(inputs, outputs);
    return Array.isArray(out) ? out : [out];
  }

  /** Releases the model's weights. */
  async dispose(): Promise<void> {
    this.model?.dispose();
    this.model = undefined;
  }
}

/**
 * Opens a tfjs graph model (a directory with `model.json` and weight shards, a `model.json`
 * path or a `file://` URL) as a teacher: reads its signature and metadata from `model.json`,
 * selects a tfjs backend (`options.backend`, default `'auto'`) and loads the model through
 * {@link tfjsFileHandler} with `options.loadGraphModel` (default: tfjs-converter's). The
 * contract is not checked here: `loadTfjsTeacher` does that and returns a Calculator;
 * or check `checkTeacherSignature(teacher.signature, teacher.source)` (core) yourself.
 */
export async function openTfjsTeacher(
  location: string,
  options: OpenTfjsTeacherOptions = {},
): Promise<TfjsTeacher> {
  const path = await resolveModelJsonPath(location);
  const signature = readTfjsTeacherSignature(await readModelJson(path));
  return openTfjsTeacherAt(path, signature, options);
}

/**
 * {@link openTfjsTeacher} for a resolved `model.json` path whose signature is read already.
 * @internal
 */
export async function openTfjsTeacherAt(
  path: string,
  signature: TfjsTeacherSignature,
  options: OpenTfjsTeacherOptions,
): Promise<TfjsTeacher> {
  const selection = await selectTfjsBackend(options);
  const load = options.loadGraphModel ?? (await defaultLoadGraphModel());
  await settleBackendLoads();
  // The weights are made on the active backend: make it the selected one.
  useTfjsBackendNow(selection.tfjsName);
  let model: TfjsGraphModelLike;
  try {
    model = await load(tfjsFileHandler(path));
  } catch (e) {
    if (e instanceof TfjsModelFileError) throw e;
    throw new TfjsModelFileError(
      path,
      `${path}: tfjs cannot load the graph model: ${(e as Error).message}`,
      { cause: e },
    );
  }
  const label = `${basename(dirname(path))}/${basename(path)}`;
  return new TfjsTeacher(
    path,
    label,
    signature,
    `tfjs/${selection.name}`,
    model,
    selection.tfjsName,
  );
}
