import { type Atoms, InvalidInputError } from '@mlff-distiller/core';

/** Charge and unpaired electrons for one structure. */
export interface StructureCharge {
  /** Total charge in e. */
  charge: number;
  /** Unpaired electrons, or undefined for "by the parity of the electron count". */
  uhf: number | undefined;
}

function integerInfo(atoms: Atoms, key: string, min: number): number | undefined {
  const value = atoms.info[key];
  if (value === undefined) return undefined;
  const x = typeof value === 'string' ? Number(value) : value;
  if (typeof x !== 'number' || !Number.isInteger(x) || x < min) {
    throw new InvalidInputError(
      `the structure's info "${key}" must be an integer${min > -Infinity ? ` ≥ ${min}` : ''}, got ${JSON.stringify(value)}`,
    );
  }
  return x;
}

/**
 * The charge and unpaired electrons to use for `atoms`: its `info.charge` and `info.uhf`
 * (as an extxyz comment line `charge=-1 uhf=0` carries them) when present, otherwise the
 * calculator's settings. A dataset of ions and neutral molecules then labels in one job.
 */
export function structureCharge(atoms: Atoms, defaults: StructureCharge): StructureCharge {
  const charge = integerInfo(atoms, 'charge', Number.NEGATIVE_INFINITY);
  const uhf = integerInfo(atoms, 'uhf', 0);
  if (charge === undefined && uhf === undefined) return defaults;
  return {
    charge: charge ?? defaults.charge,
    // A structure that sets its charge but not uhf gets uhf from the parity of its electrons.
    uhf: uhf ?? (charge === undefined ? defaults.uhf : undefined),
  };
}
