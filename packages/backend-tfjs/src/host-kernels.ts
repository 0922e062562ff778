import * as tf from '@tensorflow/tfjs-core';

const product = (dims: readonly number[]) => dims.reduce((p, d) => p * d, 1);

/** Rows at least this long are copied with `TypedArray.set`, shorter ones element by element. */
const SET_THRESHOLD = 16;

/**
 * `tf.gather(x, indices, axis)` computed in JavaScript on the host data (for backends whose
 * tensors live in host memory; see `BackendTraits.hostGather`): x [...pre, d, ...post],
 * indices of any shape I → [...pre, ...I, ...post]. Any dtype.
 *
 * @throws when an index is outside [0, d).
 */
export function hostGather(x: tf.Tensor, indices: tf.Tensor, axis: number): tf.Tensor {
  const data = x.dataSync() as Float32Array | Int32Array | Uint8Array;
  const idx = indices.dataSync();
  const pre = x.shape.slice(0, axis);
  const post = x.shape.slice(axis + 1);
  const d = x.shape[axis];
  const outer = product(pre);
  const inner = product(post);
  const n = idx.length;
  for (let q = 0; q < n; q++) {
    const t = idx[q];
    if (!(t >= 0 && t < d)) throw new Error(`index ${t} out of range [0, ${d})`);
  }
  const out = new (data.constructor as new (n: number) => typeof data)(outer * n * inner);
  for (let o = 0; o < outer; o++) {
    const src0 = o * d * inner;
    const dst0 = o * n * inner;
    if (inner >= SET_THRESHOLD) {
      for (let q = 0; q < n; q++) {
        const s = src0 + idx[q] * inner;
        out.set(data.subarray(s, s + inner), dst0 + q * inner);
      }
    } else {
      for (let q = 0; q < n; q++) {
        const s = src0 + idx[q] * inner;
        const t = dst0 + q * inner;
        for (let c = 0; c < inner; c++) out[t + c] = data[s + c];
      }
    }
  }
  return tf.tensor(out, [...pre, ...indices.shape, ...post], x.dtype);
}

/**
 * `neighborSum` computed in JavaScript on the host data: g [n, k, ...rest] →
 * out [n, ...rest], out[j] = Σ_s g.flat[rev[j, s]] (g.flat = g as [n·k, ...rest]). One pass
 * accumulating rows, without materialising the gathered [n, k, ...rest] tensor.
 *
 * @throws when a reverse slot is outside [0, n·k).
 */
export function hostNeighborSum(g: tf.Tensor, reverse: tf.Tensor): tf.Tensor {
  const data = g.dataSync() as Float32Array;
  const rev = reverse.dataSync();
  const [n, k, ...rest] = g.shape;
  const inner = product(rest);
  const slots = n * k;
  // Accumulate in float64 (each output is a sum of k rows), round once.
  const out = new Float64Array(n * inner);
  for (let j = 0; j < n; j++) {
    const t = j * inner;
    for (let s = 0; s < k; s++) {
      const q = rev[j * k + s];
      if (!(q >= 0 && q < slots)) throw new Error(`reverse slot ${q} out of range [0, ${slots})`);
      const src = q * inner;
      for (let c = 0; c < inner; c++) out[t + c] += data[src + c];
    }
  }
  return tf.tensor(Float32Array.from(out), [n, ...rest], 'float32');
}
