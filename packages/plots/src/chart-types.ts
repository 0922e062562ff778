/** One line (and/or point set) of a chart. */
export interface Series {
  /** Legend entry. */
  name: string;
  /** Abscissae, same length as `y`. Non-finite pairs (and non-positive ones on log axes) are skipped. */
  x: ArrayLike<number>;
  /** Ordinates, same length as `x`. */
  y: ArrayLike<number>;
  /** CSS colour; default: the next colour of the palette. */
  color?: string;
  /** Draw the line (default true). */
  line?: boolean;
  /** Draw a dot at each point (default: true when there are at most 60 points and no line, false otherwise). */
  points?: boolean;
  /** Dashed line (default false). */
  dashed?: boolean;
  /** List the series in the legend (default true). */
  inLegend?: boolean;
}

/** A legend entry that is not a series (e.g. "dashed: fitted power law"). */
export interface LegendItem {
  name: string;
  color: string;
  line?: boolean;
  dashed?: boolean;
  point?: boolean;
}

/** A labelled vertical (or horizontal) reference line, e.g. p50/p95/p99 or a target value. */
export interface Marker {
  label: string;
  /** Position in data units of the axis the marker crosses. */
  value: number;
  /** `x` (vertical line, default) or `y` (horizontal line). */
  axis?: 'x' | 'y';
  color?: string;
}

/** Options shared by every chart. */
export interface ChartFrameOptions {
  title: string;
  /** Second line under the title (machine, calculator…). */
  subtitle?: string;
  /** Width in px (default 720). */
  width?: number;
  /** Height in px (default 440). */
  height?: number;
}

/** Options of {@link lineChart}. */
export interface LineChartOptions extends ChartFrameOptions {
  /** Axis label with units, e.g. "step" or "time (ps)". */
  xLabel: string;
  /** Axis label with units, e.g. "latency (ms)". */
  yLabel: string;
  series: readonly Series[];
  logX?: boolean;
  logY?: boolean;
  /** Reference lines. */
  markers?: readonly Marker[];
  /** Force the axis ranges (data units); default: the data range, padded to nice ticks. */
  xRange?: readonly [number, number];
  yRange?: readonly [number, number];
  /** Legend entries beyond the series'. */
  legendExtra?: readonly LegendItem[];
}

/** Options of {@link histogram}. */
export interface HistogramOptions extends ChartFrameOptions {
  /** Label of the values with units, e.g. "step latency (ms)". */
  xLabel: string;
  /** Default "count". */
  yLabel?: string;
  values: ArrayLike<number>;
  /** Number of bins (default: Freedman–Diaconis, clamped to 10…100). */
  bins?: number;
  /** Logarithmic count axis (tails of latency distributions). */
  logY?: boolean;
  /** Vertical labelled lines, e.g. p50/p95/p99. */
  markers?: readonly Marker[];
  color?: string;
}

/** One calculator's scaling measurements. */
export interface ScalingSeries {
  name: string;
  /** System sizes in atoms. */
  atoms: ArrayLike<number>;
  /** Mean time per MD step in ms, one per size. */
  msPerStep: ArrayLike<number>;
  color?: string;
}

/** Options of {@link scalingChart}. */
export interface ScalingChartOptions extends ChartFrameOptions {
  series: readonly ScalingSeries[];
  /** Default "atoms". */
  xLabel?: string;
  /** Default "time per step (ms)". */
  yLabel?: string;
  /** Draw a fitted power law t = a·Nᵇ per series and give b in the legend (default true). */
  fit?: boolean;
}

/** A power law y = prefactor · x^exponent fitted by least squares in log–log space. */
export interface PowerLawFit {
  prefactor: number;
  exponent: number;
  /** Coefficient of determination of the log–log fit. */
  r2: number;
}
