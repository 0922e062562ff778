import * as tf from '@tensorflow/tfjs-core';
import { shapeResolver } from './dim-binding.js';
import type { Lowerer } from './lowering-types.js';

/** `reshape` to the node's shape, symbolic and product dims resolved from the run's bindings. */
export const lowerReshape: Lowerer = (node) => {
  const target = shapeResolver(node.shape, `reshape #${node.id} target`);
  return {
    kernel: ([x], env) => tf.reshape(x, target(env.dims)),
    tfKernels: ['Reshape'],
    resolves: [node.shape],
  };
};

/**
 * `broadcastTo` the node's shape (numpy rules): `tf.broadcastTo` (Tile), or where Tile is slow
 * (`BackendTraits.broadcastByAdd`) `x + zeros(c)`, c holding the target size on the axes x
 * broadcasts along and 1 elsewhere, so the Add kernel does the broadcasting (logical or for bool).
 */
export const lowerBroadcastTo: Lowerer = (node, ctx) => {
  const target = shapeResolver(node.shape, `broadcastTo #${node.id} target`);
  if (!ctx.traits.broadcastByAdd) {
    return {
      kernel: ([x], env) => tf.broadcastTo(x, target(env.dims)),
      tfKernels: ['Tile', 'Reshape'],
      resolves: [node.shape],
    };
  }
  const bool = node.dtype === 'bool';
  return {
    kernel: ([x], env) => {
      const shape = target(env.dims);
      const lead = shape.length - x.rank;
      const complement = shape.map((d, a) => (a >= lead && x.shape[a - lead] === d ? 1 : d));
      const zeros = tf.zeros(complement, x.dtype);
      return bool ? tf.logicalOr(x, zeros) : tf.add(x, zeros);
    },
    tfKernels: [bool ? 'LogicalOr' : 'Add'],
    resolves: [node.shape],
  };
};

/** `transpose` by `perm`. */
export const lowerTranspose: Lowerer = (node) => {
  const perm = [...(node.attrs.perm as number[])];
  return { kernel: ([x]) => tf.transpose(x, perm), tfKernels: ['Transpose'] };
};

/** `concat` along `axis` (one operand: a copy). */
export const lowerConcat: Lowerer = (node) => {
  const rank = node.shape.length;
  const a = node.attrs.axis as number;
  const axis = a < 0 ? a + rank : a;
  if (node.inputs.length === 1) return { kernel: ([x]) => tf.clone(x), tfKernels: ['Identity'] };
  return { kernel: (xs) => tf.concat(xs as tf.Tensor[], axis), tfKernels: ['Concat'] };
};

/** `slice`: entries start … end−1 of `axis`. */
export const lowerSlice: Lowerer = (node) => {
  const rank = node.shape.length;
  const a = node.attrs.axis as number;
  const axis = a < 0 ? a + rank : a;
  const begin = new Array<number>(rank).fill(0);
  const size = new Array<number>(rank).fill(-1);
  begin[axis] = node.attrs.start as number;
  size[axis] = (node.attrs.end as number) - (node.attrs.start as number);
  return { kernel: ([x]) => tf.slice(x, begin, size), tfKernels: ['Slice'] };
};

/** `pad`: `before` / `after` zeros on `axis`. */
export const lowerPad: Lowerer = (node) => {
  const rank = node.shape.length;
  const a = node.attrs.axis as number;
  const axis = a < 0 ? a + rank : a;
  const paddings = Array.from({ length: rank }, (): [number, number] => [0, 0]);
  paddings[axis] = [node.attrs.before as number, node.attrs.after as number];
  return { kernel: ([x]) => tf.pad(x, paddings), tfKernels: ['PadV2'] };
};
