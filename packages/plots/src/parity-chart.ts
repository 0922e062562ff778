import { InvalidInputError } from '@mlff-distiller/core';
import type { ChartFrameOptions } from './chart-types.js';
import { lineChart } from './line-chart.js';

/** Options of {@link parityChart}. */
export interface ParityChartOptions extends ChartFrameOptions {
  /** Quantity with units, e.g. "force component (eV/Å)". */
  quantity: string;
  /** Reference (teacher) values. */
  reference: ArrayLike<number>;
  /** Predicted (student) values, same length. */
  predicted: ArrayLike<number>;
  /** Most points drawn (evenly subsampled beyond; default 4000). */
  maxPoints?: number;
}

/**
 * A parity plot: predicted against reference values as dots, with the y = x line and
 * equal axis ranges, so a perfect model lies on the diagonal.
 */
export function parityChart(options: ParityChartOptions): string {
  const { reference, predicted } = options;
  if (reference.length !== predicted.length) {
    throw new InvalidInputError(
      `parity chart "${options.title}": ${reference.length} reference values but ${predicted.length} predictions`,
    );
  }
  const n = reference.length;
  const stride = Math.max(1, Math.ceil(n / (options.maxPoints ?? 4000)));
  const x: number[] = [];
  const y: number[] = [];
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i += stride) {
    const a = reference[i]!;
    const b = predicted[i]!;
    if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
    x.push(a);
    y.push(b);
    lo = Math.min(lo, a, b);
    hi = Math.max(hi, a, b);
  }
  if (!(hi > lo)) {
    lo = (Number.isFinite(lo) ? lo : 0) - 1;
    hi = (Number.isFinite(hi) ? hi : 0) + 1;
  }
  const pad = 0.03 * (hi - lo);
  const range: [number, number] = [lo - pad, hi + pad];
  return lineChart({
    ...options,
    xLabel: `reference ${options.quantity}`,
    yLabel: `predicted ${options.quantity}`,
    xRange: range,
    yRange: range,
    series: [
      { name: 'y = x', x: range, y: range, color: '#9ca3af', dashed: true, points: false },
      { name: `${x.length} values`, x, y, line: false, points: true },
    ],
  });
}
