import { type Atoms, chemicalSymbol } from '@mlff-distiller/core';
import { angstromToBohr } from './xtb-units.js';

function formatRow(values: ArrayLike<number>, offset: number): string {
  let line = '';
  for (let k = 0; k < 3; k++) line += values[offset + k]!.toFixed(15).padStart(26);
  return line;
}

/**
 * A Turbomole `coord` file for xtb: `$coord` with positions in Bohr (converted from Å with
 * ASE's `units.Bohr`, so the program sees the same numbers as libxtb), and for fully
 * periodic structures `$periodic 3` with `$lattice bohr` (cell rows). xtb has no slabs or
 * wires; the caller checks periodicity.
 */
export function formatTurbomoleCoord(atoms: Atoms, periodic: boolean): string {
  const positions = angstromToBohr(atoms.positions);
  const lines = ['$coord'];
  for (let a = 0; a < atoms.length; a++) {
    lines.push(
      `${formatRow(positions, 3 * a)}  ${chemicalSymbol(atoms.numbers[a]!).toLowerCase()}`,
    );
  }
  if (periodic) {
    const cell = angstromToBohr(atoms.cell);
    lines.push('$periodic 3', '$lattice bohr');
    for (let i = 0; i < 3; i++) lines.push(formatRow(cell, 3 * i));
  }
  lines.push('$end', '');
  return lines.join('\n');
}
