import { InvalidInputError } from '@mlff-distiller/core';
import type { HistogramOptions } from './chart-types.js';
import {
  centredNote,
  drawAxes,
  drawLegend,
  drawMarkers,
  escapeXml,
  frameOf,
  makeScale,
  num,
  openSvg,
  PALETTE,
} from './svg.js';
import { formatTick, niceStep } from './ticks.js';

/** The q-quantile (0…1) of sorted values, linear interpolation (NumPy's default). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const pos = (n - 1) * Math.min(1, Math.max(0, q));
  const i = Math.floor(pos);
  const frac = pos - i;
  return i + 1 < n ? sorted[i]! * (1 - frac) + sorted[i + 1]! * frac : sorted[i]!;
}

/**
 * A histogram as a self-contained SVG document (string): bars of counts, nice ticks, optional
 * logarithmic count axis and labelled vertical lines (p50/p95/p99…). Non-finite values are
 * left out. A far tail (values beyond q99.9 + (q99.9 − q0.1), e.g. a GC pause among
 * millisecond steps) is left off the axis so the body stays readable; the chart says how
 * many values were left off and the largest one.
 */
export function histogram(options: HistogramOptions): string {
  const width = options.width ?? 720;
  const height = options.height ?? 440;
  const f = frameOf(width, height, true);
  const finite = Float64Array.from(Array.from(options.values).filter(Number.isFinite)).sort();
  const n = finite.length;
  const notes: string[] = [];
  if (options.subtitle) notes.push(options.subtitle);
  let lo = n ? finite[0]! : 0;
  let hi = n ? finite[n - 1]! : 1;
  if (n > 20) {
    const q001 = quantile(finite, 0.001);
    const q999 = quantile(finite, 0.999);
    const cut = q999 + (q999 - q001);
    if (hi > cut && q999 > q001) {
      let kept = n;
      while (kept > 0 && finite[kept - 1]! > cut) kept--;
      notes.push(
        `${n - kept} of ${n} values above ${formatTick(cut, niceStep(q001, cut))} not shown (max ${Number(hi.toPrecision(3))})`,
      );
      hi = finite[kept - 1]!;
    }
  }
  if (hi === lo) {
    const pad = lo === 0 ? 0.5 : Math.abs(lo) * 0.05;
    lo -= pad;
    hi += pad;
  }
  let bins = options.bins;
  if (bins === undefined) {
    const iqr = quantile(finite, 0.75) - quantile(finite, 0.25);
    const h = 2 * iqr * Math.cbrt(1 / Math.max(1, n));
    bins = h > 0 ? Math.ceil((hi - lo) / h) : 20;
    bins = Math.min(100, Math.max(10, bins));
  }
  if (!Number.isInteger(bins) || bins < 1 || bins > 10_000) {
    throw new InvalidInputError(`a histogram needs 1 to 10000 bins, got ${options.bins}`);
  }
  // Bin edges on the nice x axis: the axis domain is widened to ticks, the bins cover [lo, hi].
  const x = makeScale([lo, hi], false, f.left, f.right, { maxTicks: 9 });
  const width0 = (hi - lo) / bins;
  const counts = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    const v = finite[i]!;
    if (v > hi) break;
    counts[Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width0)))]!++;
  }
  const logY = options.logY ?? false;
  const maxCount = Math.max(1, ...counts);
  const y = logY
    ? makeScale([], true, f.bottom, f.top, {
        // Counts start at 1: the axis starts just below so single counts show as bars.
        range: [0.5, 10 ** Math.ceil(Math.log10(maxCount * 1.05))],
        maxTicks: 7,
      })
    : makeScale([0, maxCount], false, f.bottom, f.top, { maxTicks: 7 });
  if (!logY) {
    // Counts are whole numbers: drop fractional ticks of small histograms.
    const keep = y.ticks.major
      .map((v, i) => [v, y.ticks.labels[i]!] as const)
      .filter(([v]) => Number.isInteger(v));
    y.ticks.major = keep.map(([v]) => v);
    y.ticks.labels = keep.map(([, l]) => l);
  }
  const color = escapeXml(options.color ?? PALETTE[0]);
  const out = openSvg(f, options.title, notes.join(' · ') || undefined);
  out.push(...drawAxes(f, x, y, options.xLabel, options.yLabel ?? 'count'));
  out.push(`<g fill="${color}" fill-opacity="0.75" stroke="${color}" stroke-width="0.6">`);
  const base = y.map(y.ticks.domain[0]);
  for (let b = 0; b < bins; b++) {
    const c = counts[b]!;
    if (c === 0) continue;
    const x0 = x.map(lo + b * width0);
    const x1 = x.map(lo + (b + 1) * width0);
    const top = y.map(c);
    out.push(
      `<rect x="${num(x0)}" y="${num(top)}" width="${num(Math.max(0.5, x1 - x0))}" height="${num(Math.max(0, base - top))}"/>`,
    );
  }
  out.push('</g>');
  if (n === 0) out.push(centredNote(f, 'no data'));
  out.push(...drawMarkers(f, x, y, options.markers ?? []));
  const bars: [number, number][] = [];
  for (let b = 0; b < bins; b++) {
    if (counts[b]! === 0) continue;
    const px = x.map(lo + (b + 0.5) * width0);
    for (let py = y.map(counts[b]!); py <= base; py += 8) bars.push([px, py]);
  }
  out.push(...drawLegend(f, [{ name: `${n} values, ${bins} bins`, color, swatch: true }], bars));
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
