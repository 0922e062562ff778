import { chemicalSymbol } from '@mlff-distiller/core';
import type { LabelledStructure } from './labelled-structure.js';

/** Summary of a labelled dataset. */
export interface DatasetStatistics {
  structures: number;
  atoms: number;
  /** Atom count per element symbol. */
  elements: Record<string, number>;
  /** Mean and standard deviation of the energy per atom, eV. */
  energyPerAtom: { mean: number; std: number };
  /** RMS force component and largest |F| of an atom, eV/Å. */
  forces: { rms: number; maxNorm: number };
  /** How many structures carry a stress. */
  withStress: number;
}

/** Counts, elements, energy-per-atom spread and force magnitudes of a dataset. */
export function datasetStatistics(data: readonly LabelledStructure[]): DatasetStatistics {
  const elements: Record<string, number> = {};
  let atoms = 0;
  let sumE = 0;
  let sumE2 = 0;
  let sumF2 = 0;
  let maxNorm = 0;
  let withStress = 0;
  for (const s of data) {
    const n = s.atoms.length;
    atoms += n;
    for (const z of s.atoms.numbers) {
      const sym = chemicalSymbol(z);
      elements[sym] = (elements[sym] ?? 0) + 1;
    }
    const e = s.energy / n;
    sumE += e;
    sumE2 += e * e;
    for (let i = 0; i < n; i++) {
      const fx = s.forces[3 * i]!;
      const fy = s.forces[3 * i + 1]!;
      const fz = s.forces[3 * i + 2]!;
      const f2 = fx * fx + fy * fy + fz * fz;
      sumF2 += f2;
      maxNorm = Math.max(maxNorm, Math.sqrt(f2));
    }
    if (s.stress) withStress++;
  }
  const m = data.length;
  const mean = m > 0 ? sumE / m : 0;
  return {
    structures: m,
    atoms,
    elements,
    energyPerAtom: { mean, std: m > 0 ? Math.sqrt(Math.max(0, sumE2 / m - mean * mean)) : 0 },
    forces: { rms: atoms > 0 ? Math.sqrt(sumF2 / (3 * atoms)) : 0, maxNorm },
    withStress,
  };
}
