import type { Tensor } from '../evaluate.js';

/** Deterministic PRNG (mulberry32) returning uniform numbers in [0, 1): test data from a seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A float64 tensor of the given shape with values uniform in [lo, hi). */
export function randomTensor(rand: () => number, shape: number[], lo = -1, hi = 1): Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  return { shape, data: Float64Array.from({ length: n }, () => lo + (hi - lo) * rand()) };
}
