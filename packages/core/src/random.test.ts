import { describe, expect, it } from 'vitest';
import { InvalidInputError } from './errors.js';
import { Random } from './random.js';

describe('Random', () => {
  it('matches the xoshiro128** reference output', () => {
    // First outputs of Blackman & Vigna's xoshiro128** from the state {1, 2, 3, 4}, from a
    // line-by-line Python transcription of their C code (arbitrary-precision integers masked
    // to 32 bits, so no JavaScript int32 subtleties are shared).
    const r = new Random(0);
    Object.assign(r, { s0: 1, s1: 2, s2: 3, s3: 4 });
    expect(Array.from({ length: 6 }, () => r.nextUint32())).toEqual(XOSHIRO_REFERENCE);
  });

  it('is deterministic per seed, and seeds differing only in high bits give different streams', () => {
    const a = new Random(123);
    const b = new Random(123);
    const c = new Random(123 + 2 ** 40);
    const xa = Array.from({ length: 8 }, () => a.uniform());
    const xb = Array.from({ length: 8 }, () => b.uniform());
    const xc = Array.from({ length: 8 }, () => c.uniform());
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
    expect(new Random().seed).toBeGreaterThanOrEqual(0);
    expect(() => new Random(-1)).toThrow(InvalidInputError);
    expect(() => new Random(1.5)).toThrow(InvalidInputError);
  });

  it('draws normal, gamma and chi-squared deviates with the right mean and variance', () => {
    const r = new Random(2024);
    const n = 200000;
    const moments = (draw: () => number) => {
      let s1 = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        const x = draw();
        s1 += x;
        s2 += x * x;
      }
      return { mean: s1 / n, variance: s2 / n - (s1 / n) ** 2 };
    };
    // Four standard errors of the sample mean √(Var/n) and of the variance ≈ Var·√((κ − 1)/n).
    const u = moments(() => r.uniform());
    expect(Math.abs(u.mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
    const z = moments(() => r.normal());
    expect(Math.abs(z.mean)).toBeLessThan(4 * Math.sqrt(1 / n));
    expect(Math.abs(z.variance - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
    for (const k of [0.4, 1, 2.5, 30]) {
      const g = moments(() => r.gamma(k));
      expect(Math.abs(g.mean - k)).toBeLessThan(4 * Math.sqrt(k / n));
      // Kurtosis of a gamma: 3 + 6/k.
      expect(Math.abs(g.variance - k)).toBeLessThan(4 * k * Math.sqrt((2 + 6 / k) / n));
    }
    const c = moments(() => r.chiSquared(7));
    expect(Math.abs(c.mean - 7)).toBeLessThan(4 * Math.sqrt(14 / n));
    expect(r.chiSquared(0)).toBe(0);
  });
});

const XOSHIRO_REFERENCE = [11520, 0, 5927040, 70819200, 2031721883, 1637235492];
