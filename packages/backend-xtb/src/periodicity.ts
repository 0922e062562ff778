import { type Atoms, cellRank, InvalidInputError } from '@mlff-distiller/core';

/**
 * How xtb sees a structure: a `molecule` (no periodic axis; the cell is ignored) or a
 * `bulk` system (periodic along all three lattice vectors of a three-dimensional cell).
 */
export type XtbPeriodicity = 'molecule' | 'bulk';

/**
 * Classifies a structure for xtb. xtb 6.5 has no slabs or wires (libxtb silently treats any
 * periodic axis as three-dimensional periodicity), so mixed periodicity throws
 * InvalidInputError, as does a periodic structure whose cell is not three-dimensional.
 */
export function xtbPeriodicity(atoms: Atoms): XtbPeriodicity {
  const periodic = atoms.pbc.filter(Boolean).length;
  if (periodic === 0) return 'molecule';
  const flags = atoms.pbc.map((p) => (p ? 'T' : 'F')).join('');
  if (periodic < 3) {
    throw new InvalidInputError(
      `xtb handles molecules (pbc FFF) and fully periodic cells (pbc TTT), not pbc ${flags}: it has no slab or wire boundary conditions`,
    );
  }
  if (cellRank(atoms.cell) < 3) {
    throw new InvalidInputError(
      `pbc ${flags} needs three independent lattice vectors, but the cell has rank ${cellRank(atoms.cell)}`,
    );
  }
  return 'bulk';
}
