/** Summary statistics of a sample of durations; every figure in ms. */
export interface LatencyStats {
  /** Number of values. */
  count: number;
  /** Arithmetic mean in ms. */
  mean: number;
  /** Median in ms (linear interpolation between order statistics, as numpy's default). */
  median: number;
  /** 95th percentile in ms. */
  p95: number;
  /** 99th percentile in ms. */
  p99: number;
  /** Smallest value in ms. */
  min: number;
  /** Largest value in ms. */
  max: number;
  /** Sample standard deviation in ms (n − 1 in the denominator; 0 for a single value). */
  std: number;
}

/**
 * The q-quantile (q in [0, 1]) of ascending `sorted` values, interpolating linearly
 * between order statistics (numpy's default, type 7). NaN for an empty sample.
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Mean, median, p95, p99, min, max and standard deviation of durations in ms. */
export function latencyStats(valuesMs: ArrayLike<number>): LatencyStats {
  const n = valuesMs.length;
  if (n === 0) {
    const nan = Number.NaN;
    return { count: 0, mean: nan, median: nan, p95: nan, p99: nan, min: nan, max: nan, std: nan };
  }
  const sorted = Float64Array.from(valuesMs).sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i]!;
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (sorted[i]! - mean) ** 2;
  return {
    count: n,
    mean,
    median: quantileSorted(sorted, 0.5),
    p95: quantileSorted(sorted, 0.95),
    p99: quantileSorted(sorted, 0.99),
    min: sorted[0]!,
    max: sorted[n - 1]!,
    std: n > 1 ? Math.sqrt(ss / (n - 1)) : 0,
  };
}
