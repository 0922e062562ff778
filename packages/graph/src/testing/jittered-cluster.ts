import type { Tensor } from '../evaluate.js';
import { rng } from './random.js';

/**
 * Positions [n, 3] of `n` atoms on a 2×2×… column of a cubic lattice with spacing 1.2,
 * jittered by up to 0.1 from `seed`: every distance stays ≳ 0.9, so a Lennard-Jones pair
 * energy (σ ≈ 1.1) stays smooth. Float64 values.
 */
export function jitteredCluster(n: number, seed: number): Tensor {
  const r = rng(seed);
  const p = new Float64Array(3 * n);
  for (let a = 0; a < n; a++) {
    p[3 * a] = (a % 2) * 1.2 + 0.1 * r();
    p[3 * a + 1] = (Math.floor(a / 2) % 2) * 1.2 + 0.1 * r();
    p[3 * a + 2] = Math.floor(a / 4) * 1.2 + 0.1 * r();
  }
  return { shape: [n, 3], data: p };
}
