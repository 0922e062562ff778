import { describe, expect, it } from 'vitest';
import { LatencyHistogram, sortedQuantile } from './latency-histogram.js';

describe('LatencyHistogram', () => {
  it('gives percentiles within a bin width of the exact ones', () => {
    const h = new LatencyHistogram();
    const values: number[] = [];
    let x = 12345;
    for (let i = 0; i < 20000; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      // log-uniform between 1 µs and 10 ms
      const v = 10 ** (-3 + 4 * (x / 2147483648));
      values.push(v);
      h.record(v);
    }
    values.sort((a, b) => a - b);
    for (const q of [0.01, 0.5, 0.9, 0.95, 0.99]) {
      const exact = sortedQuantile(values, q);
      expect(Math.abs(h.quantile(q) / exact - 1)).toBeLessThan(0.06);
    }
    expect(h.count).toBe(20000);
    expect(h.quantile(0)).toBe(values[0]);
    expect(h.quantile(1)).toBe(values[values.length - 1]);
    expect(h.meanMs).toBeCloseTo(values.reduce((s, v) => s + v, 0) / values.length, 9);
    expect(h.bins().reduce((s, b) => s + b.count, 0)).toBe(20000);
  });

  it('handles zero, tiny, huge and invalid values', () => {
    const h = new LatencyHistogram();
    h.record(0);
    h.record(1e-9);
    h.record(1e12);
    h.record(-1);
    h.record(Number.NaN);
    expect(h.count).toBe(3);
    expect(h.minValueMs).toBe(0);
    expect(h.maxValueMs).toBe(1e12);
    expect(h.quantile(0.5)).toBeGreaterThanOrEqual(0);
    expect(new LatencyHistogram().quantile(0.5)).toBeNaN();
  });

  it('a constant series has every percentile equal to the constant', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 50; i++) h.record(0.25);
    for (const q of [0.1, 0.5, 0.99]) expect(h.quantile(q)).toBe(0.25);
  });

  it('sortedQuantile interpolates as numpy', () => {
    expect(sortedQuantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(sortedQuantile([1, 2, 3, 4], 0.95)).toBeCloseTo(3.85, 12);
    expect(sortedQuantile([7], 0.3)).toBe(7);
    expect(sortedQuantile([], 0.3)).toBeNaN();
  });
});
