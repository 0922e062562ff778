import {
  type DType,
  dimFactors,
  type Graph,
  type NodeId,
  type ParameterMode,
  type Shape,
} from '@mlff-distiller/graph';
import { TfjsCompileError } from './compile-error.js';
import { isProduct } from './dim-binding.js';
import { lowerNode } from './lower-node.js';
import type { LoweringContext, NodeKernel } from './lowering-types.js';

/** A tensor fed at run time: an `input` node, or a `param` node in `'input'` mode. */
export interface FeedSpec {
  readonly id: NodeId;
  readonly name: string;
  readonly kind: 'input' | 'param';
  readonly dtype: DType;
  readonly shape: Shape;
  /**
   * Needed by the requested outputs. Feeds that are not still bind symbolic dims when given.
   */
  readonly required: boolean;
}

/** One interpreted node. */
export interface PlanStep {
  readonly id: NodeId;
  /** `op #id`, for error messages. */
  readonly label: string;
  readonly inputs: readonly NodeId[];
  readonly kernel: NodeKernel;
  /** Values to dispose right after this step: operands this step is the last user of. */
  readonly release: readonly NodeId[];
}

/** How a graph runs: made once by {@link buildPlan}, then executed by every run. */
export interface ExecutionPlan {
  readonly graph: Graph;
  readonly feeds: readonly FeedSpec[];
  /**
   * Leaves whose tensors `compile` makes from their values: `constant` nodes, and `param`
   * nodes in `'constant'` mode.
   */
  readonly leaves: readonly NodeId[];
  /**
   * Steps run once, at compile time: nodes computed from leaves only (e.g. transposed or
   * sliced weight matrices in a gradient graph), i.e. constant folding at compile time.
   */
  readonly prelude: readonly PlanStep[];
  /**
   * Values the session owns from compile time until it is disposed: the leaves and prelude
   * results that the per-run steps or the outputs use.
   */
  readonly owned: readonly NodeId[];
  /** Nodes computed at every run, in topological order. */
  readonly steps: readonly PlanStep[];
  readonly outputs: readonly { readonly name: string; readonly id: NodeId }[];
}

/** Options of {@link buildPlan}. */
export interface PlanOptions {
  readonly parameterMode: ParameterMode;
  /** Outputs to compute (default: all). */
  readonly outputs?: readonly string[];
  /** Refuse float64 nodes instead of computing them in float32. */
  readonly rejectFloat64: boolean;
}

/**
 * Prepares the interpreter plan of `graph`: keeps only the nodes the requested outputs need,
 * lowers each to a kernel closure, separates what depends on leaves only (computed once at
 * compile time) from what depends on feeds (computed at every run), and records after which
 * step each intermediate value can be disposed (its last use). Checks, at compile time,
 * everything that does not depend on the feeds: ops and tfjs kernels, the float64 policy, and
 * that every symbolic dim a kernel resolves is bound by some feed's shape.
 *
 * @throws {TfjsCompileError} naming the node at fault.
 */
export function buildPlan(graph: Graph, options: PlanOptions, ctx: LoweringContext): ExecutionPlan {
  const nodes = graph.nodes;
  nodes.forEach((n, i) => {
    if (n.id !== i || n.inputs.some((j) => !(Number.isInteger(j) && j >= 0 && j < i))) {
      throw new TfjsCompileError(`node ${i} ('${n.op}') is out of topological order`);
    }
  });
  const names = options.outputs ?? Object.keys(graph.outputs);
  const outputs = names.map((name) => {
    const id = graph.outputs[name];
    if (id === undefined) {
      throw new TfjsCompileError(
        `no output named '${name}' (outputs: ${Object.keys(graph.outputs).join(', ')})`,
      );
    }
    return { name, id };
  });

  const needed = new Uint8Array(nodes.length);
  for (const { id } of outputs) needed[id] = 1;
  for (let id = nodes.length - 1; id >= 0; id--) {
    if (needed[id]) for (const i of nodes[id].inputs) needed[i] = 1;
  }

  const feeds: FeedSpec[] = [];
  const leaves: NodeId[] = [];
  // Known at compile time: leaves with values, and numeric-shaped nodes computed from them.
  const isStatic = new Uint8Array(nodes.length);
  const prelude: Omit<PlanStep, 'release'>[] = [];
  const steps: Omit<PlanStep, 'release'>[] = [];
  const resolved: { id: NodeId; shape: Shape }[] = [];
  for (const node of nodes) {
    if (options.rejectFloat64 && node.dtype === 'float64' && needed[node.id]) {
      throw new TfjsCompileError(
        "float64 is not supported by tfjs (the backend was created with float64: 'reject')",
        graph,
        node,
      );
    }
    const fed = node.op === 'input' || (node.op === 'param' && options.parameterMode === 'input');
    if (fed) {
      feeds.push({
        id: node.id,
        name: node.attrs.name as string,
        kind: node.op as 'input' | 'param',
        dtype: node.dtype,
        shape: node.shape,
        required: needed[node.id] === 1,
      });
      continue;
    }
    if (!needed[node.id]) continue;
    if (node.op === 'constant' || node.op === 'param') {
      isStatic[node.id] = 1;
      leaves.push(node.id);
      continue;
    }
    const lowering = lowerNode(node, ctx);
    for (const shape of lowering.resolves ?? []) resolved.push({ id: node.id, shape });
    const step = {
      id: node.id,
      label: `${node.op} #${node.id}`,
      inputs: node.inputs,
      kernel: lowering.kernel,
    };
    const numeric = node.shape.every((d) => typeof d === 'number');
    if (numeric && node.inputs.length > 0 && node.inputs.every((i) => isStatic[i])) {
      isStatic[node.id] = 1;
      prelude.push(step);
    } else {
      steps.push(step);
    }
  }

  // Every symbolic dim a kernel resolves must be a plain dim of some feed.
  const bindable = new Set<string>();
  for (const f of feeds) {
    for (const d of f.shape) if (typeof d === 'string' && !isProduct(d)) bindable.add(d);
  }
  for (const { id, shape } of resolved) {
    for (const d of shape) {
      const unbound = dimFactors(d).names.filter((n) => !bindable.has(n));
      if (unbound.length > 0) {
        throw new TfjsCompileError(
          `symbolic dim '${unbound.join("', '")}' is not a dim of any input, so it cannot be ` +
            'bound at run time',
          graph,
          nodes[id],
        );
      }
    }
  }

  // Static values the runs need stay owned by the session; outputs are never released.
  const keep = new Uint8Array(nodes.length);
  for (const { id } of outputs) keep[id] = 1;
  for (const s of steps) for (const i of s.inputs) if (isStatic[i]) keep[i] = 1;
  const owned = [...leaves, ...prelude.map((s) => s.id)].filter((id) => keep[id]);
  return {
    graph,
    feeds,
    leaves,
    prelude: withReleases(prelude, keep),
    owned,
    steps: withReleases(steps, keep),
    outputs,
  };
}

/** Adds to each step the operands it is the last user of, except those in `keep`. */
function withReleases(steps: readonly Omit<PlanStep, 'release'>[], keep: Uint8Array): PlanStep[] {
  const lastUse = new Map<NodeId, number>();
  steps.forEach((s, k) => {
    for (const i of s.inputs) lastUse.set(i, k);
  });
  const release: NodeId[][] = steps.map(() => []);
  for (const [id, k] of lastUse) if (!keep[id]) release[k].push(id);
  return steps.map((s, k) => ({ ...s, release: release[k] }));
}
