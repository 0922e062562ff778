/**
 * Statistical inefficiency g of a time series (Chodera et al., J. Chem. Theory Comput. 3, 26
 * (2007)): g = 1 + 2·Σₜ (1 − t/N)·C(t), with C the normalised autocorrelation, summed until
 * it first drops to zero or below. Samples g apart are effectively independent; a series
 * of N samples holds about N/g of them. Returns 1 for a constant or too short series.
 */
export function statisticalInefficiency(series: ArrayLike<number>): number {
  const n = series.length;
  if (n < 3) return 1;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += series[i]!;
  mean /= n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (series[i]! - mean) ** 2;
  variance /= n;
  if (!(variance > 0)) return 1;
  let g = 1;
  for (let t = 1; t < n - 1; t++) {
    let c = 0;
    for (let i = 0; i < n - t; i++) c += (series[i]! - mean) * (series[i + t]! - mean);
    c /= (n - t) * variance;
    if (c <= 0) break;
    g += 2 * c * (1 - t / n);
  }
  return Math.max(1, g);
}
