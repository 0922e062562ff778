import type { Atoms } from '@mlff-distiller/core';
import { runAsePython } from '@mlff-distiller/core/testing';

/** ASE's results for one structure: energy (eV), forces (eV/Å, 3N), stress (eV/Å³) or null. */
export interface AseResult {
  energy: number;
  forces: number[];
  stress: number[] | null;
}

/** A structure as JSON for the Python scripts. */
export function structureJson(atoms: Atoms): Record<string, unknown> {
  return {
    numbers: Array.from(atoms.numbers),
    positions: Array.from(atoms.positions),
    cell: Array.from(atoms.cell),
    pbc: atoms.pbc,
  };
}

const EMT_SCRIPT = `
import json, sys
import numpy as np
from ase import Atoms
from ase.calculators.emt import EMT
out = []
for s in json.load(sys.stdin):
    atoms = Atoms(numbers=s['numbers'], positions=np.reshape(s['positions'], (-1, 3)),
                  cell=np.reshape(s['cell'], (3, 3)), pbc=s['pbc'])
    atoms.calc = EMT()
    periodic = atoms.cell.rank == 3 and any(atoms.pbc)
    out.append({'energy': atoms.get_potential_energy(),
                'forces': atoms.get_forces().ravel().tolist(),
                'stress': atoms.get_stress().tolist() if periodic else None})
print(json.dumps(out))
`;

/** ASE's EMT called directly (Debian's python3-ase) on each structure. */
export function emtReference(structures: readonly Atoms[]): AseResult[] {
  return JSON.parse(runAsePython(EMT_SCRIPT, JSON.stringify(structures.map(structureJson))));
}
