import type { Graph, GraphNode, Shape } from '@mlff-distiller/graph';
import type * as tf from '@tensorflow/tfjs-core';
import type { BackendTraits } from './backend-traits.js';
import type { DimBinding } from './dim-binding.js';

/** What a node kernel can read at run time besides its operands. */
export interface RunEnv {
  /** Sizes of the symbolic dims, bound from the feeds of this run. */
  readonly dims: DimBinding;
}

/**
 * A compiled node: computes the node's value from its operands' values (in the node's input
 * order) with tfjs ops. Called inside `tf.tidy`, so temporaries need no disposal; it must not
 * dispose its operands.
 */
export type NodeKernel = (inputs: readonly tf.Tensor[], env: RunEnv) => tf.Tensor;

/** What lowering knows about the graph and the backend it compiles for. */
export interface LoweringContext {
  readonly graph: Graph;
  /** The tfjs engine name of the backend (`'cpu'`, `'wasm'`, `'tensorflow'`). */
  readonly tfjsBackend: string;
  /** Workarounds and fast paths for this backend's kernels. */
  readonly traits: BackendTraits;
}

/** The lowering of one node. */
export interface Lowering {
  readonly kernel: NodeKernel;
  /** tfjs kernels (`'GatherV2'`, `'ScatterNd'`, …) the kernel runs; checked at compile time. */
  readonly tfKernels: readonly string[];
  /** Shapes the kernel resolves from symbolic dims at run time; checked for bindability. */
  readonly resolves?: readonly Shape[];
}

/** Lowers one node of an op family; throws a `TfjsCompileError` for what it cannot run. */
export type Lowerer = (node: GraphNode, ctx: LoweringContext) => Lowering;
