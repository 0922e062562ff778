/**
 * A latency histogram with logarithmic bins: constant relative resolution from nanoseconds
 * to hours in a fixed, small array, so recording a value allocates nothing.
 *
 * Values are durations in ms (any non-negative number; zero and values below the first
 * edge land in an underflow bin). Bin `k` (k ≥ 1) covers
 * [minMs·10^((k−1)/binsPerDecade), minMs·10^(k/binsPerDecade)).
 */
export class LatencyHistogram {
  /** Lower edge in ms of the first log bin (values below it are counted in bin 0). */
  readonly minMs: number;
  /** Bins per factor of ten. */
  readonly binsPerDecade: number;
  /** Counts per bin: [0] underflow, then log bins, last bin overflow. */
  readonly counts: Float64Array;
  private n = 0;
  private sum = 0;
  private lo = Number.POSITIVE_INFINITY;
  private hi = Number.NEGATIVE_INFINITY;
  private readonly logMin: number;

  /**
   * @param options `minMs` lower edge in ms (default 1e-5 ms = 10 ns), `decades` covered
   *   (default 9, up to ~2.8 h), `binsPerDecade` (default 40: ~6 % bin width).
   */
  constructor(options: { minMs?: number; decades?: number; binsPerDecade?: number } = {}) {
    this.minMs = options.minMs ?? 1e-5;
    this.binsPerDecade = options.binsPerDecade ?? 40;
    const decades = options.decades ?? 9;
    this.counts = new Float64Array(decades * this.binsPerDecade + 2);
    this.logMin = Math.log10(this.minMs);
  }

  /** Records one duration in ms. Non-finite and negative values are ignored. */
  record(ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) return;
    this.counts[this.binOf(ms)]! += 1;
    this.n++;
    this.sum += ms;
    if (ms < this.lo) this.lo = ms;
    if (ms > this.hi) this.hi = ms;
  }

  /** Number of recorded values. */
  get count(): number {
    return this.n;
  }

  /** Sum of recorded values in ms. */
  get totalMs(): number {
    return this.sum;
  }

  /** Mean in ms (NaN when empty). */
  get meanMs(): number {
    return this.n > 0 ? this.sum / this.n : Number.NaN;
  }

  /** Smallest recorded value in ms (NaN when empty). */
  get minValueMs(): number {
    return this.n > 0 ? this.lo : Number.NaN;
  }

  /** Largest recorded value in ms (NaN when empty). */
  get maxValueMs(): number {
    return this.n > 0 ? this.hi : Number.NaN;
  }

  /** Lower edge in ms of bin `k` (0 for the underflow bin). */
  binLowerMs(k: number): number {
    if (k <= 0) return 0;
    return 10 ** (this.logMin + (k - 1) / this.binsPerDecade);
  }

  /** Upper edge in ms of bin `k` (Infinity for the overflow bin). */
  binUpperMs(k: number): number {
    if (k >= this.counts.length - 1) return Number.POSITIVE_INFINITY;
    return 10 ** (this.logMin + k / this.binsPerDecade);
  }

  /**
   * The q-quantile in ms (q in [0, 1]), interpolated log-linearly inside its bin and clamped
   * to the observed min and max; accurate to about one bin width. NaN when empty.
   */
  quantile(q: number): number {
    if (this.n === 0) return Number.NaN;
    if (q <= 0) return this.lo;
    if (q >= 1) return this.hi;
    const target = q * this.n;
    let seen = 0;
    for (let k = 0; k < this.counts.length; k++) {
      const c = this.counts[k]!;
      if (c === 0) continue;
      if (seen + c >= target) {
        const lower = Math.max(this.binLowerMs(k), this.lo);
        const upper = Math.min(this.binUpperMs(k), this.hi);
        const f = (target - seen) / c;
        const v =
          lower > 0 && upper > lower ? lower * (upper / lower) ** f : lower + f * (upper - lower);
        return Math.min(this.hi, Math.max(this.lo, v));
      }
      seen += c;
    }
    return this.hi;
  }

  /** The non-empty bins as {lowerMs, upperMs, count}, for plots and JSON. */
  bins(): { lowerMs: number; upperMs: number; count: number }[] {
    const out: { lowerMs: number; upperMs: number; count: number }[] = [];
    for (let k = 0; k < this.counts.length; k++) {
      const c = this.counts[k]!;
      if (c > 0) out.push({ lowerMs: this.binLowerMs(k), upperMs: this.binUpperMs(k), count: c });
    }
    return out;
  }

  private binOf(ms: number): number {
    if (ms < this.minMs) return 0;
    const k = 1 + Math.floor((Math.log10(ms) - this.logMin) * this.binsPerDecade);
    return Math.min(k, this.counts.length - 1);
  }
}

/**
 * Exact quantile of sorted values (linear interpolation between order statistics, as
 * numpy's default): `sorted` ascending, q in [0, 1]. NaN when empty.
 */
export function sortedQuantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const x = Math.min(Math.max(q, 0), 1) * (n - 1);
  const i = Math.floor(x);
  const f = x - i;
  return i + 1 < n ? sorted[i]! + f * (sorted[i + 1]! - sorted[i]!) : sorted[i]!;
}
