import { InvalidInputError } from '@mlff-distiller/core';
import type { Marker } from './chart-types.js';
import { type AxisTicks, linearAxis, logAxis } from './ticks.js';

/** Colour-blind-friendly palette (Okabe–Ito, then Tableau), in order of use. */
export const PALETTE = [
  '#0072b2',
  '#d55e00',
  '#009e73',
  '#cc79a7',
  '#e69f00',
  '#56b4e9',
  '#7f7f7f',
  '#8c564b',
  '#bcbd22',
  '#17becf',
] as const;

const FONT = "system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', Helvetica, Arial, sans-serif";
const INK = '#1f2937';
const MUTED = '#4b5563';
const GRID = '#e5e7eb';
const GRID_MINOR = '#f3f4f6';

/** Escapes text for XML content and attribute values. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** A coordinate for an attribute: two decimals, never NaN or Infinity (a bug if it were). */
export function num(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`internal: non-finite coordinate ${v} in a chart`);
  const r = Math.round(v * 100) / 100;
  return String(r === 0 ? 0 : r);
}

/** A data→pixel map of one axis. */
export interface Scale {
  ticks: AxisTicks;
  log: boolean;
  /** Pixel coordinate of a data value (values outside the domain map outside the range). */
  map(v: number): number;
  /** Whether a value can be drawn on this axis (finite, and positive on a log axis). */
  accepts(v: number): boolean;
}

/** Builds a scale over the data values (or a forced range) onto pixels [r0, r1]. */
export function makeScale(
  values: Iterable<number>,
  log: boolean,
  r0: number,
  r1: number,
  options: { range?: readonly [number, number]; maxTicks?: number; includeZero?: boolean } = {},
): Scale {
  const accepts = (v: number): boolean => Number.isFinite(v) && (!log || v > 0);
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  if (options.range) {
    [lo, hi] = options.range;
  } else {
    for (const v of values) {
      if (!accepts(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (options.includeZero && !log) {
      lo = Math.min(lo, 0);
      hi = Math.max(hi, 0);
    }
  }
  if (lo > hi) {
    // no drawable data
    lo = log ? 1 : 0;
    hi = log ? 10 : 1;
  }
  const ticks = log ? logAxis(lo, hi, options.maxTicks) : linearAxis(lo, hi, options.maxTicks);
  if (options.range) ticks.domain = [options.range[0], options.range[1]];
  const [d0, d1] = ticks.domain;
  const keep = (v: number): boolean =>
    v >= d0 - 1e-9 * Math.abs(d1 - d0) && v <= d1 + 1e-9 * Math.abs(d1 - d0);
  ticks.major.forEach((v, i) => {
    if (!keep(v)) ticks.labels[i] = '';
  });
  const labelled = ticks.major
    .map((v, i) => [v, ticks.labels[i]!] as const)
    .filter(([v]) => keep(v));
  ticks.major = labelled.map(([v]) => v);
  ticks.labels = labelled.map(([, l]) => l);
  ticks.minor = ticks.minor.filter(keep);
  // A typographic minus reads better than a hyphen in tick labels.
  ticks.labels = ticks.labels.map((l) => l.replace(/^-/, '\u2212'));
  const t = log
    ? (v: number) => (Math.log10(v) - Math.log10(d0)) / (Math.log10(d1) - Math.log10(d0))
    : (v: number) => (v - d0) / (d1 - d0);
  return { ticks, log, accepts, map: (v) => r0 + t(v) * (r1 - r0) };
}

/** Plot-area geometry in pixels. */
export interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** The plot area of a chart of the given size, leaving room for title, labels and ticks. */
export function frameOf(width: number, height: number, hasSubtitle: boolean): Frame {
  if (!(width >= 200 && height >= 150) || !Number.isFinite(width) || !Number.isFinite(height)) {
    throw new InvalidInputError(`a chart needs at least 200×150 px, got ${width}×${height}`);
  }
  return {
    width,
    height,
    left: 78,
    right: width - 24,
    top: hasSubtitle ? 64 : 48,
    bottom: height - 58,
  };
}

/** Rough width in px of a text in the chart font (for layout; SVG has no text metrics). */
export function textWidth(text: string, size: number): number {
  let w = 0;
  for (const c of text) w += /[ilj.,:;'|!1]/.test(c) ? 0.3 : /[A-Z%mwMW@]/.test(c) ? 0.8 : 0.56;
  return w * size;
}

/** Opens the SVG document: background, fonts, title and subtitle. */
export function openSvg(f: Frame, title: string, subtitle?: string): string[] {
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${f.width}" height="${f.height}" viewBox="0 0 ${f.width} ${f.height}" font-family="${escapeXml(FONT)}" role="img">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect x="0" y="0" width="${f.width}" height="${f.height}" fill="#ffffff"/>`,
    `<text x="${num(f.width / 2)}" y="26" text-anchor="middle" font-size="17" font-weight="600" fill="${INK}">${escapeXml(title)}</text>`,
  ];
  if (subtitle) {
    out.push(
      `<text x="${num(f.width / 2)}" y="46" text-anchor="middle" font-size="12" fill="${MUTED}">${escapeXml(subtitle)}</text>`,
    );
  }
  return out;
}

/** Grid lines, axes, tick labels and axis labels. */
export function drawAxes(f: Frame, x: Scale, y: Scale, xLabel: string, yLabel: string): string[] {
  const out: string[] = ['<g class="grid">'];
  for (const v of x.ticks.minor) out.push(vline(x.map(v), f.top, f.bottom, GRID_MINOR));
  for (const v of y.ticks.minor) out.push(hline(y.map(v), f.left, f.right, GRID_MINOR));
  for (const v of x.ticks.major) out.push(vline(x.map(v), f.top, f.bottom, GRID));
  for (const v of y.ticks.major) out.push(hline(y.map(v), f.left, f.right, GRID));
  out.push('</g>');
  out.push(
    `<rect x="${num(f.left)}" y="${num(f.top)}" width="${num(f.right - f.left)}" height="${num(f.bottom - f.top)}" fill="none" stroke="#9ca3af" stroke-width="1"/>`,
  );
  out.push(`<g font-size="12" fill="${MUTED}">`);
  // Thin out x labels that would overlap.
  let lastRight = Number.NEGATIVE_INFINITY;
  x.ticks.major.forEach((v, i) => {
    const px = x.map(v);
    const label = x.ticks.labels[i]!;
    const w = textWidth(label, 12);
    out.push(
      `<line x1="${num(px)}" y1="${num(f.bottom)}" x2="${num(px)}" y2="${num(f.bottom + 5)}" stroke="#9ca3af"/>`,
    );
    if (px - w / 2 < lastRight + 6) return;
    lastRight = px + w / 2;
    out.push(
      `<text x="${num(px)}" y="${num(f.bottom + 19)}" text-anchor="middle">${escapeXml(label)}</text>`,
    );
  });
  y.ticks.major.forEach((v, i) => {
    const py = y.map(v);
    out.push(
      `<line x1="${num(f.left - 5)}" y1="${num(py)}" x2="${num(f.left)}" y2="${num(py)}" stroke="#9ca3af"/>`,
    );
    out.push(
      `<text x="${num(f.left - 8)}" y="${num(py + 4)}" text-anchor="end">${escapeXml(y.ticks.labels[i]!)}</text>`,
    );
  });
  out.push('</g>');
  out.push(
    `<text x="${num((f.left + f.right) / 2)}" y="${num(f.height - 16)}" text-anchor="middle" font-size="13" fill="${INK}">${escapeXml(xLabel)}</text>`,
  );
  const cy = (f.top + f.bottom) / 2;
  out.push(
    `<text x="18" y="${num(cy)}" text-anchor="middle" font-size="13" fill="${INK}" transform="rotate(-90 18 ${num(cy)})">${escapeXml(yLabel)}</text>`,
  );
  return out;
}

function vline(px: number, y0: number, y1: number, color: string): string {
  return `<line x1="${num(px)}" y1="${num(y0)}" x2="${num(px)}" y2="${num(y1)}" stroke="${color}" stroke-width="1"/>`;
}

function hline(py: number, x0: number, x1: number, color: string): string {
  return `<line x1="${num(x0)}" y1="${num(py)}" x2="${num(x1)}" y2="${num(py)}" stroke="${color}" stroke-width="1"/>`;
}

/** Labelled reference lines; labels are staggered so neighbours do not overlap. */
export function drawMarkers(f: Frame, x: Scale, y: Scale, markers: readonly Marker[]): string[] {
  const out: string[] = [];
  const placed: { x: number; row: number; w: number }[] = [];
  markers.forEach((m, i) => {
    const color = escapeXml(m.color ?? ['#b91c1c', '#7c3aed', '#0f766e', '#a16207'][i % 4]!);
    const label = escapeXml(m.label);
    if ((m.axis ?? 'x') === 'x') {
      if (!x.accepts(m.value)) return;
      const px = x.map(m.value);
      if (px < f.left - 0.5 || px > f.right + 0.5) return;
      const w = textWidth(m.label, 11) + 8;
      let row = 0;
      while (placed.some((p) => p.row === row && Math.abs(p.x - px) < (p.w + w) / 2)) row++;
      placed.push({ x: px, row, w });
      const anchor = px + w > f.right ? 'end' : 'start';
      const tx = anchor === 'end' ? px - 4 : px + 4;
      out.push(
        `<line x1="${num(px)}" y1="${num(f.top)}" x2="${num(px)}" y2="${num(f.bottom)}" stroke="${color}" stroke-width="1.5" stroke-dasharray="5 3"/>`,
        `<text x="${num(tx)}" y="${num(f.top + 14 + 14 * row)}" text-anchor="${anchor}" font-size="11" fill="${color}" stroke="#ffffff" stroke-width="3" paint-order="stroke">${label}</text>`,
      );
    } else {
      if (!y.accepts(m.value)) return;
      const py = y.map(m.value);
      if (py < f.top - 0.5 || py > f.bottom + 0.5) return;
      out.push(
        `<line x1="${num(f.left)}" y1="${num(py)}" x2="${num(f.right)}" y2="${num(py)}" stroke="${color}" stroke-width="1.5" stroke-dasharray="5 3"/>`,
        `<text x="${num(f.left + 6)}" y="${num(py - 4)}" font-size="11" fill="${color}" stroke="#ffffff" stroke-width="3" paint-order="stroke">${label}</text>`,
      );
    }
  });
  return out;
}

/** One legend entry: a line and/or a dot in the series colour, and a name. */
export interface LegendEntry {
  name: string;
  color: string;
  line?: boolean;
  dashed?: boolean;
  point?: boolean;
  /** A filled square (histogram bars). */
  swatch?: boolean;
}

/**
 * A legend box at the place of the plot area (corners, side middles, centre) that covers the
 * fewest of the drawn points (`occupied`, pixels); top-right when they tie.
 */
export function drawLegend(
  f: Frame,
  entries: readonly LegendEntry[],
  occupied: readonly (readonly [number, number])[] = [],
): string[] {
  if (entries.length === 0) return [];
  const size = 12;
  const rowH = 18;
  const w = Math.min(
    f.right - f.left - 20,
    34 + Math.max(...entries.map((e) => textWidth(e.name, size))),
  );
  const h = 8 + rowH * entries.length;
  const xs = [f.right - 10 - w, f.left + 10, (f.left + f.right - w) / 2];
  const ys = [f.top + 10, f.bottom - 10 - h, (f.top + f.bottom - h) / 2];
  // In order of preference: corners, then middles of the sides, then the centre.
  const corners: [number, number][] = [
    [xs[0]!, ys[0]!],
    [xs[1]!, ys[0]!],
    [xs[0]!, ys[1]!],
    [xs[1]!, ys[1]!],
    [xs[0]!, ys[2]!],
    [xs[1]!, ys[2]!],
    [xs[2]!, ys[0]!],
    [xs[2]!, ys[1]!],
    [xs[2]!, ys[2]!],
  ];
  let best = corners[0]!;
  let bestCount = Number.POSITIVE_INFINITY;
  for (const c of corners) {
    let count = 0;
    for (const [px, py] of occupied) {
      if (px >= c[0] - 4 && px <= c[0] + w + 4 && py >= c[1] - 4 && py <= c[1] + h + 4) count++;
    }
    if (count < bestCount) {
      bestCount = count;
      best = c;
    }
  }
  const [x0, y0] = best;
  const out = [
    `<g class="legend" font-size="${size}" fill="${INK}">`,
    `<rect x="${num(x0)}" y="${num(y0)}" width="${num(w)}" height="${num(h)}" rx="4" fill="#ffffff" fill-opacity="0.88" stroke="#d1d5db"/>`,
  ];
  entries.forEach((e, i) => {
    const cy = y0 + 4 + rowH * i + rowH / 2;
    const color = escapeXml(e.color);
    if (e.swatch) {
      out.push(
        `<rect x="${num(x0 + 8)}" y="${num(cy - 5)}" width="18" height="10" fill="${color}" fill-opacity="0.75"/>`,
      );
    }
    if (e.line !== false && !e.swatch) {
      out.push(
        `<line x1="${num(x0 + 6)}" y1="${num(cy)}" x2="${num(x0 + 28)}" y2="${num(cy)}" stroke="${color}" stroke-width="2"${e.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      );
    }
    if (e.point) out.push(`<circle cx="${num(x0 + 17)}" cy="${num(cy)}" r="3.5" fill="${color}"/>`);
    out.push(`<text x="${num(x0 + 34)}" y="${num(cy + 4)}">${escapeXml(e.name)}</text>`);
  });
  out.push('</g>');
  return out;
}

/** A clip path for the plot area, so lines outside a forced range do not spill over. */
export function clipPath(f: Frame, id: string): string {
  return `<defs><clipPath id="${id}"><rect x="${num(f.left)}" y="${num(f.top)}" width="${num(f.right - f.left)}" height="${num(f.bottom - f.top)}"/></clipPath></defs>`;
}

/** A message in the middle of the plot area (e.g. no data). */
export function centredNote(f: Frame, text: string): string {
  return `<text x="${num((f.left + f.right) / 2)}" y="${num((f.top + f.bottom) / 2)}" text-anchor="middle" font-size="14" fill="${MUTED}">${escapeXml(text)}</text>`;
}
