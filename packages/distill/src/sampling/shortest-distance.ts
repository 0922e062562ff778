import { type Atoms, buildNeighborList, pairVectors } from '@mlff-distiller/core';

/**
 * The shortest distance in Å between two atoms (periodic images included) when it is below
 * `within` Å, otherwise Infinity. Cost O(N) with cell lists.
 */
export function shortestDistance(atoms: Atoms, within: number): number {
  const list = buildNeighborList(atoms, within);
  if (list.nPairs === 0) return Number.POSITIVE_INFINITY;
  const { distances } = pairVectors(list, atoms.positions, atoms.cell);
  let shortest = Number.POSITIVE_INFINITY;
  for (const d of distances) if (d < shortest) shortest = d;
  return shortest;
}
