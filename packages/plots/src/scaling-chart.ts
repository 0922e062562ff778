import { InvalidInputError } from '@mlff-distiller/core';
import type { PowerLawFit, ScalingChartOptions, Series } from './chart-types.js';
import { lineChart } from './line-chart.js';
import { PALETTE } from './svg.js';

/**
 * Least-squares fit of y = a·xᵇ in log–log space over the pairs where both are positive and
 * finite. Null when fewer than two distinct x remain.
 */
export function fitPowerLaw(x: ArrayLike<number>, y: ArrayLike<number>): PowerLawFit | null {
  const lx: number[] = [];
  const ly: number[] = [];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const a = x[i]!;
    const b = y[i]!;
    if (a > 0 && b > 0 && Number.isFinite(a) && Number.isFinite(b)) {
      lx.push(Math.log(a));
      ly.push(Math.log(b));
    }
  }
  const n = lx.length;
  if (n < 2) return null;
  const mx = lx.reduce((s, v) => s + v, 0) / n;
  const my = ly.reduce((s, v) => s + v, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (lx[i]! - mx) ** 2;
    sxy += (lx[i]! - mx) * (ly[i]! - my);
    syy += (ly[i]! - my) ** 2;
  }
  if (sxx === 0) return null;
  const exponent = sxy / sxx;
  const intercept = my - exponent * mx;
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  return { prefactor: Math.exp(intercept), exponent, r2 };
}

/**
 * Log–log chart of time per MD step against system size: measured points joined per series,
 * and a dashed fitted power law t = a·Nᵇ over each series' range with b in the legend.
 */
export function scalingChart(options: ScalingChartOptions): string {
  const series: Series[] = [];
  options.series.forEach((s, k) => {
    if (s.atoms.length !== s.msPerStep.length) {
      throw new InvalidInputError(
        `scaling series "${s.name}" has ${s.atoms.length} sizes but ${s.msPerStep.length} timings`,
      );
    }
    const color = s.color ?? PALETTE[k % PALETTE.length]!;
    const order = Array.from({ length: s.atoms.length }, (_, i) => i).sort(
      (a, b) => s.atoms[a]! - s.atoms[b]!,
    );
    const xs = order.map((i) => s.atoms[i]!);
    const ys = order.map((i) => s.msPerStep[i]!);
    const fit = options.fit === false ? null : fitPowerLaw(xs, ys);
    const label = fit
      ? `${s.name}: ∝ N^${fit.exponent.toFixed(2)} (R² ${fit.r2.toFixed(3)})`
      : s.name;
    series.push({ name: label, x: xs, y: ys, color, points: true, line: true });
    if (fit) {
      const pos = xs.filter((v) => v > 0 && Number.isFinite(v));
      const lo = Math.min(...pos);
      const hi = Math.max(...pos);
      const m = 24;
      const fx = Array.from({ length: m + 1 }, (_, i) => lo * (hi / lo) ** (i / m));
      series.push({
        name: `${s.name} fit: ${fit.prefactor.toPrecision(3)}·N^${fit.exponent.toFixed(2)} ms`,
        inLegend: false,
        x: fx,
        y: fx.map((v) => fit.prefactor * v ** fit.exponent),
        color,
        dashed: true,
        points: false,
      });
    }
  });
  return lineChart({
    title: options.title,
    subtitle: options.subtitle,
    width: options.width,
    height: options.height,
    xLabel: options.xLabel ?? 'atoms',
    yLabel: options.yLabel ?? 'time per step (ms)',
    logX: true,
    logY: true,
    series,
    legendExtra: series.some((s) => s.dashed)
      ? [{ name: 'power-law fit t = a·Nᵇ', color: '#6b7280', dashed: true }]
      : [],
  });
}
