import { linearFit } from '@mlff-distiller/core';
import { jsLiveBytes, type MemorySample } from './memory-sample.js';

/**
 * The thresholds of the leak rule; see {@link detectLeaks}. Defaults in
 * {@link DEFAULT_LEAK_RULE}.
 */
export interface LeakRule {
  /** Smallest slope / standard error (a t statistic) counted as a trend. */
  minTStatistic: number;
  /** Smallest growth over the timed run, in bytes, that counts as a leak (JS memory, arena). */
  minGrowthBytes: number;
  /** Smallest growth over the run as a fraction of the metric's first value (JS memory, arena). */
  minGrowthFraction: number;
  /** The same two thresholds for the resident set size, which moves more without leaking. */
  rssMinGrowthBytes: number;
  /** See {@link rssMinGrowthBytes}. */
  rssMinGrowthFraction: number;
  /**
   * Without a forced GC, samples include garbage not yet collected (scavenges leave
   * promoted garbage until a full collection): every growth threshold is multiplied by this.
   */
  noGcThresholdFactor: number;
  /**
   * A leak keeps growing: the slope over the second half of the samples must be at least
   * this fraction of the slope over all of them (a one-off allocation, such as a cache or a
   * neighbor list that grows once, levels off and fails this).
   */
  minLateSlopeFraction: number;
}

/** The rule's default thresholds. */
export const DEFAULT_LEAK_RULE: LeakRule = {
  minTStatistic: 4,
  minGrowthBytes: 4 * 2 ** 20,
  minGrowthFraction: 0.05,
  rssMinGrowthBytes: 32 * 2 ** 20,
  rssMinGrowthFraction: 0.1,
  minLateSlopeFraction: 0.5,
  noGcThresholdFactor: 4,
};

/** The metrics the detector judges. */
export type LeakMetric = 'jsLive' | 'arena' | 'rss';

/** The memory trend of one metric and the verdict. */
export interface MemoryTrend {
  /** `jsLive` = heapUsed + external; `arena` = the backend's arena; `rss` = resident set size. */
  metric: LeakMetric;
  /** Least-squares slope of the metric against the step, bytes/step. */
  bytesPerStep: number;
  /** Standard error of that slope, bytes/step (NaN when too few points). */
  standardError: number;
  /** bytesPerStep / standardError (0 when the slope is 0, NaN when it cannot be estimated). */
  tStatistic: number;
  /** Slope over the second half of the points, bytes/step. */
  lateBytesPerStep: number;
  /** bytesPerStep × the number of timed steps: the growth the trend predicts over the run, bytes. */
  growthOverRunBytes: number;
  /** The metric's first value, bytes. */
  initialBytes: number;
  /** The growth over the run above which a significant trend is a leak, bytes. */
  thresholdBytes: number;
  /** Points fitted (samples, or window minima when GC was not forced). */
  points: number;
  /** True when the rule flags a leak. */
  leak: boolean;
  /**
   * True when GC was not forced and the growth exceeds the threshold of a forced-GC run but
   * not the larger one used without it: it may be garbage not yet collected, or a leak.
   */
  inconclusive: boolean;
}

/** What {@link detectLeaks} reports. */
export interface LeakReport {
  /** True when any metric's trend is flagged. */
  leak: boolean;
  /** Whether a full garbage collection preceded every sample (`global.gc` available). */
  gcForced: boolean;
  /** How the points were formed: every sample, or the minimum of each window of samples. */
  method: 'samples-after-gc' | 'window-minima';
  /** One trend per metric available. */
  trends: MemoryTrend[];
  /** The rule, in words, with its thresholds. */
  rule: string;
  /** The thresholds used. */
  thresholds: LeakRule;
}

/** A short statement of the rule with its thresholds, stored with every result. */
export function describeLeakRule(r: LeakRule): string {
  return (
    `leak when, for JS memory (heapUsed + external), the backend arena or RSS, the ` +
    `least-squares slope of bytes against step has t = slope/SE >= ${r.minTStatistic}, the ` +
    `growth it predicts over the timed steps exceeds max(${r.minGrowthBytes} B, ` +
    `${r.minGrowthFraction} x initial) (RSS: max(${r.rssMinGrowthBytes} B, ` +
    `${r.rssMinGrowthFraction} x initial)), and the slope over the second half of the ` +
    `points is at least ${r.minLateSlopeFraction} x the overall slope; points are samples ` +
    'taken after a forced full GC when global.gc is exposed, else the minimum of each of ' +
    `up to 12 windows of samples (the floor of the GC sawtooth), with every growth threshold ` +
    `x ${r.noGcThresholdFactor} (a growth between the two thresholds is inconclusive)`
  );
}

/**
 * Judges whether memory grows with the step: a leak.
 *
 * The rule, and why:
 * - When a full GC was forced before every sample (Node run with `--expose-gc`), the
 *   samples measure live memory, and all of them are fitted. Otherwise heapUsed and
 *   external follow the GC sawtooth (garbage piles up between collections); the samples
 *   are cut into up to 12 consecutive windows and the minimum of each, the floor reached
 *   after a collection, is fitted instead, so collection timing is not read as growth.
 * - A trend must be significant (t = slope/SE ≥ `minTStatistic`) AND large: extrapolated
 *   over the timed steps, it must exceed an absolute and a relative threshold. GC noise
 *   and a few hundred kB of caches never reach 4 MiB; a leak of one array per step does.
 * - A trend must persist: the slope over the second half must be at least half the
 *   overall slope, so memory that grows once and levels off (a cache, a buffer resized
 *   once) is not a leak.
 * - Without forced GC, scavenges leave promoted garbage in place until a full collection,
 *   so the floor itself can creep up by several MiB: the growth thresholds of the JS and
 *   RSS trends are multiplied by `noGcThresholdFactor` (4), and a growth between the two
 *   thresholds is reported as inconclusive rather than flagged.
 * - Metrics: JS memory (heapUsed + external; typed arrays keep their data in external),
 *   the backend's arena when the calculator reports one, and RSS with looser thresholds
 *   (RSS also grows when V8 or malloc keep pages they no longer need).
 *
 * @param samples memory samples of the timed steps, in step order (at least 6 to judge).
 * @param timedSteps number of timed steps, for the extrapolation.
 * @param gcForced whether a full GC preceded every sample.
 * @param rule thresholds; defaults {@link DEFAULT_LEAK_RULE}.
 */
export function detectLeaks(
  samples: readonly MemorySample[],
  timedSteps: number,
  gcForced: boolean,
  rule: Partial<LeakRule> = {},
): LeakReport {
  const r = { ...DEFAULT_LEAK_RULE, ...rule };
  const method = gcForced ? 'samples-after-gc' : 'window-minima';
  const trends: MemoryTrend[] = [];
  const metrics: [LeakMetric, (s: MemorySample) => number | null][] = [
    ['jsLive', jsLiveBytes],
    ['arena', (s) => s.arena],
    ['rss', (s) => s.rss],
  ];
  for (const [metric, read] of metrics) {
    const steps: number[] = [];
    const bytes: number[] = [];
    for (const s of samples) {
      const v = read(s);
      if (v !== null && Number.isFinite(v)) {
        steps.push(s.step);
        bytes.push(v);
      }
    }
    if (bytes.length < 6 || bytes.length < samples.length) continue;
    const [x, y] = gcForced ? [steps, bytes] : windowMinima(steps, bytes, 12);
    trends.push(judge(metric, x, y, bytes[0]!, timedSteps, r, gcForced || metric === 'arena'));
  }
  return {
    leak: trends.some((t) => t.leak),
    gcForced,
    method,
    trends,
    rule: describeLeakRule(r),
    thresholds: r,
  };
}

function judge(
  metric: LeakMetric,
  x: number[],
  y: number[],
  initialBytes: number,
  timedSteps: number,
  r: LeakRule,
  exact: boolean,
): MemoryTrend {
  const fit = linearFit(x, y);
  const half = Math.floor(x.length / 2);
  const late = x.length - half >= 2 ? linearFit(x.slice(half), y.slice(half)).slope : fit.slope;
  const se = fit.slopeStandardError;
  const t = fit.slope === 0 ? 0 : se > 0 ? fit.slope / se : fit.slope > 0 ? Infinity : -Infinity;
  const growth = fit.slope * timedSteps;
  const rss = metric === 'rss';
  const base = Math.max(
    rss ? r.rssMinGrowthBytes : r.minGrowthBytes,
    (rss ? r.rssMinGrowthFraction : r.minGrowthFraction) * initialBytes,
  );
  const threshold = exact ? base : r.noGcThresholdFactor * base;
  const trend = fit.slope > 0 && t >= r.minTStatistic && late >= r.minLateSlopeFraction * fit.slope;
  const leak = trend && growth > threshold;
  const inconclusive = trend && !leak && growth > base;
  return {
    metric,
    bytesPerStep: fit.slope,
    standardError: se,
    tStatistic: t,
    lateBytesPerStep: late,
    growthOverRunBytes: growth,
    initialBytes,
    thresholdBytes: threshold,
    points: x.length,
    leak,
    inconclusive,
  };
}

/** Splits (x, y) into up to `windows` consecutive windows and keeps the point of least y of each. */
function windowMinima(x: number[], y: number[], windows: number): [number[], number[]] {
  const w = Math.min(windows, Math.floor(x.length / 2));
  const xs: number[] = [];
  const ys: number[] = [];
  for (let k = 0; k < w; k++) {
    const lo = Math.floor((k * x.length) / w);
    const hi = Math.floor(((k + 1) * x.length) / w);
    let best = lo;
    for (let i = lo + 1; i < hi; i++) if (y[i]! < y[best]!) best = i;
    xs.push(x[best]!);
    ys.push(y[best]!);
  }
  return [xs, ys];
}
