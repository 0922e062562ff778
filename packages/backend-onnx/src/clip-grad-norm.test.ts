import { describe, expect, it } from 'vitest';
import { clipGradNorm, globalNorm } from './clip-grad-norm.js';

describe('gradient clipping', () => {
  it('global norm over several buffers', () => {
    expect(globalNorm([Float32Array.from([3, 4]), Float32Array.from([12])])).toBe(13);
    expect(globalNorm([])).toBe(0);
  });

  it('scales every buffer so the global norm becomes maxNorm, and returns the old norm', () => {
    const a = Float32Array.from([3, 4]);
    const b = Float32Array.from([12]);
    expect(clipGradNorm([a, b], 6.5)).toBe(13);
    expect(Array.from(a)).toEqual([1.5, 2]);
    expect(Array.from(b)).toEqual([6]);
    expect(globalNorm([a, b])).toBeCloseTo(6.5, 6);
  });

  it('leaves gradients below the limit, and non-finite gradients, untouched', () => {
    const a = Float32Array.from([0.3, 0.4]);
    expect(clipGradNorm([a], 1)).toBeCloseTo(0.5, 7);
    expect(Array.from(a)).toEqual(Array.from(Float32Array.from([0.3, 0.4])));
    const n = Float32Array.from([Number.NaN, 1]);
    expect(clipGradNorm([n], 1)).toBeNaN();
    expect(n[1]).toBe(1);
    expect(() => clipGradNorm([a], 0)).toThrow(/maxNorm/);
  });
});
