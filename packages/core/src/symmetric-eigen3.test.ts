import { describe, expect, it } from 'vitest';
import { Random } from './random.js';
import { symmetricEigen3 } from './symmetric-eigen3.js';

describe('symmetricEigen3', () => {
  it('diagonalises random symmetric matrices: A·v = λ·v and Vᵀ·V = I to 1e-12', () => {
    // Jacobi converges to machine precision; 1e-12 leaves room for entries of order 1–10.
    const random = new Random(4);
    for (let trial = 0; trial < 50; trial++) {
      const a = new Float64Array(9);
      for (let i = 0; i < 3; i++) {
        for (let j = i; j < 3; j++) a[3 * i + j] = a[3 * j + i] = 10 * (random.uniform() - 0.5);
      }
      if (trial === 0) a.set([2, 0, 0, 0, 2, 0, 0, 0, 5]); // degenerate pair
      const { values, vectors: v } = symmetricEigen3(a);
      for (let e = 0; e < 3; e++) {
        for (let r = 0; r < 3; r++) {
          let av = 0;
          for (let k = 0; k < 3; k++) av += a[3 * r + k]! * v[3 * k + e]!;
          expect(Math.abs(av - values[e]! * v[3 * r + e]!)).toBeLessThan(1e-12);
        }
        for (let f = 0; f < 3; f++) {
          let dot = 0;
          for (let k = 0; k < 3; k++) dot += v[3 * k + e]! * v[3 * k + f]!;
          expect(Math.abs(dot - (e === f ? 1 : 0))).toBeLessThan(1e-12);
        }
      }
    }
  });
});
