/** An ordinary least-squares line y ≈ intercept + slope·x. */
export interface LinearFit {
  /** Slope, in units of y per unit of x. */
  slope: number;
  /** Intercept at x = 0, in units of y. */
  intercept: number;
  /**
   * Standard error of the slope assuming independent residuals (NaN with fewer than three
   * points); an underestimate when residuals are correlated.
   */
  slopeStandardError: number;
  /** Root-mean-square residual about the line, in units of y. */
  rmsResidual: number;
  /** Number of points. */
  n: number;
}

/** Least-squares line through (x, y); centred sums, so large offsets (bytes, eV) lose no digits. */
export function linearFit(x: ArrayLike<number>, y: ArrayLike<number>): LinearFit {
  const n = x.length;
  if (n !== y.length) throw new RangeError(`${n} abscissae but ${y.length} ordinates`);
  if (n < 2) throw new RangeError(`a line needs two points at least, got ${n}`);
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i]! - mx) ** 2;
    sxy += (x[i]! - mx) * (y[i]! - my);
  }
  if (!(sxx > 0)) throw new RangeError('a line needs two distinct abscissae');
  const slope = sxy / sxx;
  let sres = 0;
  for (let i = 0; i < n; i++) sres += (y[i]! - my - slope * (x[i]! - mx)) ** 2;
  return {
    slope,
    intercept: my - slope * mx,
    slopeStandardError: n > 2 ? Math.sqrt(sres / (n - 2) / sxx) : Number.NaN,
    rmsResidual: Math.sqrt(sres / n),
    n,
  };
}
