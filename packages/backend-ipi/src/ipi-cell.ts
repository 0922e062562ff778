import { pseudoInverse3x3 } from './pseudo-inverse.js';

/**
 * The cell as the i-PI wire carries it, before the conversion to Bohr: ASE sends `cell.T`,
 * so the nine numbers are the matrix with the lattice vectors as columns (i-PI's `h`),
 * row-major. `cell` holds the lattice vectors as rows in Å (core's convention).
 */
export function cellToWire(cell: ArrayLike<number>): Float64Array {
  return transpose3x3(cell);
}

/**
 * The inverse cell as the i-PI wire carries it, before the conversion to 1/Bohr: ASE
 * computes `icell = pinv(cell).T` and sends `icell.T`, that is `pinv(cell)` row-major
 * (see {@link pseudoInverse3x3}; zeros for a molecule without a cell).
 */
export function inverseCellToWire(cell: ArrayLike<number>): Float64Array {
  return pseudoInverse3x3(cell);
}

/** The cell (lattice vectors as rows) from the nine wire numbers: the transpose, as ASE reads it. */
export function cellFromWire(wire: ArrayLike<number>): Float64Array {
  return transpose3x3(wire);
}

/** The transpose of a row-major 3×3 matrix. */
export function transpose3x3(m: ArrayLike<number>): Float64Array {
  const out = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) out[3 * j + i] = m[3 * i + j]!;
  return out;
}
