import * as tf from '@tensorflow/tfjs-core';
import { shapeResolver } from './dim-binding.js';
import { hostGather, hostNeighborSum } from './host-kernels.js';
import type { Lowerer } from './lowering-types.js';

const product = (dims: readonly number[]) => dims.reduce((p, d) => p * d, 1);

/**
 * `gather(x, indices)` along `axis`: indices of any rank replace that axis
 * (x [...pre, d, ...post], indices I → [...pre, ...I, ...post]), which is `tf.gather` with no
 * batch dims, or {@link hostGather} on backends with host memory (much faster there; both
 * check the index range).
 */
export const lowerGather: Lowerer = (node, ctx) => {
  const rank = ctx.graph.nodes[node.inputs[0]].shape.length;
  const a = node.attrs.axis as number;
  const axis = a < 0 ? a + rank : a;
  if (ctx.traits.hostGather)
    return { kernel: ([x, idx]) => hostGather(x, idx, axis), tfKernels: [] };
  return { kernel: ([x, idx]) => tf.gather(x, idx, axis), tfKernels: ['GatherV2'] };
};

/**
 * `scatterAdd(x, indices)`: x [...pre, ...I, ...post] (I the shape of indices, starting at
 * `axis`) summed into [...pre, size, ...post] at positions indices, repeated indices adding up.
 *
 * Lowered to one `tf.scatterND` (which sums duplicates) on x viewed as [P·n, Q] rows
 * (P = ∏pre, n = ∏I, Q = ∏post, no transpose needed since the view is row-major), with row
 * indices p·size + indices[q] into [P·size, Q]. ScatterNd is used because every backend has it;
 * the wasm backend has no UnsortedSegmentSum.
 */
export const lowerScatterAdd: Lowerer = (node, ctx) => {
  const axis = node.attrs.axis as number;
  const indexRank = ctx.graph.nodes[node.inputs[1]].shape.length;
  const sizeShape = [node.shape[axis]];
  const resolveSize = shapeResolver(sizeShape, `scatterAdd #${node.id} size`);
  const check = ctx.traits.checkScatterIndices;
  return {
    kernel: ([x, idx], env) => {
      const size = resolveSize(env.dims)[0];
      const pre = x.shape.slice(0, axis);
      const post = x.shape.slice(axis + indexRank);
      const outShape = [...pre, size, ...post];
      const p = product(pre);
      const n = idx.size;
      const q = product(post);
      if (p * n * q === 0) return tf.zeros(outShape, x.dtype);
      if (check) checkRange(idx, size, node.id);
      let rows = tf.reshape(idx, [n, 1]);
      if (p > 1) {
        const offsets = new Int32Array(p);
        for (let o = 0; o < p; o++) offsets[o] = o * size;
        const shifted = tf.add(tf.reshape(idx, [1, n]), tf.tensor2d(offsets, [p, 1], 'int32'));
        rows = tf.reshape(shifted, [p * n, 1]);
      }
      const summed = tf.scatterND(rows, tf.reshape(x, [p * n, q]), [p * size, q]);
      return tf.reshape(summed, outShape);
    },
    tfKernels: ['ScatterNd', 'Reshape', 'Add'],
    resolves: [sizeShape],
  };
};

function checkRange(idx: tf.Tensor, size: number, id: number): void {
  const v = idx.dataSync();
  for (let i = 0; i < v.length; i++) {
    const t = v[i];
    if (!(t >= 0 && t < size)) {
      throw new Error(`scatterAdd #${id}: index ${t} out of range [0, ${size})`);
    }
  }
}

/** `neighborGather(x, nbr, rev)`: x [n, ...rest] → [n, k, ...rest], out[i, s] = x[nbr[i, s]]. */
export const lowerNeighborGather: Lowerer = (_node, ctx) =>
  ctx.traits.hostGather
    ? { kernel: ([x, nbr]) => hostGather(x, nbr, 0), tfKernels: [] }
    : { kernel: ([x, nbr]) => tf.gather(x, nbr, 0), tfKernels: ['GatherV2'] };

/**
 * `neighborSum(g, nbr, rev)`: g [n, k, ...rest] → [n, ...rest],
 * out[j] = Σ_s g.flat[rev[j, s]] with g.flat = g viewed as [n·k, ...rest]: one gather through
 * the reverse-slot index and a dense sum over the slot axis, no scatter ({@link hostNeighborSum},
 * both in one pass, on backends with host memory).
 */
export const lowerNeighborSum: Lowerer = (_node, ctx) => {
  if (ctx.traits.hostGather) {
    return { kernel: ([g, , rev]) => hostNeighborSum(g, rev), tfKernels: [] };
  }
  return lowerNeighborSumWithOps();
};

const lowerNeighborSumWithOps = (): ReturnType<Lowerer> => ({
  kernel: ([g, , rev]) => {
    const [n, k, ...rest] = g.shape;
    if (g.size === 0) return tf.zeros([n, ...rest], g.dtype);
    const flat = tf.reshape(g, [n * k, ...rest]);
    return tf.sum(tf.gather(flat, rev, 0), 1);
  },
  tfKernels: ['Reshape', 'GatherV2', 'Sum'],
});
