import { InvalidInputError } from '@mlff-distiller/core';
import type { LineChartOptions, Series } from './chart-types.js';
import {
  centredNote,
  clipPath,
  drawAxes,
  drawLegend,
  drawMarkers,
  escapeXml,
  frameOf,
  type LegendEntry,
  makeScale,
  num,
  openSvg,
  PALETTE,
  type Scale,
} from './svg.js';

/** A short stable id for SVG defs from the chart's text (FNV-1a). */
export function chartId(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return `c${(h >>> 0).toString(36)}`;
}

/** Points of a series as pixel polylines (broken at undrawable points), decimated when dense. */
function polylines(s: Series, x: Scale, y: Scale, columns: number): [number, number][][] {
  const n = s.x.length;
  const lines: [number, number][][] = [];
  let current: [number, number][] = [];
  let monotonic = true;
  for (let i = 1; i < n && monotonic; i++) if (!(s.x[i]! >= s.x[i - 1]!)) monotonic = false;
  const decimate = monotonic && n > 4 * columns;
  // M4 decimation: per pixel column keep the first, minimum, maximum and last point, which
  // draws the same picture as every point.
  let col = Number.NaN;
  let bucket: [number, number][] = [];
  const flush = (): void => {
    if (bucket.length === 0) return;
    if (bucket.length <= 4) current.push(...bucket);
    else {
      let lo = bucket[0]!;
      let hi = bucket[0]!;
      for (const p of bucket) {
        if (p[1] < lo[1]) lo = p;
        if (p[1] > hi[1]) hi = p;
      }
      const keep = [bucket[0]!, lo, hi, bucket[bucket.length - 1]!];
      keep.sort((a, b) => a[0] - b[0]);
      for (const p of keep) if (current[current.length - 1] !== p) current.push(p);
    }
    bucket = [];
  };
  for (let i = 0; i < n; i++) {
    const xv = s.x[i]!;
    const yv = s.y[i]!;
    if (!x.accepts(xv) || !y.accepts(yv)) {
      flush();
      if (current.length) lines.push(current);
      current = [];
      col = Number.NaN;
      continue;
    }
    const p: [number, number] = [x.map(xv), y.map(yv)];
    if (!decimate) {
      current.push(p);
      continue;
    }
    const c = Math.floor(p[0]);
    if (c !== col) {
      flush();
      col = c;
    }
    bucket.push(p);
  }
  flush();
  if (current.length) lines.push(current);
  return lines;
}

/**
 * A line chart as a self-contained SVG document (string): title, axes with nice ticks (linear
 * or logarithmic), grid, axis labels, legend, optional labelled reference lines. Non-finite
 * points (and non-positive ones on log axes) are left out and break the line; series of many
 * thousand points are decimated per pixel column without changing the picture.
 */
export function lineChart(options: LineChartOptions): string {
  const width = options.width ?? 720;
  const height = options.height ?? 440;
  const f = frameOf(width, height, Boolean(options.subtitle));
  options.series.forEach((s) => {
    if (s.x.length !== s.y.length) {
      throw new InvalidInputError(
        `series "${s.name}" has ${s.x.length} x values but ${s.y.length} y values`,
      );
    }
  });
  const logX = options.logX ?? false;
  const logY = options.logY ?? false;
  const okX = (v: number): boolean => Number.isFinite(v) && (!logX || v > 0);
  const okY = (v: number): boolean => Number.isFinite(v) && (!logY || v > 0);
  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of options.series) {
    for (let i = 0; i < s.x.length; i++) {
      const xv = s.x[i]!;
      const yv = s.y[i]!;
      if (!okX(xv) || !okY(yv)) continue;
      if (options.xRange && (xv < options.xRange[0] || xv > options.xRange[1])) continue;
      xs.push(xv);
      ys.push(yv);
    }
  }
  for (const m of options.markers ?? []) {
    if ((m.axis ?? 'x') === 'y' && okY(m.value)) ys.push(m.value);
  }
  const x = makeScale(xs, logX, f.left, f.right, { range: options.xRange, maxTicks: 9 });
  const y = makeScale(ys, logY, f.bottom, f.top, { range: options.yRange, maxTicks: 7 });
  const id = chartId(`${options.title}|${width}|${height}`);
  const out = openSvg(f, options.title, options.subtitle);
  out.push(clipPath(f, id));
  out.push(...drawAxes(f, x, y, options.xLabel, options.yLabel));
  out.push(`<g clip-path="url(#${id})">`);
  const legend: LegendEntry[] = [];
  const occupied: [number, number][] = [];
  options.series.forEach((s, k) => {
    const color = escapeXml(s.color ?? PALETTE[k % PALETTE.length]!);
    const drawLine = s.line ?? true;
    const drawPoints = s.points ?? (!drawLine || s.x.length <= 60);
    const lines = polylines(s, x, y, Math.round(f.right - f.left));
    for (const l of lines) {
      l.forEach((p, i) => {
        occupied.push(p);
        // Sample long segments too, so a legend is not put across a sparse line.
        const q = l[i + 1];
        if (!q || !drawLine) return;
        const steps = Math.floor(Math.hypot(q[0] - p[0], q[1] - p[1]) / 8);
        for (let t = 1; t < steps; t++) {
          occupied.push([p[0] + ((q[0] - p[0]) * t) / steps, p[1] + ((q[1] - p[1]) * t) / steps]);
        }
      });
    }
    if (drawLine) {
      const d = lines
        .filter((l) => l.length > 1)
        .map((l) => `M${l.map((p) => `${num(p[0])} ${num(p[1])}`).join('L')}`)
        .join('');
      if (d) {
        out.push(
          `<path d="${d}" fill="none" stroke="${color}" stroke-width="1.8" stroke-linejoin="round" stroke-linecap="round"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
        );
      }
    }
    if (drawPoints || !drawLine) {
      out.push(`<g fill="${color}">`);
      for (const l of lines)
        for (const p of l) out.push(`<circle cx="${num(p[0])}" cy="${num(p[1])}" r="3"/>`);
      out.push('</g>');
    }
    if (s.inLegend !== false) {
      legend.push({ name: s.name, color, line: drawLine, dashed: s.dashed, point: drawPoints });
    }
  });
  out.push('</g>');
  if (xs.length === 0) out.push(centredNote(f, 'no data'));
  out.push(...drawMarkers(f, x, y, options.markers ?? []));
  for (const e of options.legendExtra ?? []) legend.push({ ...e, color: escapeXml(e.color) });
  if (legend.length > 1 || (legend[0]?.name ?? '') !== '')
    out.push(...drawLegend(f, legend, occupied));
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
