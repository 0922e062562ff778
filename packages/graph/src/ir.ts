/** Element types a graph value can have. Integer and boolean values are never differentiated. */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';

/**
 * One dimension of a shape: a fixed size, or a symbolic name (`'atoms'`, `'edges'`,
 * `'structures'`, `'neighbors'`, …) bound to a size when the graph is executed.
 */
export type Dim = number | string;

/** A shape: one {@link Dim} per axis; `[]` is a scalar. */
export type Shape = readonly Dim[];

/** Identifier of a node: its index in {@link Graph.nodes}. */
export type NodeId = number;

/** A JSON value stored as a node attribute. */
export type AttrValue = number | string | boolean | null | readonly AttrValue[];

/**
 * One node of a graph. Nodes are stored in topological order: every input id is smaller
 * than the node's own id.
 *
 * Leaf ops: `input` (a placeholder fed at run time, `attrs.name`), `param` (a named
 * trainable parameter, `attrs.name`), `constant` (`attrs.value`: row-major numbers).
 */
export interface GraphNode {
  /** Index of this node in {@link Graph.nodes}. */
  readonly id: NodeId;
  /** Op name, e.g. `'add'`, `'matmul'`, `'gather'`. */
  readonly op: string;
  /** Ids of the input nodes, in the op's argument order. */
  readonly inputs: readonly NodeId[];
  /** Op attributes (axes, shapes, names, constant values); JSON values only. */
  readonly attrs: Readonly<Record<string, AttrValue>>;
  /** Inferred element type of the output. */
  readonly dtype: DType;
  /** Inferred output shape (may contain symbolic dims). */
  readonly shape: Shape;
}

/** A graph: nodes in topological order plus named outputs. Plain data, JSON serialisable. */
export interface Graph {
  readonly nodes: readonly GraphNode[];
  /** Output name → node id. */
  readonly outputs: Readonly<Record<string, NodeId>>;
}

/** True for the floating-point dtypes (the ones that carry gradients). */
export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

/** Human-readable shape, e.g. `[atoms,3]`. */
export function formatShape(shape: Shape): string {
  return `[${shape.join(',')}]`;
}
