import { GraphBuildError } from './graph-build-error.js';
import { GraphBuilder } from './graph-builder.js';
import type { AttrValue, Graph } from './ir.js';

/** Serialised form of a graph (format tag and version for forward compatibility). */
export interface GraphJSON {
  format: 'mlff-distiller-graph';
  version: 1;
  nodes: { op: string; inputs: number[]; attrs: Record<string, AttrValue> }[];
  outputs: Record<string, number>;
}

/** Serialises a graph to plain JSON data (inferred dtypes and shapes are not stored). */
export function toJSON(graph: Graph): GraphJSON {
  return {
    format: 'mlff-distiller-graph',
    version: 1,
    nodes: graph.nodes.map((n) => ({ op: n.op, inputs: [...n.inputs], attrs: { ...n.attrs } })),
    outputs: { ...graph.outputs },
  };
}

/**
 * Rebuilds a graph from {@link toJSON} data (or its `JSON.parse`d string), re-running
 * shape and dtype inference, so a corrupted or hand-edited file fails with a
 * {@link GraphBuildError} at load time.
 */
export function fromJSON(json: GraphJSON | string): Graph {
  const data: GraphJSON = typeof json === 'string' ? JSON.parse(json) : json;
  if (data.format !== 'mlff-distiller-graph' || data.version !== 1) {
    throw new GraphBuildError('fromJSON', `unknown format ${data.format} v${data.version}`);
  }
  const b = new GraphBuilder();
  for (const n of data.nodes) b.addNode(n.op, n.inputs, n.attrs);
  for (const [name, id] of Object.entries(data.outputs)) b.output(name, id);
  return b.build();
}
