import type {
  BINARY_FLOAT_OPS,
  COMPARISON_OPS,
  GraphNode,
  UNARY_FLOAT_OPS,
} from '@mlff-distiller/graph';
import * as tf from '@tensorflow/tfjs-core';
import { tfDtype } from './host-tensors.js';
import type { Lowerer, LoweringContext } from './lowering-types.js';

type Unary = (x: tf.Tensor) => tf.Tensor;
type Binary = (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

const UNARY: Record<(typeof UNARY_FLOAT_OPS)[number], [Unary, string[]]> = {
  neg: [tf.neg, ['Neg']],
  exp: [tf.exp, ['Exp']],
  log: [tf.log, ['Log']],
  sin: [tf.sin, ['Sin']],
  cos: [tf.cos, ['Cos']],
  sqrt: [tf.sqrt, ['Sqrt']],
  rsqrt: [tf.rsqrt, ['Rsqrt']],
  square: [tf.square, ['Square']],
  silu: [(x) => tf.mul(x, tf.sigmoid(x)), ['Sigmoid', 'Multiply']],
  sigmoid: [tf.sigmoid, ['Sigmoid']],
  tanh: [tf.tanh, ['Tanh']],
  softplus: [tf.softplus, ['Softplus']],
};

// tf's binary ops broadcast like numpy, as the graph's do.
const BINARY: Record<
  (typeof BINARY_FLOAT_OPS)[number] | (typeof COMPARISON_OPS)[number],
  [Binary, string[]]
> = {
  add: [tf.add, ['Add']],
  sub: [tf.sub, ['Sub']],
  mul: [tf.mul, ['Multiply']],
  div: [tf.div, ['RealDiv']],
  pow: [tf.pow, ['Pow']],
  less: [tf.less, ['Less']],
  lessEqual: [tf.lessEqual, ['LessEqual']],
  greater: [tf.greater, ['Greater']],
  greaterEqual: [tf.greaterEqual, ['GreaterEqual']],
  equal: [tf.equal, ['Equal']],
};

/** Unary float ops: one tfjs op each (`silu` is x·sigmoid(x)). */
export const lowerUnary: Lowerer = (node) => {
  const [f, tfKernels] = UNARY[node.op as keyof typeof UNARY];
  return { kernel: ([x]) => f(x), tfKernels };
};

/** Binary float ops and comparisons, broadcasting. */
export const lowerBinary: Lowerer = (node) => {
  const [f, tfKernels] = BINARY[node.op as keyof typeof BINARY];
  return { kernel: ([a, b]) => f(a, b), tfKernels };
};

/**
 * `where(mask, a, b)`, all three broadcast. Bool branches are combined with logical ops
 * ((m ∧ a) ∨ (¬m ∧ b)): the wasm backend's Select returns wrong values for bool operands.
 */
export const lowerWhere: Lowerer = (node) => {
  if (node.dtype === 'bool') {
    return {
      kernel: ([m, a, b]) => tf.logicalOr(tf.logicalAnd(m, a), tf.logicalAnd(tf.logicalNot(m), b)),
      tfKernels: ['LogicalAnd', 'LogicalOr', 'LogicalNot'],
    };
  }
  return { kernel: ([m, a, b]) => tf.where(m, a, b), tfKernels: ['Select', 'Tile', 'Reshape'] };
};

/**
 * `cast`: float32 ↔ float64 is a no-op (both are float32 in tfjs); float → int32 truncates
 * toward zero; to bool is `x ≠ 0` (NaN → false, as `evaluate` does), computed by comparison
 * because the wasm backend's Cast to bool keeps the raw value instead of 0/1.
 */
export const lowerCast: Lowerer = (node, ctx: LoweringContext) => {
  const from = ctx.graph.nodes[node.inputs[0]].dtype;
  const to = node.dtype;
  if (tfDtype(from) === tfDtype(to))
    return { kernel: ([x]) => tf.clone(x), tfKernels: ['Identity'] };
  if (to === 'bool') {
    if (from === 'int32') {
      return { kernel: ([x]) => tf.notEqual(x, tf.scalar(0, 'int32')), tfKernels: ['NotEqual'] };
    }
    return {
      kernel: ([x]) => tf.logicalAnd(tf.notEqual(x, tf.scalar(0)), tf.equal(x, x)),
      tfKernels: ['NotEqual', 'Equal', 'LogicalAnd'],
    };
  }
  const dtype = tfDtype(to);
  return { kernel: ([x]) => tf.cast(x, dtype), tfKernels: ['Cast'] };
};

/** `dimSize`: the runtime size of an axis as a float scalar (read from the operand's shape). */
export const lowerDimSize: Lowerer = (node: GraphNode, ctx: LoweringContext) => {
  const rank = ctx.graph.nodes[node.inputs[0]].shape.length;
  const a = node.attrs.axis as number;
  const axis = a < 0 ? a + rank : a;
  return { kernel: ([x]) => tf.scalar(x.shape[axis], 'float32'), tfKernels: [] };
};
