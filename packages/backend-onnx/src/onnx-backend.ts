import type { Graph, GraphBackend } from '@mlff-distiller/graph';
import { compileToOnnx, type OnnxCompileOptions, onnxSignature } from './compile-to-onnx.js';
import { createOrtSession, type OnnxRuntimeOptions } from './create-ort-session.js';
import { OnnxSession } from './onnx-session.js';

/**
 * Runs graphs on ONNX Runtime (onnxruntime-node): `compile` lowers the graph to an ONNX
 * model ({@link compileToOnnx}) and creates one onnxruntime session for it, which every
 * `run` reuses. CPU by default; `executionProvider: 'cuda'` uses the CUDA execution
 * provider or throws `CudaUnavailableError` with install instructions. Graphs holding
 * float64 values default to graph optimisation level `'basic'` (see
 * {@link OnnxRuntimeOptions.graphOptimizationLevel}).
 */
export class OnnxBackend implements GraphBackend {
  readonly name = 'onnx';
  /** Runtime options applied to every session this backend creates. */
  readonly options: Readonly<OnnxRuntimeOptions>;

  constructor(options: OnnxRuntimeOptions = {}) {
    this.options = { ...options };
  }

  /**
   * Compiles `graph` and creates its session. `options.parameterMode` `'constant'`
   * (default) bakes `options.parameters` into the model; `'input'` makes every parameter
   * an input fed by name at each run. Throws `OnnxCompileError` for anything the lowering
   * cannot express, `CudaUnavailableError` when CUDA was requested and is unusable.
   */
  async compile(graph: Graph, options: OnnxCompileOptions = {}): Promise<OnnxSession> {
    const bytes = compileToOnnx(graph, options);
    const float64 = graph.nodes.some((n) => n.dtype === 'float64');
    const { session, backend } = await createOrtSession(bytes, {
      ...this.options,
      graphOptimizationLevel: this.options.graphOptimizationLevel ?? (float64 ? 'basic' : 'all'),
    });
    return new OnnxSession(session, backend, onnxSignature(graph, options), bytes);
  }
}
