import { cellHeights, cellInverse, cellRank } from '../cell.js';
import { InvalidInputError } from '../errors.js';
import { completeCell } from './neighbor-list.js';

/** Atoms in the fractional frame of a full-rank cell, as cell-list builders need them. */
export interface BinningFrame {
  /** A full-rank cell (the given one, completed along non-periodic axes; identity for molecules). */
  cell: Float64Array;
  /** Heights of that cell in Å. */
  heights: [number, number, number];
  /** Fractional coordinates, length 3N, wrapped into [0, 1) along periodic axes. */
  frac: Float64Array;
  /** Integer image of each atom: atom a sits at its wrapped position − offset·cell. */
  offset: Int32Array;
  /** Smallest and largest fractional coordinate per axis. */
  lo: [number, number, number];
  hi: [number, number, number];
}

/**
 * Fractional coordinates of the atoms in a full-rank cell, wrapped into [0, 1) along periodic
 * axes with the integer offsets kept; throws InvalidInputError for a non-finite position.
 */
export function binningFrame(
  positions: ArrayLike<number>,
  cell: ArrayLike<number>,
  pbc: readonly boolean[],
): BinningFrame {
  const n = positions.length / 3;
  const full =
    pbc.some(Boolean) || cellRank(cell) === 3
      ? completeCell(cell, pbc)
      : Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1);
  const inv = cellInverse(full);
  const frac = new Float64Array(3 * n);
  const offset = new Int32Array(3 * n);
  const lo: [number, number, number] = [Infinity, Infinity, Infinity];
  const hi: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  for (let a = 0; a < n; a++) {
    const x = positions[3 * a]!;
    const y = positions[3 * a + 1]!;
    const z = positions[3 * a + 2]!;
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) {
      throw new InvalidInputError(`atom ${a} has a non-finite position (${x}, ${y}, ${z})`);
    }
    for (let k = 0; k < 3; k++) {
      let s = x * inv[k]! + y * inv[3 + k]! + z * inv[6 + k]!;
      if (pbc[k]) {
        const o = Math.floor(s);
        s -= o;
        if (s >= 1) s = 0; // rounding of tiny negative values
        offset[3 * a + k] = o;
      }
      frac[3 * a + k] = s;
      if (s < lo[k]) lo[k] = s;
      if (s > hi[k]) hi[k] = s;
    }
  }
  return { cell: full, heights: cellHeights(full), frac, offset, lo, hi };
}
