import { type Atoms, type Calculator, InvalidInputError, Random } from '@mlff-distiller/core';
import { shortestDistance } from './shortest-distance.js';

/** Random displacements followed by a few force-guided steps. */
export interface RattleOptions {
  /** Structures to make from each start structure. */
  count: number;
  /** Smallest displacement of an atom in Å; default 0.01. */
  minAmplitude?: number;
  /** Largest displacement of an atom in Å; default 0.1. */
  maxAmplitude?: number;
  /** Force-guided steps after the displacement; default 3. */
  relaxSteps?: number;
  /** Largest move of any atom in one relaxation step, Å; default 0.05. */
  maxStep?: number;
}

/** What {@link rattleAndRelax} produced. */
export interface RattleSample {
  /** Kept structures, with `info.sample` = 'rattle'. */
  frames: Atoms[];
  /** Attempts rejected for atoms closer than the minimum distance. */
  rejected: number;
}

/** Step size of the steepest-descent relaxation in Å²/eV (Å moved per eV/Å of force). */
const STEEPEST_DESCENT_STEP = 0.01;

/**
 * Rattle-and-relax augmentation: displaces every atom of `start` in a random direction by a
 * distance drawn uniformly from [minAmplitude, maxAmplitude] Å, then takes `relaxSteps`
 * steepest-descent steps along the teacher's forces (x ← x + s·F with s = 0.01 Å²/eV, cut so
 * no atom moves more than `maxStep` Å), which pulls the structure back toward the
 * potential-energy surface's low region without reaching the minimum. A structure with two
 * atoms closer than `minDistance` Å, after the displacement or after relaxing, is rejected;
 * at most 3·count attempts are made. Deterministic for a given seed.
 *
 * @param onEvaluation called after every teacher evaluation (for progress).
 */
export async function rattleAndRelax(
  start: Atoms,
  calculator: Calculator,
  options: RattleOptions & { seed: number; minDistance: number },
  onEvaluation?: () => void,
): Promise<RattleSample> {
  const lo = options.minAmplitude ?? 0.01;
  const hi = options.maxAmplitude ?? 0.1;
  const relaxSteps = options.relaxSteps ?? 3;
  const maxStep = options.maxStep ?? 0.05;
  if (!(lo >= 0 && hi >= lo)) {
    throw new InvalidInputError(
      `rattle amplitudes must satisfy 0 ≤ min ≤ max, got ${lo} and ${hi} Å`,
    );
  }
  const random = new Random(options.seed);
  const frames: Atoms[] = [];
  let rejected = 0;
  for (let attempt = 0; attempt < 3 * options.count && frames.length < options.count; attempt++) {
    const atoms = start.copy();
    atoms.velocities = null;
    const x = atoms.positions;
    for (let a = 0; a < atoms.length; a++) {
      const amplitude = lo + (hi - lo) * random.uniform();
      const [ux, uy, uz] = randomDirection(random);
      x[3 * a] = x[3 * a]! + amplitude * ux;
      x[3 * a + 1] = x[3 * a + 1]! + amplitude * uy;
      x[3 * a + 2] = x[3 * a + 2]! + amplitude * uz;
    }
    let tooClose = shortestDistance(atoms, options.minDistance) < options.minDistance;
    for (let s = 0; s < relaxSteps && !tooClose; s++) {
      const forces = await calculator.getForces(atoms);
      onEvaluation?.();
      let largest = 0;
      for (let a = 0; a < atoms.length; a++) {
        largest = Math.max(
          largest,
          Math.hypot(forces[3 * a]!, forces[3 * a + 1]!, forces[3 * a + 2]!),
        );
      }
      if (!Number.isFinite(largest)) {
        tooClose = true;
        break;
      }
      const step = largest > 0 ? Math.min(STEEPEST_DESCENT_STEP, maxStep / largest) : 0;
      for (let k = 0; k < x.length; k++) x[k] = x[k]! + step * forces[k]!;
      tooClose = shortestDistance(atoms, options.minDistance) < options.minDistance;
    }
    if (tooClose) {
      rejected++;
      continue;
    }
    atoms.info = { ...atoms.info, sample: 'rattle' };
    frames.push(atoms);
  }
  return { frames, rejected };
}

/** A direction uniform on the unit sphere. */
function randomDirection(random: Random): [number, number, number] {
  const z = 2 * random.uniform() - 1;
  const phi = 2 * Math.PI * random.uniform();
  const r = Math.sqrt(1 - z * z);
  return [r * Math.cos(phi), r * Math.sin(phi), z];
}
