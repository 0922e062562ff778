import { sameShape } from './broadcast.js';
import { productDim } from './dims.js';
import { GraphBuildError } from './graph-build-error.js';
import { GraphBuilder } from './graph-builder.js';
import { BINARY_FLOAT_OPS, UNARY_FLOAT_OPS } from './infer.js';
import { type Dim, type Graph, isFloat, type NodeId, type Shape } from './ir.js';

/**
 * Ops whose gradient rules accept a gradient broadcastable to the node's shape (elementwise
 * rules and broadcasting unbroadcast); all others receive it at the node's exact shape.
 */
const ELEMENTWISE_GRAD_OPS = new Set([
  ...UNARY_FLOAT_OPS,
  ...BINARY_FLOAT_OPS,
  'where',
  'broadcastTo',
  'reduceSum',
]);

/** Options of {@link grad}. */
export interface GradOptions {
  /** Output names for the gradients, one per `wrt` (default `d<output>/d<leaf name or #id>`). */
  names?: readonly string[];
}

/**
 * Sums `g` down to `target` (the inverse of numpy broadcasting): leading extra axes are
 * summed away, axes where `target` has 1 are summed with keepDims.
 */
export function unbroadcast(b: GraphBuilder, g: NodeId, target: Shape): NodeId {
  const gs = b.shape(g);
  const lead = gs.length - target.length;
  if (lead > 0)
    g = b.reduceSum(
      g,
      Array.from({ length: lead }, (_, i) => i),
      false,
    );
  const axes: number[] = [];
  target.forEach((d, i) => {
    if (d === 1 && b.shape(g)[i] !== 1) axes.push(i);
  });
  if (axes.length > 0) g = b.reduceSum(g, axes, true);
  return g;
}

/**
 * Reverse-mode differentiation as a graph-to-graph transform. Returns a new graph holding
 * every node and output of `graph`, plus one output per node in `wrt`: the gradient of the
 * sum of all elements of output `output` with respect to that node (same shape as the
 * node). Backward nodes use the same op set as forward ones, so the result can itself be
 * differentiated (forces = −∂E/∂x; ∂(force loss)/∂θ; Hessian-vector products).
 *
 * Derivatives that reuse a forward value (sigmoid, tanh, exp, sqrt, rsqrt) refer to the
 * forward node, which stays differentiable in the next pass — the case tfjs gets wrong.
 * Only nodes that both depend on `wrt` and feed `output` get backward nodes. Gradients
 * of gather are a `scatterAdd`; backend-onnx should lower neighbor-list aggregations to a
 * reverse-pair gather plus dense reduce instead (DESIGN.md).
 */
export function grad(
  graph: Graph,
  output: string,
  wrt: readonly NodeId[],
  options: GradOptions = {},
): Graph {
  const b = GraphBuilder.from(graph);
  const outId = graph.outputs[output];
  if (outId === undefined) throw new GraphBuildError('grad', `no output named '${output}'`);
  const outNode = graph.nodes[outId];
  if (!isFloat(outNode.dtype)) throw new GraphBuildError('grad', `output '${output}' is not float`);
  for (const w of wrt) {
    const n = graph.nodes[w];
    if (!n) throw new GraphBuildError('grad', `no node ${w}`);
    if (!isFloat(n.dtype))
      throw new GraphBuildError('grad', `node ${w} (${n.op}) is not float`, [n.shape]);
  }

  // Nodes on a path wrt → output.
  const fromWrt = new Uint8Array(graph.nodes.length);
  for (const w of wrt) fromWrt[w] = 1;
  for (const n of graph.nodes) if (n.inputs.some((i) => fromWrt[i])) fromWrt[n.id] = 1;
  const toOut = new Uint8Array(graph.nodes.length);
  toOut[outId] = 1;
  for (let id = outId; id >= 0; id--) {
    if (toOut[id]) for (const i of graph.nodes[id].inputs) toOut[i] = 1;
  }
  const needed = (id: NodeId) =>
    fromWrt[id] === 1 && toOut[id] === 1 && isFloat(graph.nodes[id].dtype);

  // A gradient is kept lazily broadcast: same rank as its node, with 1 where every entry
  // along that axis is equal (e.g. the gradient of a sum over the neighbour axis), so no
  // edge-sized broadcast is materialised before an elementwise consumer broadcasts anyway.
  // Ops that need the exact shape get it through `exact`.
  const grads = new Map<NodeId, NodeId>();
  const accumulate = (id: NodeId, g: NodeId) => {
    if (!needed(id)) return;
    const prev = grads.get(id);
    grads.set(id, prev === undefined ? g : b.add(prev, g));
  };
  const exact = (g: NodeId, id: NodeId): NodeId => {
    const shape = graph.nodes[id].shape;
    return sameShape(b.shape(g), shape) ? g : b.broadcastTo(g, shape);
  };
  if (needed(outId)) {
    const ones = outNode.shape.map(() => 1);
    grads.set(outId, ones.length === 0 ? b.scalar(1, outId) : b.reshape(b.scalar(1, outId), ones));
  }

  for (let id = outId; id >= 0; id--) {
    const lazy = grads.get(id);
    if (lazy === undefined) continue;
    const node = graph.nodes[id];
    // Elementwise rules broadcast a lazy gradient by themselves; the rest take it exact.
    const elementwise = ELEMENTWISE_GRAD_OPS.has(node.op);
    const g = elementwise ? lazy : exact(lazy, id);
    const [x0, x1, x2] = node.inputs;
    const s = (v: number) => b.scalar(v, id);
    const unb = (gi: NodeId, target: NodeId) => unbroadcast(b, gi, graph.nodes[target].shape);
    const a = node.attrs;
    switch (node.op) {
      case 'input':
      case 'param':
      case 'constant':
        break;
      case 'neg':
        accumulate(x0, b.neg(g));
        break;
      case 'exp':
        accumulate(x0, b.mul(g, id));
        break;
      case 'log':
        accumulate(x0, b.div(g, x0));
        break;
      case 'sin':
        accumulate(x0, b.mul(g, b.cos(x0)));
        break;
      case 'cos':
        accumulate(x0, b.neg(b.mul(g, b.sin(x0))));
        break;
      case 'sqrt':
        accumulate(x0, b.div(b.mul(g, s(0.5)), id));
        break;
      case 'rsqrt':
        accumulate(x0, b.mul(g, b.mul(s(-0.5), b.div(id, x0))));
        break;
      case 'square':
        accumulate(x0, b.mul(g, b.mul(s(2), x0)));
        break;
      case 'sigmoid':
        accumulate(x0, b.mul(g, b.mul(id, b.sub(s(1), id))));
        break;
      case 'tanh':
        accumulate(x0, b.mul(g, b.sub(s(1), b.square(id))));
        break;
      case 'softplus':
        accumulate(x0, b.mul(g, b.sigmoid(x0)));
        break;
      case 'silu': {
        const sg = b.sigmoid(x0);
        accumulate(x0, b.mul(g, b.mul(sg, b.add(s(1), b.mul(x0, b.sub(s(1), sg))))));
        break;
      }
      case 'add':
        if (needed(x0)) accumulate(x0, unb(g, x0));
        if (needed(x1)) accumulate(x1, unb(g, x1));
        break;
      case 'sub':
        if (needed(x0)) accumulate(x0, unb(g, x0));
        if (needed(x1)) accumulate(x1, unb(b.neg(g), x1));
        break;
      case 'mul':
        if (needed(x0)) accumulate(x0, unb(b.mul(g, x1), x0));
        if (needed(x1)) accumulate(x1, unb(b.mul(g, x0), x1));
        break;
      case 'div':
        if (needed(x0)) accumulate(x0, unb(b.div(g, x1), x0));
        if (needed(x1)) accumulate(x1, unb(b.neg(b.div(b.mul(g, id), x1)), x1));
        break;
      case 'pow':
        if (needed(x0)) {
          accumulate(x0, unb(b.mul(g, b.mul(x1, b.pow(x0, b.sub(x1, s(1))))), x0));
        }
        if (needed(x1)) accumulate(x1, unb(b.mul(g, b.mul(b.log(x0), id)), x1));
        break;
      case 'dimSize':
      case 'less':
      case 'lessEqual':
      case 'greater':
      case 'greaterEqual':
      case 'equal':
        break;
      case 'where': {
        const zero = s(0);
        if (needed(x1)) accumulate(x1, unb(b.where(x0, g, zero), x1));
        if (needed(x2)) accumulate(x2, unb(b.where(x0, zero, g), x2));
        break;
      }
      case 'cast':
        accumulate(x0, b.cast(g, graph.nodes[x0].dtype));
        break;
      case 'matmul': {
        if (needed(x0)) accumulate(x0, b.matmul(g, b.transpose(x1, [1, 0])));
        if (needed(x1)) {
          // Batched a [..., m, k]: flatten the leading axes so db = aᵀ·g is one matmul.
          const as = graph.nodes[x0].shape;
          const flat = (t: NodeId, last: Dim) =>
            as.length === 2 ? t : b.reshape(t, [productDim(as.slice(0, -1)), last]);
          const a2 = flat(x0, as[as.length - 1]);
          const g2 = flat(g, node.shape[node.shape.length - 1]);
          accumulate(x1, b.matmul(b.transpose(a2, [1, 0]), g2));
        }
        break;
      }
      case 'transpose': {
        const perm = a.perm as number[];
        const inv = new Array<number>(perm.length);
        perm.forEach((p, i) => {
          inv[p] = i;
        });
        accumulate(x0, b.transpose(g, inv));
        break;
      }
      case 'reduceSum': {
        const xs = graph.nodes[x0].shape;
        const r = xs.length;
        const axes = (a.axes as number[]).map((v) => (v < 0 ? v + r : v));
        if (a.keepDims === true) {
          accumulate(x0, g);
        } else {
          // Put the summed axes back as 1s around the (possibly lazy) gradient's own dims:
          // it stays lazily broadcast (see `exact`).
          const gs = b.shape(g);
          let k = 0;
          accumulate(
            x0,
            b.reshape(
              g,
              xs.map((_, i) => (axes.includes(i) ? 1 : gs[k++])),
            ),
          );
        }
        break;
      }
      case 'gather': {
        const xs = graph.nodes[x0].shape;
        const axis = (a.axis as number) < 0 ? (a.axis as number) + xs.length : (a.axis as number);
        accumulate(x0, b.scatterAdd(g, x1, axis, xs[axis]));
        break;
      }
      case 'scatterAdd':
        accumulate(x0, b.gather(g, x1, a.axis as number));
        break;
      case 'neighborGather':
        // Adjoint: a gather through the reverse-slot index and a dense sum (no scatter).
        accumulate(x0, b.neighborSum(g, x1, x2));
        break;
      case 'neighborSum':
        accumulate(x0, b.neighborGather(g, x1, x2));
        break;
      case 'reshape':
        accumulate(x0, b.reshape(g, graph.nodes[x0].shape));
        break;
      case 'broadcastTo':
        accumulate(x0, unb(g, x0));
        break;
      case 'concat': {
        const r = node.shape.length;
        const axis = (a.axis as number) < 0 ? (a.axis as number) + r : (a.axis as number);
        let start = 0;
        for (const x of node.inputs) {
          const len = graph.nodes[x].shape[axis] as number;
          if (needed(x)) accumulate(x, b.slice(g, axis, start, start + len));
          start += len;
        }
        break;
      }
      case 'slice': {
        const xs = graph.nodes[x0].shape;
        const axis = (a.axis as number) < 0 ? (a.axis as number) + xs.length : (a.axis as number);
        accumulate(x0, b.pad(g, axis, a.start as number, (xs[axis] as number) - (a.end as number)));
        break;
      }
      case 'pad': {
        const xs = graph.nodes[x0].shape;
        const axis = (a.axis as number) < 0 ? (a.axis as number) + xs.length : (a.axis as number);
        const before = a.before as number;
        accumulate(x0, b.slice(g, axis, before, before + (xs[axis] as number)));
        break;
      }
      default:
        throw new GraphBuildError(node.op, 'no gradient rule', [node.shape]);
    }
  }

  wrt.forEach((w, i) => {
    const n = graph.nodes[w];
    const label = typeof n.attrs.name === 'string' ? n.attrs.name : `#${w}`;
    const name = options.names?.[i] ?? `d${output}/d${label}`;
    const g = grads.get(w);
    b.output(name, g === undefined ? b.broadcastTo(b.scalar(0, w), n.shape) : exact(g, w));
  });
  return b.build();
}
