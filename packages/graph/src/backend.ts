import type { Graph } from './ir.js';

/** Element storage of a host tensor: float32/float64 values, int32 indices, bool as 0/1 bytes. */
export type HostData = Float32Array | Float64Array | Int32Array | Uint8Array;

/** A tensor in host memory: numeric shape and row-major data (length = product of shape). */
export interface HostTensor {
  readonly shape: readonly number[];
  readonly data: HostData;
}

/** How a backend treats the graph's `param` nodes. */
export type ParameterMode = 'constant' | 'input';

/** Options of {@link GraphBackend.compile}. */
export interface CompileOptions {
  /**
   * `'constant'` (inference): parameter values from {@link CompileOptions.parameters} are
   * baked into the compiled graph (ONNX initializers). `'input'` (training): parameters are
   * fed by name at every run like inputs, so updating them never recompiles.
   * Default `'constant'`.
   */
  parameterMode?: ParameterMode;
  /** Parameter values by `param` name (required for every parameter in `'constant'` mode). */
  parameters?: Readonly<Record<string, Float32Array | Float64Array>>;
  /** Only compute these outputs (default: all outputs of the graph). */
  outputs?: readonly string[];
}

/**
 * A compiled graph ready to run repeatedly. Created once per graph and reused: `run` must
 * not rebuild anything. Feeds and results are keyed by input / output name.
 */
export interface GraphSession {
  /** Name of the backend that runs this session, e.g. `'onnxruntime-node/cpu'`, `'tfjs/wasm'`. */
  readonly backend: string;
  /** Names that must be fed: the graph's `input` nodes, plus its `param` nodes in `'input'` mode. */
  readonly inputNames: readonly string[];
  /** Names of the outputs `run` returns. */
  readonly outputNames: readonly string[];
  /** Runs the graph; symbolic dims are bound from the fed shapes. */
  run(feeds: Readonly<Record<string, HostTensor>>): Promise<Record<string, HostTensor>>;
  /** Releases native resources; the session must not be used afterwards. */
  dispose(): Promise<void>;
}

/** An executor of graphs (ONNX Runtime, tfjs, …). */
export interface GraphBackend {
  /** Backend name as used in options and errors. */
  readonly name: string;
  /** Compiles `graph` into a reusable session. Throws a clear error for what it cannot run. */
  compile(graph: Graph, options?: CompileOptions): Promise<GraphSession>;
}
