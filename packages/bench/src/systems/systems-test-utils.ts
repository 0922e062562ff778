import type { Atoms } from '@mlff-distiller/core';

/**
 * Smallest distance in Å between two atoms for which `include(i, j)` holds, with the
 * minimum image along periodic axes of an orthorhombic cell (the builders make cubic ones).
 * O(N²); for tests.
 */
export function minDistance(
  atoms: Atoms,
  include: (i: number, j: number) => boolean = () => true,
): number {
  const p = atoms.positions;
  const box = [0, 4, 8].map((k, axis) => (atoms.pbc[axis] ? atoms.cell[k]! : 0));
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < atoms.length; i++) {
    for (let j = i + 1; j < atoms.length; j++) {
      if (!include(i, j)) continue;
      let d2 = 0;
      for (let k = 0; k < 3; k++) {
        let d = p[3 * j + k]! - p[3 * i + k]!;
        if (box[k]) d -= box[k]! * Math.round(d / box[k]!);
        d2 += d * d;
      }
      if (d2 < best) best = d2;
    }
  }
  return Math.sqrt(best);
}
