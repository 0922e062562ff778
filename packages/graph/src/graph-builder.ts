import { GraphBuildError } from './graph-build-error.js';
import { inferOp } from './infer.js';
import type { AttrValue, Dim, DType, Graph, GraphNode, NodeId, Shape } from './ir.js';

/** Something usable as an operand: a node id, or a plain number (a scalar constant). */
export type Operand = NodeId | { scalar: number };

/**
 * Builds a {@link Graph} op by op, inferring each node's dtype and shape immediately so a
 * mismatch throws a {@link GraphBuildError} at the line that caused it. Binary ops
 * broadcast like numpy. `GraphBuilder.from(graph)` continues an existing graph (node ids
 * are kept), which is how {@link grad} appends backward nodes.
 */
export class GraphBuilder {
  private readonly nodes: GraphNode[] = [];
  private readonly outs: Record<string, NodeId> = {};
  private readonly leafNames = new Map<string, NodeId>();
  private readonly scalars = new Map<string, NodeId>();

  /** A builder that starts with all nodes and outputs of `graph`. */
  static from(graph: Graph): GraphBuilder {
    const b = new GraphBuilder();
    for (const n of graph.nodes) {
      const id = b.addNode(n.op, n.inputs, n.attrs);
      if (id !== n.id) throw new GraphBuildError(n.op, `node ${n.id} is out of order`);
    }
    for (const [name, id] of Object.entries(graph.outputs)) b.output(name, id);
    return b;
  }

  /** The node with id `id`. */
  node(id: NodeId): GraphNode {
    const n = this.nodes[id];
    if (!n) throw new GraphBuildError('node', `no node with id ${id}`);
    return n;
  }

  /** Shape of node `id`. */
  shape(id: NodeId): Shape {
    return this.node(id).shape;
  }

  /** Dtype of node `id`. */
  dtype(id: NodeId): DType {
    return this.node(id).dtype;
  }

  /**
   * Adds a node by op name (the generic entry point every method uses; also used to load
   * JSON). Infers and checks dtype and shape.
   */
  addNode(
    op: string,
    inputs: readonly NodeId[],
    attrs: Readonly<Record<string, AttrValue>> = {},
  ): NodeId {
    for (const i of inputs) {
      if (!Number.isInteger(i) || i < 0 || i >= this.nodes.length) {
        throw new GraphBuildError(op, `input ${i} is not an existing node`);
      }
    }
    const { dtype, shape } = inferOp(
      op,
      inputs.map((i) => this.nodes[i]),
      attrs,
    );
    if (op === 'input' || op === 'param') {
      const name = attrs.name as string;
      if (this.leafNames.has(name)) throw new GraphBuildError(op, `name '${name}' already used`);
      this.leafNames.set(name, this.nodes.length);
    }
    const id = this.nodes.length;
    this.nodes.push({ id, op, inputs: [...inputs], attrs: { ...attrs }, dtype, shape });
    return id;
  }

  private ref(x: Operand, like: NodeId | undefined): NodeId {
    return typeof x === 'number' ? x : this.scalar(x.scalar, like);
  }

  private binary(op: string, a: Operand, b: Operand): NodeId {
    const ia = this.ref(a, typeof b === 'number' ? b : undefined);
    const ib = this.ref(b, ia);
    return this.addNode(op, [ia, ib]);
  }

  /** A placeholder fed at run time under `name`. */
  input(name: string, dtype: DType, shape: Shape): NodeId {
    return this.addNode('input', [], { name, dtype, shape: [...shape] });
  }

  /** A named trainable parameter (fed under `name`, like an input). */
  param(name: string, shape: Shape, dtype: DType = 'float64'): NodeId {
    return this.addNode('param', [], { name, dtype, shape: [...shape] });
  }

  /** A constant with row-major `values` and a numeric shape (default: scalar). */
  constant(
    values: readonly number[] | number,
    shape: readonly number[] = [],
    dtype: DType = 'float64',
  ): NodeId {
    const value = typeof values === 'number' ? [values] : [...values];
    return this.addNode('constant', [], { value, shape: [...shape], dtype });
  }

  /**
   * A scalar constant with the dtype of `like` (or float64). Scalars made through this
   * builder are shared: asking twice for the same value and dtype returns one node.
   */
  scalar(value: number, like?: NodeId): NodeId {
    const dtype = like === undefined ? 'float64' : this.dtype(like);
    const key = `${dtype}:${Object.is(value, -0) ? '-0' : value}`;
    let id = this.scalars.get(key);
    if (id === undefined) {
      id = this.constant([value], [], dtype);
      this.scalars.set(key, id);
    }
    return id;
  }

  /** Names `id` as a graph output. */
  output(name: string, id: NodeId): NodeId {
    this.node(id);
    this.outs[name] = id;
    return id;
  }

  /** a + b (broadcasting). */
  add(a: Operand, b: Operand): NodeId {
    return this.binary('add', a, b);
  }
  /** a − b (broadcasting). */
  sub(a: Operand, b: Operand): NodeId {
    return this.binary('sub', a, b);
  }
  /** a · b (broadcasting). */
  mul(a: Operand, b: Operand): NodeId {
    return this.binary('mul', a, b);
  }
  /** a / b (broadcasting). */
  div(a: Operand, b: Operand): NodeId {
    return this.binary('div', a, b);
  }
  /** a ^ b elementwise (broadcasting; differentiable in `b` only where a > 0). */
  pow(a: Operand, b: Operand): NodeId {
    return this.binary('pow', a, b);
  }
  /** −x. */
  neg(x: NodeId): NodeId {
    return this.addNode('neg', [x]);
  }
  /** eˣ. */
  exp(x: NodeId): NodeId {
    return this.addNode('exp', [x]);
  }
  /** ln x. */
  log(x: NodeId): NodeId {
    return this.addNode('log', [x]);
  }
  /** sin x. */
  sin(x: NodeId): NodeId {
    return this.addNode('sin', [x]);
  }
  /** cos x. */
  cos(x: NodeId): NodeId {
    return this.addNode('cos', [x]);
  }
  /** √x. */
  sqrt(x: NodeId): NodeId {
    return this.addNode('sqrt', [x]);
  }
  /** 1/√x. */
  rsqrt(x: NodeId): NodeId {
    return this.addNode('rsqrt', [x]);
  }
  /** x². */
  square(x: NodeId): NodeId {
    return this.addNode('square', [x]);
  }
  /** x·σ(x). */
  silu(x: NodeId): NodeId {
    return this.addNode('silu', [x]);
  }
  /** σ(x) = 1/(1+e⁻ˣ). */
  sigmoid(x: NodeId): NodeId {
    return this.addNode('sigmoid', [x]);
  }
  /** tanh x. */
  tanh(x: NodeId): NodeId {
    return this.addNode('tanh', [x]);
  }
  /** ln(1+eˣ). */
  softplus(x: NodeId): NodeId {
    return this.addNode('softplus', [x]);
  }
  /** a < b → bool. */
  less(a: Operand, b: Operand): NodeId {
    return this.binary('less', a, b);
  }
  /** a ≤ b → bool. */
  lessEqual(a: Operand, b: Operand): NodeId {
    return this.binary('lessEqual', a, b);
  }
  /** a > b → bool. */
  greater(a: Operand, b: Operand): NodeId {
    return this.binary('greater', a, b);
  }
  /** a ≥ b → bool. */
  greaterEqual(a: Operand, b: Operand): NodeId {
    return this.binary('greaterEqual', a, b);
  }
  /** a = b → bool. */
  equal(a: Operand, b: Operand): NodeId {
    return this.binary('equal', a, b);
  }
  /** mask ? a : b elementwise (all three broadcast). */
  where(mask: NodeId, a: Operand, b: Operand): NodeId {
    const ia = this.ref(a, typeof b === 'number' ? b : undefined);
    const ib = this.ref(b, ia);
    return this.addNode('where', [mask, ia, ib]);
  }
  /** Converts to `dtype`. */
  cast(x: NodeId, dtype: DType): NodeId {
    return this.addNode('cast', [x], { dtype });
  }
  /** Matrix product: `a` [..., m, k] (leading axes batched) times `b` [k, n] → [..., m, n]. */
  matmul(a: NodeId, b: NodeId): NodeId {
    return this.addNode('matmul', [a, b]);
  }
  /** Permutes axes. */
  transpose(x: NodeId, perm: readonly number[]): NodeId {
    return this.addNode('transpose', [x], { perm: [...perm] });
  }
  /** Sum over `axes` (negative axes count from the end). */
  reduceSum(x: NodeId, axes: readonly number[], keepDims = false): NodeId {
    return this.addNode('reduceSum', [x], { axes: [...axes], keepDims });
  }
  /** Sum of all elements (a scalar). */
  sumAll(x: NodeId): NodeId {
    return this.reduceSum(
      x,
      this.shape(x).map((_, i) => i),
      false,
    );
  }
  /**
   * Runtime size of axis `axis` of `x` as a float scalar (a constant for differentiation);
   * how symbolic dims such as `'atoms'` enter arithmetic.
   */
  dimSize(x: NodeId, axis: number, dtype: DType = this.dtype(x)): NodeId {
    return this.addNode('dimSize', [x], { axis, dtype });
  }
  /** Mean over `axes` (numeric dims fold into a constant; symbolic ones use {@link dimSize}). */
  reduceMean(x: NodeId, axes: readonly number[], keepDims = false): NodeId {
    const shape = this.shape(x);
    let count = 1;
    const symbolic: number[] = [];
    for (const a of axes) {
      const axis = a < 0 ? a + shape.length : a;
      const d = shape[axis];
      if (typeof d === 'number') count *= d;
      else symbolic.push(axis);
    }
    let y = this.mul(this.reduceSum(x, axes, keepDims), { scalar: 1 / count });
    for (const axis of symbolic) y = this.div(y, this.dimSize(x, axis));
    return y;
  }
  /** Dense layer x·W (+ b): `x` [..., in], `w` [in, out], optional `bias` [out]. */
  dense(x: NodeId, w: NodeId, bias?: NodeId): NodeId {
    const y = this.matmul(x, w);
    return bias === undefined ? y : this.add(y, bias);
  }
  /** Selects entries of `x` along `axis` by int32 `indices` (any shape; repeats allowed). */
  gather(x: NodeId, indices: NodeId, axis = 0): NodeId {
    return this.addNode('gather', [x, indices], { axis });
  }
  /**
   * Adds the slices of `x` at axes `axis … axis+rank(indices)−1` into an output whose
   * `axis` has `size` entries, at positions `indices` (the transpose of {@link gather}).
   * Used by the gradient of gather; backend-onnx is to replace it on neighbor lists by a
   * gather through the reverse-pair index plus a dense reduce (DESIGN.md).
   */
  scatterAdd(x: NodeId, indices: NodeId, axis: number, size: Dim): NodeId {
    return this.addNode('scatterAdd', [x, indices], { axis, size });
  }
  /**
   * Segment sum along axis 0: row r of `x` is added into output row `segmentIds[r]`
   * (`numSegments` rows, e.g. `'atoms'` or `'structures'`). A {@link scatterAdd}.
   */
  segmentSum(x: NodeId, segmentIds: NodeId, numSegments: Dim): NodeId {
    return this.scatterAdd(x, segmentIds, 0, numSegments);
  }
  /**
   * Neighbour gather over a padded neighbour matrix: `x` [n, ...], `neighbors` int32
   * [n, k] → [n, k, ...] with out[i, s] = x[neighbors[i, s]]. `reverse` int32 [n, k] holds
   * for each slot (i, s) the flat slot i'·k + s' of the reverse pair (padding slots point
   * at the atom itself and at their own slot); it is not read forward, but makes the
   * gradient a gather plus dense sum ({@link neighborSum}) instead of a scatter-add.
   */
  neighborGather(x: NodeId, neighbors: NodeId, reverse: NodeId): NodeId {
    return this.addNode('neighborGather', [x, neighbors, reverse]);
  }
  /**
   * The adjoint of {@link neighborGather}: `g` [n, k, ...] → [n, ...] with
   * out[j] = Σ_s g.flat[reverse[j, s]], i.e. every slot whose neighbour is j summed into j
   * (gather through the reverse-slot index, then a dense reduce: no scatter).
   */
  neighborSum(g: NodeId, neighbors: NodeId, reverse: NodeId): NodeId {
    return this.addNode('neighborSum', [g, neighbors, reverse]);
  }
  /**
   * Reshape to `shape` of the same total size. Symbolic dims may merge into products
   * (`[atoms, neighbors, F]` → `['atoms*neighbors', F]`) and split back.
   */
  reshape(x: NodeId, shape: Shape): NodeId {
    return this.addNode('reshape', [x], { shape: [...shape] });
  }
  /** Broadcasts to `shape` (numpy rules). */
  broadcastTo(x: NodeId, shape: Shape): NodeId {
    return this.addNode('broadcastTo', [x], { shape: [...shape] });
  }
  /** Alias of {@link broadcastTo}. */
  expand(x: NodeId, shape: Shape): NodeId {
    return this.broadcastTo(x, shape);
  }
  /** Concatenates along `axis` (which must have numeric dims). */
  concat(xs: readonly NodeId[], axis: number): NodeId {
    return this.addNode('concat', xs, { axis });
  }
  /** Entries `start … end−1` along `axis` (numeric dim). */
  slice(x: NodeId, axis: number, start: number, end: number): NodeId {
    return this.addNode('slice', [x], { axis, start, end });
  }
  /** Zero-pads `before` / `after` entries along `axis` (numeric dim). */
  pad(x: NodeId, axis: number, before: number, after: number): NodeId {
    return this.addNode('pad', [x], { axis, before, after });
  }

  /** The graph built so far (a snapshot). */
  build(): Graph {
    return { nodes: [...this.nodes], outputs: { ...this.outs } };
  }
}
