import { sameShape } from './broadcast.js';
import { evaluate } from './evaluate.js';
import { GraphBuilder } from './graph-builder.js';
import type { Graph, GraphNode, NodeId } from './ir.js';
import { prune } from './prune.js';

/** Options of {@link simplify}. */
export interface SimplifyOptions {
  /** Largest constant (elements) constant folding may create (default 4096). */
  maxFoldedSize?: number;
}

/**
 * Simplification: constant folding (ops whose inputs are all constants, evaluated in
 * float64, except casts to float32 which are kept), common-subexpression elimination
 * (same op, inputs and attributes; operands of add and mul in any order), algebraic identities (x·1, 1·x, x+0, 0+x, x−0, x/1,
 * −(−x), reshape/broadcastTo to the same shape, transpose by the identity) and dead-code
 * removal. Outputs keep their names; node ids are renumbered. An identity is applied only
 * when the surviving operand already has the result's shape and dtype.
 */
export function simplify(graph: Graph, options: SimplifyOptions = {}): Graph {
  const maxFold = options.maxFoldedSize ?? 4096;
  const b = new GraphBuilder();
  const map = new Map<NodeId, NodeId>();
  const seen = new Map<string, NodeId>();
  const scalarValue = (id: NodeId): number | undefined => {
    const n = b.node(id);
    if (n.op !== 'constant') return undefined;
    const v = n.attrs.value as number[];
    return v.length === 1 && v.every((x) => x === v[0]) ? v[0] : undefined;
  };
  const keeps = (node: GraphNode, id: NodeId) =>
    sameShape(b.shape(id), node.shape) && b.dtype(id) === node.dtype;

  for (const node of graph.nodes) {
    const inputs = node.inputs.map((i) => map.get(i)!);
    const identity = (): NodeId | undefined => {
      const [x, y] = inputs;
      const sx = x === undefined ? undefined : scalarValue(x);
      const sy = y === undefined ? undefined : scalarValue(y);
      switch (node.op) {
        case 'mul':
          if (sy === 1 && keeps(node, x)) return x;
          if (sx === 1 && keeps(node, y)) return y;
          return undefined;
        case 'add':
          if (sy === 0 && keeps(node, x)) return x;
          if (sx === 0 && keeps(node, y)) return y;
          return undefined;
        case 'sub':
          return sy === 0 && keeps(node, x) ? x : undefined;
        case 'div':
          return sy === 1 && keeps(node, x) ? x : undefined;
        case 'neg': {
          const inner = b.node(x);
          return inner.op === 'neg' ? inner.inputs[0] : undefined;
        }
        case 'reshape':
        case 'broadcastTo':
          return keeps(node, x) ? x : undefined;
        case 'transpose':
          return (node.attrs.perm as number[]).every((p, i) => p === i) ? x : undefined;
        default:
          return undefined;
      }
    };
    const same = identity();
    if (same !== undefined) {
      map.set(node.id, same);
      continue;
    }
    let op = node.op;
    let ins = inputs;
    let attrs = node.attrs;
    const leaf = op === 'input' || op === 'param' || op === 'constant';
    if (
      !leaf &&
      ins.length > 0 &&
      ins.every((i) => b.node(i).op === 'constant') &&
      node.shape.every((d) => typeof d === 'number') &&
      (node.shape as number[]).reduce((p, d) => p * d, 1) <= maxFold &&
      !(op === 'cast' && node.dtype === 'float32')
    ) {
      const sub = new GraphBuilder();
      const ids = ins.map((i) => sub.addNode('constant', [], b.node(i).attrs));
      sub.output('v', sub.addNode(op, ids, attrs));
      const v = evaluate(sub.build(), {}).v;
      op = 'constant';
      ins = [];
      attrs = { value: Array.from(v.data), shape: [...v.shape], dtype: node.dtype };
    }
    // Commutative ops are keyed by their sorted operands (a+b and b+a are one node).
    const keyIns = op === 'add' || op === 'mul' ? [...ins].sort((p, q) => p - q) : ins;
    const key = `${op}|${keyIns.join(',')}|${JSON.stringify(attrs)}`;
    const existing = seen.get(key);
    if (existing !== undefined) {
      map.set(node.id, existing);
      continue;
    }
    const id = b.addNode(op, ins, attrs);
    seen.set(key, id);
    map.set(node.id, id);
  }
  for (const [name, id] of Object.entries(graph.outputs)) b.output(name, map.get(id)!);
  return prune(b.build());
}
