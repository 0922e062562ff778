import { cellFromParameters, cellHeights } from '../../cell.js';
import type { Random } from '../../random.js';

/** A random test structure for neighbor searches. */
export interface RandomSystem {
  /** A triclinic cell with angles far from 90°, edges 4–8 Å. */
  cell: Float64Array;
  /** Positions in Å, partly outside the cell to exercise wrapping and image bookkeeping. */
  positions: Float64Array;
  /** The shortest cell height in Å. */
  minHeight: number;
}

/** Draws a skewed cell and `minAtoms`…`minAtoms + spread − 1` atoms at fractional coordinates in [−0.3, 1.3). */
export function randomTriclinicSystem(
  random: Random,
  minAtoms: number,
  spread: number,
): RandomSystem {
  const u = () => random.uniform();
  const cell = cellFromParameters(
    4 + 4 * u(),
    4 + 4 * u(),
    4 + 4 * u(),
    60 + 50 * u(),
    65 + 45 * u(),
    55 + 60 * u(),
  );
  const n = minAtoms + Math.floor(spread * u());
  const positions = new Float64Array(3 * n);
  for (let a = 0; a < n; a++) {
    const s = [u() * 1.6 - 0.3, u() * 1.6 - 0.3, u() * 1.6 - 0.3];
    for (let k = 0; k < 3; k++)
      positions[3 * a + k] = s[0]! * cell[k]! + s[1]! * cell[3 + k]! + s[2]! * cell[6 + k]!;
  }
  return { cell, positions, minHeight: Math.min(...cellHeights(cell)) };
}
