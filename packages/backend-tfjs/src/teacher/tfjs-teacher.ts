import { basename, dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { type SelectTfjsBackendOptions, selectTfjsBackend } from '../select-backend.js';
import { readModelJson, resolveModelJsonPath, tfjsFileHandler } from './file-io-handler.js';
import { readTfjsTeacherSignature, type TfjsTeacherSignature } from './teacher-signature.js';

/** What {@link openTfjsTeacher} needs of a tfjs `GraphModel` (`@tensorflow/tfjs-converter`). */
export interface TfjsGraphModelLike {
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
   * The graph-model loader: `loadGraphModel` from `@tensorflow/tfjs-converter` 4.22 (or
   * `@tensorflow/tfjs`), which must share this package's `@tensorflow/tfjs-core`. This
   * package does not depend on the converter, so the caller passes it.
   */
  loadGraphModel: LoadGraphModel;
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

/** tfjs has float32, int32 and bool tensors: float64 and int64 feeds are converted. */
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

/**
 * A tfjs graph model opened as a teacher: its declared signature and a `run` that feeds
 * contract inputs by name and returns the outputs asked for. Structurally a core
 * `TeacherRunner`: `new TeacherCalculator(checkTeacherSignature(t.signature, t.source), t)`
 * makes it a Calculator (see the package README, "Teachers").
 */
export class TfjsTeacher {
  private model: TfjsGraphModelLike | undefined;

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
  ) {
    this.model = model;
  }

  /** Runs the model on `feeds` (by input name) and returns `outputs` (by signature key). */
  async run(
    feeds: Readonly<Record<string, TfjsTeacherFeed | undefined>>,
    outputs: readonly string[],
  ): Promise<Record<string, TfjsTeacherOutput>> {
    const model = this.model;
    if (!model) throw new Error(`${this.source}: teacher used after dispose()`);
    const inputs: tf.NamedTensorMap = {};
    let results: tf.Tensor[] = [];
    try {
      for (const [name, feed] of Object.entries(feeds)) if (feed) inputs[name] = toTensor(feed);
      const out = await model.executeAsync(inputs, [...outputs]);
      results = Array.isArray(out) ? out : [out];
      const values: Record<string, TfjsTeacherOutput> = {};
      for (let k = 0; k < outputs.length; k++) {
        const t = results[k];
        if (t) values[outputs[k]!] = { shape: [...t.shape], data: await t.data() };
      }
      return values;
    } finally {
      tf.dispose(Object.values(inputs));
      tf.dispose(results);
    }
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
 * {@link tfjsFileHandler} with the caller's `loadGraphModel`. Check the signature against
 * core's teacher contract with `checkTeacherSignature(teacher.signature, teacher.source)`
 * before use.
 */
export async function openTfjsTeacher(
  location: string,
  options: OpenTfjsTeacherOptions,
): Promise<TfjsTeacher> {
  const path = await resolveModelJsonPath(location);
  const signature = readTfjsTeacherSignature(await readModelJson(path));
  const selection = await selectTfjsBackend(options);
  const model = await options.loadGraphModel(tfjsFileHandler(path));
  const label = `${basename(dirname(path))}/${basename(path)}`;
  return new TfjsTeacher(path, label, signature, `tfjs/${selection.name}`, model);
}
