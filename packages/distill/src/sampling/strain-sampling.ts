import { type Atoms, InvalidInputError, Random } from '@mlff-distiller/core';
import { shortestDistance } from './shortest-distance.js';

/** Random homogeneous strains of periodic structures. */
export interface StrainOptions {
  /** Structures to make from each periodic start structure. */
  count: number;
  /** Largest strain component (dimensionless); default 0.02 (2 %). */
  maxStrain?: number;
}

/**
 * Strain sampling for periodic systems: applies `count` random symmetric strains ε (each
 * component uniform in [−maxStrain, maxStrain]) to the cell, h′ = h·(I + ε) with lattice
 * vectors as rows, atoms keeping their fractional coordinates. Teaches the student the
 * stress response around the start cell. Start structures with no periodic axis give none.
 * Deterministic for a given seed.
 */
export function sampleStrains(
  start: Atoms,
  options: StrainOptions & { seed: number; minDistance: number },
): { frames: Atoms[]; rejected: number } {
  if (!start.pbc.some(Boolean)) return { frames: [], rejected: 0 };
  const maxStrain = options.maxStrain ?? 0.02;
  if (!(maxStrain > 0 && maxStrain < 0.5)) {
    throw new InvalidInputError(`the largest strain must be in (0, 0.5), got ${maxStrain}`);
  }
  const random = new Random(options.seed);
  const frames: Atoms[] = [];
  let rejected = 0;
  for (let k = 0; k < options.count; k++) {
    const e = new Float64Array(9);
    for (let i = 0; i < 3; i++) {
      for (let j = i; j < 3; j++) {
        const value = maxStrain * (2 * random.uniform() - 1);
        e[3 * i + j] = value;
        e[3 * j + i] = value;
      }
    }
    const h = start.cell;
    const strained = new Float64Array(9);
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 3; c++) {
        let sum = h[3 * r + c]!;
        for (let m = 0; m < 3; m++) sum += h[3 * r + m]! * e[3 * m + c]!;
        strained[3 * r + c] = sum;
      }
    }
    const atoms = start.copy();
    atoms.velocities = null;
    atoms.setCell(strained, true);
    if (shortestDistance(atoms, options.minDistance) < options.minDistance) {
      rejected++;
      continue;
    }
    atoms.info = { ...atoms.info, sample: 'strain' };
    frames.push(atoms);
  }
  return { frames, rejected };
}
