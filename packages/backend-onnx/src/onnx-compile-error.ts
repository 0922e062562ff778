import { formatShape, type Shape } from '@mlff-distiller/graph';

/**
 * Thrown by {@link compileToOnnx} (and so by `OnnxBackend.compile`) for anything the ONNX
 * lowering cannot express: an unknown op or dtype, a missing parameter value, a symbolic
 * dim that no graph input carries. The message names the op, the node id and the operand
 * shapes, so the problem surfaces at compile time rather than as a crash inside
 * onnxruntime.
 */
export class OnnxCompileError extends Error {
  /** The IR op being lowered (or `'graph'` for whole-graph problems). */
  readonly op: string;
  /** Id of the offending node, when there is one. */
  readonly nodeId: number | undefined;
  /** Shapes of the node's operands (empty when not applicable). */
  readonly shapes: readonly Shape[];

  constructor(
    op: string,
    nodeId: number | undefined,
    reason: string,
    shapes: readonly Shape[] = [],
  ) {
    const where = nodeId === undefined ? op : `${op} #${nodeId}`;
    const shapeText =
      shapes.length > 0 ? ` (operand shapes ${shapes.map(formatShape).join(', ')})` : '';
    super(`backend-onnx: ${where}: ${reason}${shapeText}`);
    this.name = 'OnnxCompileError';
    this.op = op;
    this.nodeId = nodeId;
    this.shapes = shapes;
  }
}
