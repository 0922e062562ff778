import * as tf from '@tensorflow/tfjs-core';
import type { Lowerer } from './lowering-types.js';

const product = (dims: readonly number[]) => dims.reduce((p, d) => p * d, 1);

/**
 * `matmul`: a [m, k] or [..., m, k] times b [k, n]. A batched `a` is reshaped to
 * [(… · m), k] for one 2-D product and the result reshaped back to [..., m, n] (one
 * BatchMatMul call instead of a broadcast batch of them).
 */
export const lowerMatmul: Lowerer = (node, ctx) => {
  const rank = ctx.graph.nodes[node.inputs[0]].shape.length;
  if (rank === 2) {
    return {
      kernel: ([a, b]) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
      tfKernels: ['BatchMatMul'],
    };
  }
  return {
    kernel: ([a, b]) => {
      const lead = a.shape.slice(0, -1);
      const k = a.shape[a.shape.length - 1];
      const y = tf.matMul(tf.reshape(a, [product(lead), k]) as tf.Tensor2D, b as tf.Tensor2D);
      return tf.reshape(y, [...lead, b.shape[1] as number]);
    },
    tfKernels: ['BatchMatMul', 'Reshape'],
  };
};

/**
 * `reduceSum` over `axes` (negative axes count from the end), with `keepDims`. An operand with
 * no elements sums to zeros explicitly: the wasm backend's Sum returns garbage for an empty
 * reduction axis (e.g. a neighbour matrix with zero slots).
 */
export const lowerReduceSum: Lowerer = (node, ctx) => {
  const rank = ctx.graph.nodes[node.inputs[0]].shape.length;
  const axes = (node.attrs.axes as number[]).map((a) => (a < 0 ? a + rank : a));
  const keepDims = node.attrs.keepDims === true;
  if (axes.length === 0) return { kernel: ([x]) => tf.clone(x), tfKernels: ['Identity'] };
  return {
    kernel: ([x]) => {
      if (x.size === 0) {
        const shape: number[] = [];
        x.shape.forEach((d, i) => {
          if (!axes.includes(i)) shape.push(d);
          else if (keepDims) shape.push(1);
        });
        return tf.zeros(shape, x.dtype);
      }
      return tf.sum(x, axes, keepDims);
    },
    tfKernels: ['Sum'],
  };
};
