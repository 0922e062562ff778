import type { CompileOptions, Graph, GraphBackend, NodeId } from '@mlff-distiller/graph';
import * as tf from '@tensorflow/tfjs-core';
import { type BackendTraits, backendTraits } from './backend-traits.js';
import { TfjsCompileError } from './compile-error.js';
import { DimBinding } from './dim-binding.js';
import { buildPlan } from './execution-plan.js';
import { tfDtype, toTfValues } from './host-tensors.js';
import { runSteps } from './run-steps.js';
import {
  type SelectTfjsBackendOptions,
  selectTfjsBackend,
  settleBackendLoads,
  type TfjsBackendSelection,
  useTfjsBackendNow,
} from './select-backend.js';
import { TfjsSession } from './tfjs-session.js';

/** Options of {@link TfjsBackend}. */
export interface TfjsBackendOptions extends SelectTfjsBackendOptions {
  /**
   * What to do with float64 graph values, which tfjs cannot hold: `'float32'` (default)
   * computes them in float32 (about 7 significant digits; outputs still come back as
   * Float64Array); `'reject'` makes `compile` throw for any float64 node.
   */
  float64?: 'float32' | 'reject';
  /**
   * Overrides of the per-backend lowering choices ({@link BackendTraits}), for tuning and
   * testing; the defaults follow measurements. Turning `checkScatterIndices` off on wasm lets
   * an out-of-range scatter index corrupt the wasm heap.
   */
  traits?: Partial<BackendTraits>;
}

/**
 * Runs graphs with TensorFlow.js by interpreting them with tfjs ops. The tfjs backend is
 * chosen on first use (see {@link selectTfjsBackend}): `'tensorflow-gpu'`, `'tensorflow'`,
 * `'wasm'`, `'cpu'`, the first that loads, or the one named in `options.backend`.
 *
 * tfjs has no float64: float64 graphs (the graph builder's default dtype) run in float32 unless
 * `float64: 'reject'` is set. Use it for inference and cross-checks; train on the ONNX backend
 * (tfjs's own autodiff is not used: gradients are graph transforms, `grad` in the graph package).
 *
 * @example
 * const backend = new TfjsBackend();            // or new TfjsBackend({ backend: 'wasm' })
 * const session = await backend.compile(forceGraph, { parameters });
 * const { F } = await session.run({ positions: { shape: [n, 3], data: xyz } });
 * await session.dispose();
 */
export class TfjsBackend implements GraphBackend {
  readonly name = 'tfjs';
  private readonly options: TfjsBackendOptions;
  private selection: Promise<TfjsBackendSelection> | undefined;

  constructor(options: TfjsBackendOptions = {}) {
    this.options = options;
  }

  /**
   * Loads the tfjs backend (once per instance) and tells which was chosen and why the ones
   * tried before it were not.
   *
   * @throws {TfjsBackendUnavailableError} when the requested backend cannot be loaded.
   */
  ready(): Promise<TfjsBackendSelection> {
    this.selection ??= selectTfjsBackend(this.options);
    return this.selection;
  }

  /**
   * Compiles `graph` into a reusable session: lowers every node the requested outputs need to
   * a tfjs kernel closure, plans when each intermediate is disposed, makes the constant (and,
   * in `'constant'` parameter mode, parameter) tensors once and computes what depends on them
   * alone, e.g. transposed weights (all owned by the session until `dispose`).
   *
   * @throws {TfjsBackendUnavailableError} when the backend cannot be loaded.
   * @throws {TfjsCompileError} for an unsupported op or missing tfjs kernel (naming op, node id
   *   and shapes), an unknown output, a missing or mis-sized parameter, a symbolic dim no input
   *   binds, or a float64 node with `float64: 'reject'`.
   */
  async compile(graph: Graph, options: CompileOptions = {}): Promise<TfjsSession> {
    const selection = await this.ready();
    const parameterMode = options.parameterMode ?? 'constant';
    const plan = buildPlan(
      graph,
      { parameterMode, outputs: options.outputs, rejectFloat64: this.options.float64 === 'reject' },
      {
        graph,
        tfjsBackend: selection.tfjsName,
        traits: { ...backendTraits(selection.name), ...this.options.traits },
      },
    );
    await settleBackendLoads();
    useTfjsBackendNow(selection.tfjsName);
    const leaves = new Map<NodeId, tf.Tensor>();
    try {
      for (const id of plan.leaves) leaves.set(id, tf.keep(leafTensor(graph, id, options)));
      const kept = tf.tidy(() => {
        const values = new Array<tf.Tensor | undefined>(graph.nodes.length);
        for (const [id, t] of leaves) values[id] = t;
        runSteps(plan.prelude, values, { dims: new DimBinding() }, 'tfjs: at compile time, ');
        return plan.owned.map((id) => values[id]!);
      });
      // Leaves the runs do not need were released by the prelude, or are released here.
      const owned = new Map(plan.owned.map((id, i) => [id, kept[i]]));
      for (const [id, t] of leaves) if (!owned.has(id)) t.dispose();
      return new TfjsSession(plan, selection, owned);
    } catch (e) {
      for (const t of leaves.values()) t.dispose();
      throw e;
    }
  }
}

/**
 * The tensor of a leaf known at compile time: a `constant` node's value, or a `param` node's
 * value from `options.parameters`.
 */
function leafTensor(graph: Graph, id: NodeId, options: CompileOptions): tf.Tensor {
  const node = graph.nodes[id];
  let values: readonly number[] | Float32Array | Float64Array;
  if (node.op === 'constant') {
    values = node.attrs.value as number[];
  } else {
    const name = node.attrs.name as string;
    const given = options.parameters?.[name];
    if (given === undefined) {
      throw new TfjsCompileError(
        `parameter '${name}' has no value in options.parameters (parameterMode 'constant')`,
        graph,
        node,
      );
    }
    values = given;
  }
  if (!node.shape.every((d) => typeof d === 'number')) {
    throw new TfjsCompileError('a compile-time tensor needs a numeric shape', graph, node);
  }
  const shape = node.shape as number[];
  const n = shape.reduce((p, d) => p * d, 1);
  if (values.length !== n) {
    throw new TfjsCompileError(`has ${values.length} values, its shape needs ${n}`, graph, node);
  }
  const host =
    values instanceof Float32Array || values instanceof Float64Array
      ? values
      : Float64Array.from(values);
  return tf.tensor(toTfValues(host, node.dtype), shape, tfDtype(node.dtype));
}
