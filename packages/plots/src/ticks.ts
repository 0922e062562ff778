/** Ticks of one axis: where they sit (data units) and how they read. */
export interface AxisTicks {
  /** The axis range in data units, [low, high]; it covers the data and ends on ticks where it can. */
  domain: [number, number];
  /** Labelled tick positions, ascending, inside the domain. */
  major: number[];
  /** Unlabelled minor positions (log axes: 2…9 × 10ᵏ), ascending. */
  minor: number[];
  /** Labels of the major ticks. */
  labels: string[];
}

/** The nice number (1, 2, 5 or 10 × 10ᵏ) nearest to x (round) or not below it (ceil). */
export function niceNumber(x: number, round: boolean): number {
  const exp = Math.floor(Math.log10(x));
  const f = x / 10 ** exp;
  let nf: number;
  if (round) nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
  else nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
  return nf * 10 ** exp;
}

/**
 * Step between ticks of a linear axis over [min, max]: the smallest 1, 2 or 5 × 10ᵏ for which
 * the ticks covering the range (first ≤ min, last ≥ max) number at most `maxTicks` (≥ 2).
 */
export function niceStep(min: number, max: number, maxTicks = 8): number {
  const limit = Math.max(2, Math.floor(maxTicks));
  let step = niceNumber((max - min) / limit, false);
  const count = (s: number): number => Math.ceil(max / s - 1e-9) - Math.floor(min / s + 1e-9) + 1;
  for (let guard = 0; count(step) > limit && guard < 8; guard++) {
    const e = Math.floor(Math.log10(step) + 1e-9);
    const f = Math.round(step / 10 ** e);
    step = (f === 1 ? 2 : f === 2 ? 5 : 10) * 10 ** e;
  }
  return step;
}

/** Snaps tiny floating-point noise (0.30000000000000004) to the step's precision. */
function snap(v: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  const r = Number.parseFloat(v.toFixed(Math.min(20, decimals)));
  return r === 0 ? 0 : r; // no -0
}

/**
 * Tick positions of a linear axis: multiples of a 1, 2 or 5 × 10ᵏ step covering
 * [min, max] (the first tick ≤ min, the last ≥ max), at most about `maxTicks` of them.
 * A degenerate range (min = max) is widened around the value. Non-finite input gives [].
 */
export function niceTicks(min: number, max: number, maxTicks = 8): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min > max) [min, max] = [max, min];
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    min -= pad;
    max += pad;
  }
  const step = niceStep(min, max, maxTicks);
  const lo = Math.floor(min / step + 1e-9);
  const hi = Math.ceil(max / step - 1e-9);
  const out: number[] = [];
  for (let i = lo; i <= hi; i++) out.push(snap(i * step, step));
  return out;
}

const SUPERSCRIPT: Record<string, string> = {
  '-': '⁻',
  '0': '⁰',
  '1': '¹',
  '2': '²',
  '3': '³',
  '4': '⁴',
  '5': '⁵',
  '6': '⁶',
  '7': '⁷',
  '8': '⁸',
  '9': '⁹',
};

/** 10ⁿ with a Unicode superscript exponent ("10⁻³"). */
export function powerOfTen(exponent: number): string {
  return `10${String(exponent).replace(/./g, (c) => SUPERSCRIPT[c] ?? c)}`;
}

/**
 * Label of a tick value on an axis whose ticks are `step` apart: as many decimals as the step
 * needs, a mantissa × 10ⁿ form for very large or very small numbers, never "-0".
 */
export function formatTick(value: number, step: number): string {
  if (value === 0 || Object.is(value, -0)) return '0';
  const mag = Math.max(Math.abs(value), step);
  if (mag >= 1e6 || mag < 1e-3) {
    const exp = Math.floor(Math.log10(mag));
    const digits = Math.max(0, Math.min(6, exp - Math.floor(Math.log10(step))));
    const mantissa = Number.parseFloat((value / 10 ** exp).toFixed(digits));
    return `${mantissa === 1 ? '' : `${mantissa}×`}${powerOfTen(exp)}`;
  }
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return value.toFixed(Math.min(20, decimals));
}

/** Label of a value on a log axis: plain from 0.001 to 10⁵, 10ⁿ-style beyond. */
export function formatLogTick(value: number): string {
  const exp = Math.round(Math.log10(value));
  if (Math.abs(value / 10 ** exp - 1) < 1e-9) {
    if (exp >= -3 && exp <= 5) return exp < 0 ? value.toFixed(-exp) : String(10 ** exp);
    return powerOfTen(exp);
  }
  const e = Math.floor(Math.log10(value) + 1e-9);
  if (e >= -3 && e <= 5) return Number.parseFloat(value.toPrecision(3)).toString();
  const mantissa = Number.parseFloat((value / 10 ** e).toPrecision(3));
  return `${mantissa}×${powerOfTen(e)}`;
}

/**
 * Ticks of a linear axis over the data range [min, max]: the domain is widened to the
 * enclosing ticks. `maxTicks` bounds the number of labels.
 */
export function linearAxis(min: number, max: number, maxTicks = 8): AxisTicks {
  const major = niceTicks(min, max, maxTicks);
  if (major.length < 2) return { domain: [0, 1], major: [0, 1], minor: [], labels: ['0', '1'] };
  const step = major[1]! - major[0]!;
  return {
    domain: [major[0]!, major[major.length - 1]!],
    major,
    minor: [],
    labels: major.map((v) => formatTick(v, step)),
  };
}

/** Largest 1, 2 or 5 × 10ᵏ not above x (x > 0). */
function floor125(x: number): number {
  const e = Math.floor(Math.log10(x) + 1e-9);
  const f = x / 10 ** e;
  return (f >= 5 - 1e-9 ? 5 : f >= 2 - 1e-9 ? 2 : 1) * 10 ** e;
}

/** Smallest 1, 2 or 5 × 10ᵏ not below x (x > 0). */
function ceil125(x: number): number {
  const e = Math.floor(Math.log10(x) + 1e-9);
  const f = x / 10 ** e;
  return (f <= 1 + 1e-9 ? 1 : f <= 2 + 1e-9 ? 2 : f <= 5 + 1e-9 ? 5 : 10) * 10 ** e;
}

/**
 * Ticks of a logarithmic axis over the positive data range [min, max]. Over more than about
 * two decades: the domain is widened to whole decades, majors at 10ᵏ (every few decades when
 * there are many), minors at 2…9 × 10ᵏ. Over less: the domain ends on 1, 2 or 5 × 10ᵏ, with
 * majors at every 1, 2 and 5 × 10ᵏ and minors at the other integers × 10ᵏ.
 */
export function logAxis(min: number, max: number, maxTicks = 8): AxisTicks {
  if (!(min > 0) || !(max > 0) || !Number.isFinite(min) || !Number.isFinite(max)) {
    return { domain: [1, 10], major: [1, 10], minor: [], labels: ['1', '10'] };
  }
  if (min > max) [min, max] = [max, min];
  let loV = floor125(min);
  let hiV = ceil125(max);
  if (hiV <= loV) {
    loV = floor125(loV * 0.99);
    hiV = ceil125(hiV * 1.01);
  }
  const major: number[] = [];
  const minor: number[] = [];
  const eLo = Math.floor(Math.log10(loV) + 1e-9);
  const eHi = Math.ceil(Math.log10(hiV) - 1e-9);
  const inside = (v: number): boolean => v >= loV * (1 - 1e-9) && v <= hiV * (1 + 1e-9);
  if (Math.log10(hiV / loV) <= 2 + 1e-9) {
    for (let e = eLo; e <= eHi; e++) {
      for (let m = 1; m <= 9; m++) {
        const v = Number.parseFloat((m * 10 ** e).toPrecision(12));
        if (!inside(v)) continue;
        (m === 1 || m === 2 || m === 5 ? major : minor).push(v);
      }
    }
    return { domain: [loV, hiV], major, minor, labels: major.map(formatLogTick) };
  }
  const decades = eHi - eLo;
  const every = Math.max(1, Math.ceil((decades + 1) / maxTicks));
  for (let e = eLo; e <= eHi; e++) {
    const v = Number.parseFloat((10 ** e).toPrecision(12));
    if ((e - eLo) % every === 0) major.push(v);
    else minor.push(v);
    if (decades <= 8 && e < eHi) {
      for (let m = 2; m <= 9; m++) minor.push(Number.parseFloat((m * 10 ** e).toPrecision(12)));
    }
  }
  minor.sort((a, b) => a - b);
  return {
    domain: [major[0]!, 10 ** eHi],
    major,
    minor,
    labels: major.map(formatLogTick),
  };
}
