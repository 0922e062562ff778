import type { Atoms } from '@mlff-distiller/core';

/** A structure with teacher labels: what a student learns from. */
export interface LabelledStructure {
  /** The structure (positions Å, cell Å, pbc, atomic numbers). */
  atoms: Atoms;
  /** Total energy, eV. */
  energy: number;
  /** Forces, eV/Å, length 3N. */
  forces: Float64Array;
  /** Stress, eV/Å³, Voigt (xx yy zz yz xz xy), when the teacher gave one. */
  stress?: Float64Array;
}
