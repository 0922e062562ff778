import {
  formatShape,
  type GraphSession,
  type HostData,
  type HostTensor,
  resolveDim,
} from '@mlff-distiller/graph';
import { checkFeeds, type DimBindings } from './check-feeds.js';
import type { OnnxModelSignature } from './compile-to-onnx.js';
import { arrayName, DTYPES, matchesDType } from './dtypes.js';
import { loadOrt, type OrtSession, type OrtTensor } from './ort.js';

/**
 * A compiled graph on onnxruntime: one `InferenceSession`, created once and reused by
 * every run. Feeds are checked (names, dtypes, ranks, numeric and symbolic dims) before
 * they reach onnxruntime and wrapped as onnxruntime tensors without copying.
 */
export class OnnxSession implements GraphSession {
  readonly backend: string;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Inputs (with dtypes and shapes) and outputs of the compiled model. */
  readonly signature: OnnxModelSignature;
  /** The serialised ONNX model this session runs (e.g. for `writeOnnxModel`). */
  readonly modelBytes: Uint8Array;
  private session: OrtSession | undefined;

  /** Use `OnnxBackend.compile`; this wraps an existing onnxruntime session. */
  constructor(
    session: OrtSession,
    backend: string,
    signature: OnnxModelSignature,
    modelBytes: Uint8Array,
  ) {
    this.session = session;
    this.backend = backend;
    this.signature = signature;
    this.modelBytes = modelBytes;
    this.inputNames = signature.inputs.map((s) => s.name);
    this.outputNames = Object.keys(signature.outputs);
  }

  /** The underlying onnxruntime session (throws after {@link dispose}). */
  get ortSession(): OrtSession {
    if (!this.session) throw new Error('backend-onnx: session used after dispose()');
    return this.session;
  }

  /**
   * Runs the model; symbolic dims are bound from the fed shapes. Returns every output as a
   * host tensor (Float32Array, Float64Array, Int32Array or Uint8Array data). Throws
   * `FeedError` for a missing or mismatched feed.
   */
  async run(feeds: Readonly<Record<string, HostTensor>>): Promise<Record<string, HostTensor>> {
    return this.runInto(feeds, {});
  }

  /**
   * Like {@link run}, but writes the outputs named in `outputs` into the caller's buffers
   * (onnxruntime preallocated fetches: no output allocation inside onnxruntime). Each
   * buffer must have the output's dtype and exactly its shape for this run. The returned
   * record holds those same host tensors, plus the other outputs freshly allocated.
   */
  async runInto(
    feeds: Readonly<Record<string, HostTensor>>,
    outputs: Readonly<Record<string, HostTensor>>,
  ): Promise<Record<string, HostTensor>> {
    const ort = loadOrt();
    const dims = checkFeeds(this.signature.inputs, feeds);
    const ortFeeds: Record<string, OrtTensor> = {};
    for (const spec of this.signature.inputs) {
      const t = feeds[spec.name];
      ortFeeds[spec.name] = new ort.Tensor(DTYPES[spec.dtype].ort, t.data, t.shape as number[]);
    }
    for (const name of Object.keys(outputs)) {
      if (!(name in this.signature.outputs)) {
        throw new Error(
          `backend-onnx: no output named '${name}' (outputs: ${this.outputNames.join(', ')})`,
        );
      }
    }
    const fetches: Record<string, OrtTensor | null> = {};
    for (const name of this.outputNames) {
      const buffer = outputs[name];
      if (buffer) {
        const type = DTYPES[this.signature.outputs[name].dtype].ort;
        fetches[name] = new ort.Tensor(
          type,
          buffer.data,
          this.checkOutputBuffer(name, buffer, dims),
        );
      } else {
        fetches[name] = null;
      }
    }
    const results = await this.runOrt(ortFeeds, fetches);
    const out: Record<string, HostTensor> = {};
    for (const name of this.outputNames) {
      const r = results[name];
      out[name] = outputs[name] ?? { shape: r.dims, data: r.data as HostData };
    }
    return out;
  }

  /**
   * Low-level run on onnxruntime tensors: no feed checks, no conversion. `fetches` may hold
   * preallocated output tensors (or `null` for outputs onnxruntime should allocate); by
   * default every output is fetched. For hot loops that keep their tensors (the trainer).
   */
  async runOrt(
    feeds: Readonly<Record<string, OrtTensor>>,
    fetches?: Readonly<Record<string, OrtTensor | null>>,
  ): Promise<Record<string, OrtTensor>> {
    const session = this.ortSession;
    const results = fetches ? await session.run(feeds, fetches) : await session.run(feeds);
    return results as Record<string, OrtTensor>;
  }

  /** Releases the onnxruntime session; the session must not be used afterwards. */
  async dispose(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    await session?.release();
  }

  private checkOutputBuffer(name: string, buffer: HostTensor, dims: DimBindings): number[] {
    const { dtype, shape } = this.signature.outputs[name];
    const fail = (reason: string): never => {
      throw new Error(`backend-onnx: output buffer '${name}': ${reason}`);
    };
    if (!matchesDType(buffer.data, dtype)) {
      fail(`expected ${dtype} data (${DTYPES[dtype].array.name}), got ${arrayName(buffer.data)}`);
    }
    const expected = shape.map((d) => resolveDim(d, (n) => dims.get(n)?.size));
    const ok =
      buffer.shape.length === expected.length &&
      expected.every((d, i) => d === undefined || d === buffer.shape[i]);
    if (!ok) {
      const want = expected.map((d, i) => d ?? shape[i]);
      fail(`shape ${formatShape(buffer.shape)}, expected ${formatShape(want)} for these feeds`);
    }
    const size = buffer.shape.reduce((p, d) => p * d, 1);
    if (buffer.data.length !== size) {
      fail(`shape ${formatShape(buffer.shape)} needs ${size} values, got ${buffer.data.length}`);
    }
    return buffer.shape as number[];
  }
}
