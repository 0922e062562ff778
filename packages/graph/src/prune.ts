import { GraphBuilder } from './graph-builder.js';
import type { Graph, NodeId } from './ir.js';

/**
 * Dead-code removal: a new graph holding only the nodes that the chosen outputs (default:
 * all) depend on, renumbered in the same topological order. Inputs and parameters that no
 * kept output uses are dropped too.
 */
export function prune(
  graph: Graph,
  outputs: readonly string[] = Object.keys(graph.outputs),
): Graph {
  const live = new Uint8Array(graph.nodes.length);
  for (const name of outputs) {
    const id = graph.outputs[name];
    if (id === undefined) throw new Error(`prune: no output named '${name}'`);
    live[id] = 1;
  }
  for (let id = graph.nodes.length - 1; id >= 0; id--) {
    if (live[id]) for (const i of graph.nodes[id].inputs) live[i] = 1;
  }
  const b = new GraphBuilder();
  const map = new Map<NodeId, NodeId>();
  for (const n of graph.nodes) {
    if (live[n.id]) {
      map.set(
        n.id,
        b.addNode(
          n.op,
          n.inputs.map((i) => map.get(i)!),
          n.attrs,
        ),
      );
    }
  }
  for (const name of outputs) b.output(name, map.get(graph.outputs[name])!);
  return b.build();
}

/** Node count per op name plus the total, for reporting graph sizes. */
export function nodeCounts(graph: Graph): { total: number; byOp: Record<string, number> } {
  const byOp: Record<string, number> = {};
  for (const n of graph.nodes) byOp[n.op] = (byOp[n.op] ?? 0) + 1;
  return { total: graph.nodes.length, byOp };
}
