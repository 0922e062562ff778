import { formatShape, type Graph, type GraphNode } from '@mlff-distiller/graph';

/**
 * Thrown by `TfjsBackend.compile` for a graph it cannot run: an unsupported op, a missing tfjs
 * kernel, a float64 graph when float64 is rejected, missing parameters. The message names the
 * op, the node id and the operand and output shapes, e.g.
 * `tfjs: cannot compile 'fft' #7 (operands [atoms,3]; output [atoms,3]): unsupported op`.
 */
export class TfjsCompileError extends Error {
  override readonly name = 'TfjsCompileError';
  /** The node at fault, when there is one. */
  readonly nodeId: number | undefined;
  /** Its op. */
  readonly op: string | undefined;

  constructor(reason: string, graph?: Graph, node?: GraphNode) {
    super(
      node && graph
        ? `tfjs: cannot compile ${describeNode(graph, node)}: ${reason}`
        : `tfjs: ${reason}`,
    );
    this.nodeId = node?.id;
    this.op = node?.op;
  }
}

/** `'op' #id (operands [..], [..]; output [..])`, for messages. */
export function describeNode(graph: Graph, node: GraphNode): string {
  const operands = node.inputs.map((i) => formatShape(graph.nodes[i].shape)).join(', ');
  return `'${node.op}' #${node.id} (operands ${operands || 'none'}; output ${formatShape(node.shape)} ${node.dtype})`;
}
