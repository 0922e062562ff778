import { formatShape, type Shape } from './ir.js';

/**
 * Thrown while a graph is built (or loaded from JSON) when an op is unsupported or its
 * operands have incompatible shapes or dtypes. The message names the op and every operand
 * shape, so errors surface at build time instead of inside a backend.
 */
export class GraphBuildError extends Error {
  /** The op being added. */
  readonly op: string;
  /** Shapes of the op's operands. */
  readonly shapes: readonly Shape[];

  constructor(op: string, reason: string, shapes: readonly Shape[] = []) {
    const shapeText =
      shapes.length > 0 ? ` (operand shapes ${shapes.map(formatShape).join(', ')})` : '';
    super(`${op}: ${reason}${shapeText}`);
    this.name = 'GraphBuildError';
    this.op = op;
    this.shapes = shapes;
  }
}
