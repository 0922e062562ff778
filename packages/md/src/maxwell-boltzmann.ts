import { type Atoms, kB, Random, units } from '@mlff-distiller/core';
import { checkTemperature } from './checks.js';
import { removeAngularMomentum, removeCenterOfMassMomentum } from './momentum.js';

/** Options of {@link maxwellBoltzmann}. */
export interface MaxwellBoltzmannOptions {
  /** Seed of the random stream (an integer below 2⁵³); default from the operating system. Ignored when `random` is given. */
  seed?: number;
  /** A random stream to draw from instead of a new one seeded with `seed`. */
  random?: Random;
  /** Set the total momentum to zero (default true). */
  removeMomentum?: boolean;
  /**
   * Set the angular momentum about the centre of mass to zero. Default: true when no axis is
   * periodic (molecules, clusters), false otherwise (rotation is not a motion of a crystal).
   */
  removeRotation?: boolean;
  /**
   * Rescale the velocities so the temperature over the remaining degrees of freedom is
   * exactly the target (default false: a canonical draw, whose temperature fluctuates by
   * a relative √(2/Nf)).
   */
  exactTemperature?: boolean;
}

/** What {@link maxwellBoltzmann} reports. */
export interface MaxwellBoltzmannResult {
  /** Degrees of freedom left: 3N, minus 3 when the momentum was removed, minus the rotations removed. */
  degreesOfFreedom: number;
  /** Temperature of the new velocities in K over those degrees of freedom: 2·Ekin / (Nf·kB). */
  temperature: number;
  /** The seed used (to reproduce the draw). */
  seed: number;
}

/**
 * Sets the atoms' velocities (Å/fs) to a draw from the Maxwell–Boltzmann distribution at
 * `temperature` K: each Cartesian component Gaussian with variance kT/m. Then, by default,
 * removes the total momentum (and, for non-periodic systems, the angular momentum), and
 * optionally rescales to the exact temperature. Reproducible: the same seed gives the same
 * velocities.
 *
 * The temperature it reports counts only the degrees of freedom left; ASE's
 * `atoms.get_temperature()` (core's `getTemperature()`) divides by 3N and so reads lower by a
 * factor Nf/3N.
 */
export function maxwellBoltzmann(
  atoms: Atoms,
  temperature: number,
  options: MaxwellBoltzmannOptions = {},
): MaxwellBoltzmannResult {
  checkTemperature(temperature);
  const random = options.random ?? new Random(options.seed);
  const n = atoms.length;
  const m = atoms.masses;
  const v = new Float64Array(3 * n);
  // √(kT/m) with kT in eV and m in amu is in Å per ASE time unit; × units.fs gives Å/fs.
  const kT = kB * temperature;
  for (let a = 0; a < n; a++) {
    const s = Math.sqrt(kT / m[a]!) * units.fs;
    v[3 * a] = s * random.normal();
    v[3 * a + 1] = s * random.normal();
    v[3 * a + 2] = s * random.normal();
  }
  atoms.velocities = v;
  let dof = 3 * n;
  if ((options.removeMomentum ?? true) && n > 0) {
    removeCenterOfMassMomentum(atoms);
    dof -= 3;
  }
  if (options.removeRotation ?? !atoms.pbc.some(Boolean)) dof -= removeAngularMomentum(atoms);
  dof = Math.max(dof, 0);
  const kinetic = atoms.getKineticEnergy();
  if (options.exactTemperature && kinetic > 0 && dof > 0) {
    const alpha = Math.sqrt((0.5 * dof * kT) / kinetic);
    for (let i = 0; i < v.length; i++) v[i] *= alpha;
  }
  const t = dof > 0 ? (2 * atoms.getKineticEnergy()) / (dof * kB) : 0;
  return { degreesOfFreedom: dof, temperature: t, seed: random.seed };
}
