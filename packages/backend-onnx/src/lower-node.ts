import {
  type Dim,
  GRAPH_OPS,
  type Graph,
  type GraphNode,
  LEAF_OPS,
  type NodeId,
  type Shape,
  sameShape,
} from '@mlff-distiller/graph';
import { DTYPES, ONNX_INT64 } from './dtypes.js';
import { OnnxCompileError } from './onnx-compile-error.js';
import { type OnnxGraphWriter, tensorProto, type WriterAttr } from './onnx-graph-writer.js';
import type { ShapeTensors, TensorRef } from './shape-tensors.js';

/** What {@link lowerNode} needs from the compiler. */
export interface LoweringContext {
  readonly graph: Graph;
  readonly writer: OnnxGraphWriter;
  readonly shapes: ShapeTensors;
  /** ONNX tensor name holding the value of IR node `id` (already lowered). */
  tensor(id: NodeId): string;
  /** Name the final ONNX node of IR node `id` should write (its graph output name, if any). */
  outputName(id: NodeId): string | undefined;
}

/** IR ops lowered one-to-one to an ONNX op of the same arity. */
const DIRECT: Readonly<Record<string, string>> = {
  neg: 'Neg',
  exp: 'Exp',
  log: 'Log',
  sin: 'Sin',
  cos: 'Cos',
  sqrt: 'Sqrt',
  sigmoid: 'Sigmoid',
  tanh: 'Tanh',
  add: 'Add',
  sub: 'Sub',
  mul: 'Mul',
  div: 'Div',
  pow: 'Pow',
  matmul: 'MatMul',
};

const COMPARE: Readonly<Record<string, string>> = {
  less: 'Less',
  lessEqual: 'LessOrEqual',
  greater: 'Greater',
  greaterEqual: 'GreaterOrEqual',
  equal: 'Equal',
};

/** Every IR op {@link lowerNode} handles: all of the IR but the leaves (the compiler's). */
export const LOWERED_OPS: readonly string[] = GRAPH_OPS.filter(
  (op) => !(LEAF_OPS as readonly string[]).includes(op),
);

const normAxis = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/**
 * Emits the ONNX nodes computing IR node `node` (a non-leaf op) and returns the name of
 * the tensor holding its value: normally the output of the last emitted node, written
 * under `ctx.outputName(node.id)` when that is set; sometimes an existing tensor (an
 * identity reshape, a numeric `dimSize`), in which case the compiler adds an `Identity`
 * where a graph output needs its own name. Throws {@link OnnxCompileError} for ops and
 * dims it cannot express. The op semantics are those of `evaluate` in
 * `@mlff-distiller/graph`.
 */
export function lowerNode(ctx: LoweringContext, node: GraphNode): string {
  const w = ctx.writer;
  const operands = node.inputs.map((i) => ctx.graph.nodes[i]);
  const shapes: Shape[] = operands.map((o) => o.shape);
  const ins = node.inputs.map((i) => ctx.tensor(i));
  const a = node.attrs;
  const label = `${node.op}#${node.id}`;
  const fail = (reason: string): never => {
    throw new OnnxCompileError(node.op, node.id, reason, shapes);
  };
  const emit = (opType: string, inputs: readonly string[], attrs?: Record<string, WriterAttr>) =>
    w.node(opType, inputs, label, { attrs });
  const final = (opType: string, inputs: readonly string[], attrs?: Record<string, WriterAttr>) =>
    w.node(opType, inputs, label, { attrs, output: ctx.outputName(node.id) });
  const ref = (i: number): TensorRef => ({ name: ins[i], shape: shapes[i] });
  const runtimeShape = (dims: readonly Dim[], locals: readonly TensorRef[]): string => {
    const s = ctx.shapes.shape(dims, locals);
    if (typeof s === 'string') return s;
    return fail(
      `symbolic dim '${s.missing}' is carried by no graph input, so its size is unknown at ` +
        `run time; add an input with that dim (e.g. an int32 [${s.missing}] array)`,
    );
  };
  const x = ins[0];
  const dtype = node.dtype;

  const direct = DIRECT[node.op];
  if (direct) return final(direct, ins);
  const compare = COMPARE[node.op];
  if (compare) {
    // ORT has no bool kernels for the ordering comparisons: compare as int32.
    if (operands[0].dtype === 'bool' && node.op !== 'equal') {
      const to = DTYPES.int32.onnx;
      return final(compare, [emit('Cast', [ins[0]], { to }), emit('Cast', [ins[1]], { to })]);
    }
    return final(compare, ins);
  }

  switch (node.op) {
    case 'rsqrt':
      return final('Reciprocal', [emit('Sqrt', [x])]);
    case 'square':
      return final('Mul', [x, x]);
    case 'silu':
      return final('Mul', [x, emit('Sigmoid', [x])]);
    case 'softplus': {
      if (dtype === 'float32') return final('Softplus', [x]);
      // onnxruntime's CPU Softplus has no double kernel: relu(x) + log(1 + exp(−|x|)),
      // the same overflow-free form (absolute error ≲ 1 ulp of the result's scale).
      const e = emit('Exp', [emit('Neg', [emit('Abs', [x])])]);
      const l = emit('Log', [emit('Add', [e, w.scalar(dtype, 1)])]);
      return final('Add', [emit('Relu', [x]), l]);
    }
    case 'where': {
      if (dtype !== 'bool') return final('Where', ins);
      // onnxruntime has no bool Where kernel: (m ∧ a) ∨ (¬m ∧ b).
      const [m, t, f] = ins;
      return final('Or', [emit('And', [m, t]), emit('And', [emit('Not', [m]), f])]);
    }
    case 'cast':
      if (a.dtype === operands[0].dtype) return x;
      return final('Cast', [x], { to: DTYPES[dtype].onnx });
    case 'dimSize': {
      const axis = normAxis(a.axis as number, shapes[0].length);
      const d = shapes[0][axis];
      if (typeof d === 'number') return w.scalar(dtype, d);
      const size = emit('Cast', [ctx.shapes.axis(ref(0), axis)], { to: DTYPES[dtype].onnx });
      return final('Reshape', [size, w.int64s([])]);
    }
    case 'transpose': {
      const perm = a.perm as number[];
      if (perm.every((p, i) => p === i)) return x;
      return final('Transpose', [x], { perm });
    }
    case 'reduceSum': {
      const rank = shapes[0].length;
      const axes = (a.axes as number[]).map((v) => normAxis(v, rank)).sort((p, q) => p - q);
      // ONNX ReduceSum with no axes reduces everything; the IR means "nothing".
      if (axes.length === 0) return x;
      return final('ReduceSum', [x, w.int64s(axes)], { keepdims: a.keepDims === true ? 1 : 0 });
    }
    case 'gather':
      return final('Gather', ins, { axis: normAxis(a.axis as number, shapes[0].length) });
    case 'neighborGather':
      return final('Gather', [x, ins[1]], { axis: 0 });
    case 'neighborSum': {
      // out[j] = Σ_s g.flat[rev[j, s]]: flatten [n, k, ...rest] → [n·k, ...rest], gather
      // through the reverse-slot index ([n, k, ...rest]) and sum over the k slots.
      const rest = shapes[0].slice(2);
      const flatShape = rest.every((d) => typeof d === 'number')
        ? w.int64s([-1, ...(rest as number[])])
        : emit('Concat', [w.int64s([-1]), emit('Shape', [x], { start: 2 })], { axis: 0 });
      const flat = emit('Reshape', [x, flatShape]);
      const slots = emit('Gather', [flat, ins[2]], { axis: 0 });
      return final('ReduceSum', [slots, w.int64s([1])], { keepdims: 0 });
    }
    case 'scatterAdd':
      return lowerScatterAdd();
    case 'reshape':
      return lowerReshape();
    case 'broadcastTo': {
      const target = node.shape;
      const xs = shapes[0];
      if (sameShape(xs, target)) return x;
      // Expand broadcasts the input against the shape tensor, so dims the input already
      // has become 1 and only the stretched ones need values (often all constants).
      const off = target.length - xs.length;
      const spec = target.map((d, i) => (i >= off && xs[i - off] === d ? 1 : d));
      return final('Expand', [x, runtimeShape(spec, [ref(0)])]);
    }
    case 'concat':
      if (ins.length === 1) return x;
      return final('Concat', ins, { axis: normAxis(a.axis as number, node.shape.length) });
    case 'slice': {
      const axis = normAxis(a.axis as number, shapes[0].length);
      const start = a.start as number;
      const end = a.end as number;
      if (start === 0 && end === shapes[0][axis]) return x;
      return final('Slice', [x, w.int64s([start]), w.int64s([end]), w.int64s([axis])]);
    }
    case 'pad': {
      const rank = shapes[0].length;
      const axis = normAxis(a.axis as number, rank);
      const before = a.before as number;
      const after = a.after as number;
      if (before === 0 && after === 0) return x;
      const pads = new Array<number>(2 * rank).fill(0);
      pads[axis] = before;
      pads[rank + axis] = after;
      return final('Pad', [x, w.int64s(pads)]);
    }
    default:
      return fail(
        `op '${node.op}' has no ONNX lowering (dtype ${dtype}, shape [${node.shape.join(',')}])`,
      );
  }

  /**
   * The IR scatterAdd: data [...pre, ...idx, ...post] summed at int32 `indices` (shape idx)
   * into [...pre, size, ...post]. Zeros of the (transposed) output shape, then ScatterND
   * with reduction 'add' (correct for repeated indices). Slow: not for hot paths —
   * neighbour aggregations use neighborSum.
   */
  function lowerScatterAdd(): string {
    const axis = a.axis as number;
    const xs = shapes[0];
    const ir = shapes[1].length;
    const rank = xs.length;
    let data = x;
    if (axis > 0) {
      const perm = [...range(axis, axis + ir), ...range(0, axis), ...range(axis + ir, rank)];
      data = emit('Transpose', [x], { perm });
    }
    const outDims = [a.size as Dim, ...xs.slice(0, axis), ...xs.slice(axis + ir)];
    const zeros = emit('ConstantOfShape', [runtimeShape(outDims, [ref(0)])], {
      value: { tensor: tensorProto('zero', dtype, [1], [0]) },
    });
    const idx64 = emit('Cast', [ins[1]], { to: ONNX_INT64 });
    const idx = emit('Unsqueeze', [idx64, w.int64s([-1])]);
    if (axis === 0) return final('ScatterND', [zeros, idx, data], { reduction: 'add' });
    const summed = emit('ScatterND', [zeros, idx, data], { reduction: 'add' });
    const back = [...range(1, axis + 1), 0, ...range(axis + 1, outDims.length)];
    return final('Transpose', [summed], { perm: back });
  }

  /**
   * Reshape to `node.shape`. A constant shape when every target dim is numeric or is the
   * input's own symbolic dim on the same axis (ONNX `0` = copy that dim); otherwise the
   * shape is built at run time (Shape of a tensor carrying each symbolic dim, Mul for
   * products, Concat) with allowzero=1 so a runtime 0 means 0.
   */
  function lowerReshape(): string {
    const target = node.shape;
    const xs = shapes[0];
    if (sameShape(xs, target)) return x;
    const numericZero = target.some((d) => d === 0);
    const copyable = target.every(
      (d, i) => typeof d === 'number' || (i < xs.length && xs[i] === d),
    );
    if (copyable && !numericZero) {
      const spec = target.map((d) => (typeof d === 'number' ? d : 0));
      return final('Reshape', [x, w.int64s(spec)]);
    }
    return final('Reshape', [x, runtimeShape(target, [ref(0)])], { allowzero: 1 });
  }
}
