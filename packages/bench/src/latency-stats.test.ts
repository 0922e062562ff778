import { describe, expect, it } from 'vitest';
import { latencyStats, quantileSorted } from './latency-stats.js';

describe('latencyStats', () => {
  it('gives numpy-style percentiles, mean and sample standard deviation', () => {
    const values = Array.from({ length: 101 }, (_, i) => 100 - i); // 0…100, unsorted
    const s = latencyStats(values);
    expect(s).toMatchObject({
      count: 101,
      mean: 50,
      median: 50,
      p95: 95,
      p99: 99,
      min: 0,
      max: 100,
    });
    expect(s.std).toBeCloseTo(Math.sqrt((101 * 102) / 12), 10);
    expect(quantileSorted([1, 2], 0.5)).toBe(1.5);
    expect(latencyStats([3]).std).toBe(0);
    expect(Number.isNaN(latencyStats([]).mean)).toBe(true);
  });
});
