/**
 * A simulation cell: three lattice vectors as the rows of a 3×3 matrix, stored row-major
 * in a Float64Array of length 9 (ASE's convention: `cell[3*i + k]` is component k of
 * vector i), lengths in Å. A zero row means "no lattice vector along this axis".
 */
export type Cell = Float64Array;

/** Anything that can describe a cell: 9 numbers row-major, 3 rows, or 3 lengths (orthorhombic). */
export type CellLike = ArrayLike<number> | readonly (readonly number[])[];

/** Builds a Cell from 9 numbers, 3 row vectors, or 3 lengths of an orthorhombic box. */
export function toCell(like: CellLike | undefined): Cell {
  const cell = new Float64Array(9);
  if (like === undefined) return cell;
  const first = (like as ArrayLike<unknown>)[0];
  if (Array.isArray(first)) {
    const rows = like as readonly (readonly number[])[];
    if (rows.length !== 3 || rows.some((r) => r.length !== 3)) {
      throw new RangeError('a cell given as rows must have 3 rows of 3 numbers');
    }
    for (let i = 0; i < 3; i++) for (let k = 0; k < 3; k++) cell[3 * i + k] = rows[i]![k]!;
    return cell;
  }
  const flat = like as ArrayLike<number>;
  if (flat.length === 9) {
    for (let i = 0; i < 9; i++) cell[i] = flat[i]!;
  } else if (flat.length === 3) {
    cell[0] = flat[0]!;
    cell[4] = flat[1]!;
    cell[8] = flat[2]!;
  } else {
    throw new RangeError(`a cell needs 9 numbers, 3 rows or 3 lengths, got ${flat.length} numbers`);
  }
  return cell;
}

/** Signed volume det(cell) in Å³ (positive for a right-handed cell). */
export function cellDeterminant(cell: ArrayLike<number>): number {
  return (
    cell[0]! * (cell[4]! * cell[8]! - cell[5]! * cell[7]!) -
    cell[1]! * (cell[3]! * cell[8]! - cell[5]! * cell[6]!) +
    cell[2]! * (cell[3]! * cell[7]! - cell[4]! * cell[6]!)
  );
}

/** Volume |det(cell)| in Å³. */
export function cellVolume(cell: ArrayLike<number>): number {
  return Math.abs(cellDeterminant(cell));
}

/**
 * Inverse of the cell matrix (row-major 3×3). Fractional coordinates are
 * `s = r · inverse`, Cartesian `r = s · cell`. Throws on a singular cell.
 */
export function cellInverse(cell: ArrayLike<number>): Float64Array {
  const det = cellDeterminant(cell);
  if (!(Math.abs(det) > 0) || !Number.isFinite(det)) {
    throw new RangeError('the cell is singular (zero volume): it has no inverse');
  }
  const c = cell;
  const inv = new Float64Array(9);
  inv[0] = (c[4]! * c[8]! - c[5]! * c[7]!) / det;
  inv[1] = (c[2]! * c[7]! - c[1]! * c[8]!) / det;
  inv[2] = (c[1]! * c[5]! - c[2]! * c[4]!) / det;
  inv[3] = (c[5]! * c[6]! - c[3]! * c[8]!) / det;
  inv[4] = (c[0]! * c[8]! - c[2]! * c[6]!) / det;
  inv[5] = (c[2]! * c[3]! - c[0]! * c[5]!) / det;
  inv[6] = (c[3]! * c[7]! - c[4]! * c[6]!) / det;
  inv[7] = (c[1]! * c[6]! - c[0]! * c[7]!) / det;
  inv[8] = (c[0]! * c[4]! - c[1]! * c[3]!) / det;
  return inv;
}

/** Length in Å of lattice vector i. */
export function cellVectorLength(cell: ArrayLike<number>, i: number): number {
  return Math.hypot(cell[3 * i]!, cell[3 * i + 1]!, cell[3 * i + 2]!);
}

/**
 * Perpendicular heights of the cell in Å: the distance between the two faces spanned by
 * the other two vectors (volume / area of that face). The neighbor list needs them: a
 * cutoff larger than half a height reaches several images of the same atom.
 */
export function cellHeights(cell: ArrayLike<number>): [number, number, number] {
  const v = cellVolume(cell);
  const h: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < 3; i++) {
    const j = (i + 1) % 3;
    const k = (i + 2) % 3;
    const cx = cell[3 * j + 1]! * cell[3 * k + 2]! - cell[3 * j + 2]! * cell[3 * k + 1]!;
    const cy = cell[3 * j + 2]! * cell[3 * k]! - cell[3 * j]! * cell[3 * k + 2]!;
    const cz = cell[3 * j]! * cell[3 * k + 1]! - cell[3 * j + 1]! * cell[3 * k]!;
    const area = Math.hypot(cx, cy, cz);
    h[i] = area > 0 ? v / area : 0;
  }
  return h;
}

/** Number of linearly independent lattice vectors (0 to 3). */
export function cellRank(cell: ArrayLike<number>): number {
  if (Math.abs(cellDeterminant(cell)) > 1e-12) return 3;
  let nonzero = 0;
  for (let i = 0; i < 3; i++) if (cellVectorLength(cell, i) > 0) nonzero++;
  if (nonzero < 2) return nonzero;
  // Two or three non-zero vectors spanning a plane or a line.
  const rows = [0, 1, 2].filter((i) => cellVectorLength(cell, i) > 0);
  for (let a = 0; a < rows.length; a++) {
    for (let b = a + 1; b < rows.length; b++) {
      const i = rows[a]!;
      const j = rows[b]!;
      const cx = cell[3 * i + 1]! * cell[3 * j + 2]! - cell[3 * i + 2]! * cell[3 * j + 1]!;
      const cy = cell[3 * i + 2]! * cell[3 * j]! - cell[3 * i]! * cell[3 * j + 2]!;
      const cz = cell[3 * i]! * cell[3 * j + 1]! - cell[3 * i + 1]! * cell[3 * j]!;
      if (Math.hypot(cx, cy, cz) > 1e-12) return 2;
    }
  }
  return 1;
}

/**
 * Cell from lengths a, b, c (Å) and angles α, β, γ (degrees), oriented like ASE's
 * `cellpar_to_cell` default: a along x, b in the xy plane.
 */
export function cellFromParameters(
  a: number,
  b: number,
  c: number,
  alpha = 90,
  beta = 90,
  gamma = 90,
): Cell {
  const rad = Math.PI / 180;
  const cosA = Math.abs(alpha - 90) < 1e-12 ? 0 : Math.cos(alpha * rad);
  const cosB = Math.abs(beta - 90) < 1e-12 ? 0 : Math.cos(beta * rad);
  let cosG: number;
  let sinG: number;
  if (Math.abs(gamma - 90) < 1e-12) {
    cosG = 0;
    sinG = 1;
  } else {
    cosG = Math.cos(gamma * rad);
    sinG = Math.sin(gamma * rad);
  }
  const cx = cosB;
  const cy = (cosA - cosB * cosG) / sinG;
  const cz2 = 1 - cx * cx - cy * cy;
  if (!(cz2 > 0))
    throw new RangeError('these cell angles do not describe a cell of positive volume');
  return toCell([
    [a, 0, 0],
    [b * cosG, b * sinG, 0],
    [c * cx, c * cy, c * Math.sqrt(cz2)],
  ]);
}

/** Multiplies fractional coordinates (length 3N) by the cell: Cartesian positions in Å. */
export function fractionalToCartesian(
  scaled: ArrayLike<number>,
  cell: ArrayLike<number>,
): Float64Array {
  const n = scaled.length / 3;
  const out = new Float64Array(scaled.length);
  for (let a = 0; a < n; a++) {
    const s0 = scaled[3 * a]!;
    const s1 = scaled[3 * a + 1]!;
    const s2 = scaled[3 * a + 2]!;
    for (let k = 0; k < 3; k++)
      out[3 * a + k] = s0 * cell[k]! + s1 * cell[3 + k]! + s2 * cell[6 + k]!;
  }
  return out;
}

/** Fractional coordinates of Cartesian positions (length 3N) in a non-singular cell. */
export function cartesianToFractional(
  positions: ArrayLike<number>,
  cell: ArrayLike<number>,
): Float64Array {
  return fractionalToCartesian(positions, cellInverse(cell));
}
