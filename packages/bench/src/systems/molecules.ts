import { type Atoms, InvalidInputError, parseExtxyz } from '@mlff-distiller/core';
import { MOLECULES_EXTXYZ } from './molecules.data.js';

/** Names of the shipped molecules, in library order. */
export const MOLECULE_NAMES = [
  'water',
  'methane',
  'ethanol',
  'benzene',
  'aspirin',
  'alanine-dipeptide',
] as const;

/** A molecule of the shipped library. */
export type MoleculeName = (typeof MOLECULE_NAMES)[number];

/** One line per molecule, for listings. */
export const MOLECULE_DESCRIPTIONS: Readonly<Record<MoleculeName, string>> = {
  water: 'H2O, 3 atoms',
  methane: 'CH4, 5 atoms',
  ethanol: 'C2H6O, 9 atoms',
  benzene: 'C6H6, 12 atoms',
  aspirin: 'acetylsalicylic acid C9H8O4, 21 atoms',
  'alanine-dipeptide': 'Ace-Ala-Nme C6H12N2O2, 22 atoms, C7eq conformer',
};

let library: Map<string, Atoms> | undefined;

function loadLibrary(): Map<string, Atoms> {
  if (!library) {
    library = new Map();
    for (const frame of parseExtxyz(MOLECULES_EXTXYZ, { fileName: 'molecules.extxyz' })) {
      library.set(String(frame.atoms.info.name), frame.atoms);
    }
  }
  return library;
}

/** Whether `name` is a molecule of the shipped library. */
export function isMoleculeName(name: string): name is MoleculeName {
  return (MOLECULE_NAMES as readonly string[]).includes(name);
}

/**
 * A fresh copy of a shipped molecule: GFN2-xTB-optimised geometry (positions Å, centre of
 * mass at the origin), no cell, not periodic. `info` carries `name`, `source` and
 * `xtb_energy_hartree` (the GFN2-xTB total energy at that geometry, Hartree). Provenance:
 * src/systems/README.md. Throws InvalidInputError listing the library for an unknown name.
 */
export function buildMolecule(name: string): Atoms {
  const atoms = loadLibrary().get(name);
  if (!atoms) {
    throw new InvalidInputError(
      `unknown molecule "${name}"; the library has: ${MOLECULE_NAMES.join(', ')}`,
    );
  }
  return atoms.copy();
}
