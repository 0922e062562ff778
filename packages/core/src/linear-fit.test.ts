import { describe, expect, it } from 'vitest';
import { linearFit } from './linear-fit.js';

describe('linearFit', () => {
  it('recovers an exact line, with a large offset, and zero residual', () => {
    const x = [0, 1, 2, 3, 4];
    const y = x.map((t) => -1000 + 2e-6 * t);
    const fit = linearFit(x, y);
    expect(Math.abs(fit.slope - 2e-6)).toBeLessThan(1e-13); // y itself is rounded at ~1e-13 eV
    expect(fit.intercept).toBeCloseTo(-1000, 9);
    expect(fit.rmsResidual).toBeLessThan(1e-12);
  });

  it('gives the textbook slope standard error', () => {
    // Sxy = 3, Sxx = 5: slope 0.6; residuals (0.4, −1.2, 1.2, −0.4), sum of squares 3.2.
    const fit = linearFit([0, 1, 2, 3], [1, 0, 3, 2]);
    expect(fit.slope).toBeCloseTo(0.6, 14);
    expect(fit.slopeStandardError).toBeCloseTo(Math.sqrt(3.2 / 2 / 5), 14);
    expect(() => linearFit([1, 1], [0, 1])).toThrow(/distinct/);
  });
});
