import { type Atoms, type Calculator, InvalidInputError } from '@mlff-distiller/core';
import { Langevin, maxwellBoltzmann } from '@mlff-distiller/md';
import { shortestDistance } from './shortest-distance.js';
import { statisticalInefficiency } from './statistical-inefficiency.js';

/** Teacher-driven Langevin MD, one trajectory per start structure and temperature. */
export interface MdSamplingOptions {
  /** Bath temperatures in K; one trajectory per start structure and temperature. */
  temperatures: readonly number[];
  /** Production steps per trajectory (after equilibration). */
  steps: number;
  /** Steps run before frames are kept; default `steps / 5`. */
  equilibrationSteps?: number;
  /** Time step in fs; default 0.5. */
  timestep?: number;
  /** Langevin friction in 1/fs; default 0.02 (a 50 fs velocity relaxation time). */
  friction?: number;
  /**
   * A candidate frame is taken every `stride` steps (default 10); candidates are then
   * thinned to one per statistical inefficiency of the potential energy, so kept frames
   * are effectively uncorrelated.
   */
  stride?: number;
  /** At most this many frames per trajectory (evenly spaced among the decorrelated ones). */
  maxFrames?: number;
}

/** What one trajectory produced. */
export interface MdTrajectorySample {
  /** Kept frames (copies, velocities dropped), with `info.sample*` tags. */
  frames: Atoms[];
  /** Statistical inefficiency of the potential energy, in candidate frames. */
  inefficiency: number;
  /** Candidates rejected for atoms closer than the minimum distance or a non-finite energy. */
  rejected: number;
}

/**
 * Runs one Langevin trajectory with the teacher from `start` at `temperature` K, keeps a
 * candidate frame every `stride` steps of production, and returns the candidates thinned by
 * the statistical inefficiency g of their potential energies (every ⌈g⌉-th), minus frames
 * with atoms closer than `minDistance` Å. Deterministic for a given seed.
 *
 * @param onSteps called with the number of MD steps just taken (for progress).
 */
export async function sampleTrajectory(
  start: Atoms,
  calculator: Calculator,
  temperature: number,
  options: MdSamplingOptions & { seed: number; minDistance: number },
  onSteps?: (steps: number) => void,
): Promise<MdTrajectorySample> {
  const stride = options.stride ?? 10;
  if (!Number.isInteger(options.steps) || options.steps < stride) {
    throw new InvalidInputError(
      `MD sampling needs at least one stride of production steps (steps ${options.steps}, stride ${stride})`,
    );
  }
  const atoms = start.copy();
  maxwellBoltzmann(atoms, temperature, { seed: options.seed });
  const md = new Langevin(atoms, calculator, {
    timestep: options.timestep ?? 0.5,
    temperature,
    friction: options.friction ?? 0.02,
    seed: options.seed,
  });
  const equilibration = options.equilibrationSteps ?? Math.floor(options.steps / 5);
  await md.run(equilibration);
  onSteps?.(equilibration);
  const candidates: Atoms[] = [];
  const energies: number[] = [];
  let step = 0;
  while (step < options.steps) {
    await md.run(stride);
    step += stride;
    onSteps?.(stride);
    const frame = md.atoms.copy();
    frame.velocities = null;
    frame.info = {
      ...frame.info,
      sample: 'md',
      sample_temperature: temperature,
      sample_step: step,
    };
    candidates.push(frame);
    energies.push(md.potentialEnergy);
  }
  const inefficiency = statisticalInefficiency(energies);
  const every = Math.ceil(inefficiency);
  let kept: Atoms[] = [];
  let rejected = 0;
  for (let k = every - 1; k < candidates.length; k += every) {
    const frame = candidates[k]!;
    if (
      !Number.isFinite(energies[k]!) ||
      shortestDistance(frame, options.minDistance) < options.minDistance
    ) {
      rejected++;
      continue;
    }
    kept.push(frame);
  }
  if (options.maxFrames !== undefined && kept.length > options.maxFrames) {
    const spaced: Atoms[] = [];
    for (let k = 0; k < options.maxFrames; k++) {
      spaced.push(kept[Math.floor(((k + 0.5) * kept.length) / options.maxFrames)]!);
    }
    kept = spaced;
  }
  return { frames: kept, inefficiency, rejected };
}
