import { type Atoms, type Calculator, InvalidInputError, kB, Random } from '@mlff-distiller/core';
import { checkPositive, checkTemperature } from './checks.js';
import {
  MolecularDynamics,
  type MolecularDynamicsOptions,
  type RunResult,
} from './molecular-dynamics.js';
import { removeCenterOfMassMomentum } from './momentum.js';

/** Options of {@link Bussi}. */
export interface BussiOptions extends MolecularDynamicsOptions {
  /** Bath temperature in K. */
  temperature: number;
  /** Relaxation time τ of the kinetic energy in fs (0: instantaneous rescaling to a canonical draw). */
  taut: number;
  /** Seed of the random stream (an integer below 2⁵³); default from the operating system. */
  seed?: number;
  /**
   * Degrees of freedom the thermostat assigns kT/2 each; default 3N − 3, as the total
   * momentum is conserved (and set to zero, see `removeCenterOfMassMotion`). An isolated
   * molecule with zero angular momentum has 3N − 6.
   */
  degreesOfFreedom?: number;
  /** Set the total momentum to zero at the start of every run (default true). */
  removeCenterOfMassMotion?: boolean;
}

/**
 * The factor α by which the velocities are multiplied in one step of stochastic velocity
 * rescaling (Bussi, Donadio & Parrinello, J. Chem. Phys. 126, 014101 (2007)): the kinetic
 * energy K follows the exact solution over the step of
 * dK = (K̄ − K)·dt/τ + 2·√(K·K̄/Nf)·dW/√τ, drawn as in the authors' reference code
 * (`resamplekin`). The sign of α is that of the rescaled component along the current
 * velocities, √(cK) + √((1 − c)K̄/Nf)·R₁ (nearly always +1), so the update is exact for the
 * velocities and not only for K.
 *
 * @param kinetic current kinetic energy K in eV (positive).
 * @param target target kinetic energy K̄ = Nf·kT/2 in eV.
 * @param dof Nf, a positive integer.
 * @param decay c = exp(−Δt/τ), in [0, 1].
 * @param random the random stream.
 */
export function bussiScalingFactor(
  kinetic: number,
  target: number,
  dof: number,
  decay: number,
  random: Random,
): number {
  const r1 = random.normal();
  const rest = random.chiSquared(dof - 1);
  const c = decay;
  const next =
    kinetic +
    (1 - c) * ((target * (rest + r1 * r1)) / dof - kinetic) +
    2 * r1 * Math.sqrt((c * (1 - c) * kinetic * target) / dof);
  const sign = r1 + Math.sqrt((c * dof * kinetic) / ((1 - c) * target)) < 0 ? -1 : 1;
  return sign * Math.sqrt(next / kinetic);
}

/**
 * Stochastic velocity rescaling thermostat (Bussi–Donadio–Parrinello 2007), constant NVT:
 * half a rescaling over Δt/2, a velocity Verlet step, half a rescaling, as in Bussi's
 * reference implementation. Samples the canonical ensemble with smooth, global velocity
 * changes (dynamical properties are barely perturbed for τ ≫ Δt); one force evaluation per
 * step.
 *
 * Rescaling preserves the direction of the total momentum: with zero total momentum it stays
 * zero, and ⟨Ekin⟩ = (Nf/2)·kT with Nf = 3N − 3 by default.
 */
export class Bussi extends MolecularDynamics {
  /** Relaxation time τ in fs. */
  taut: number;
  /** The random stream (its `seed` reproduces the run). */
  readonly random: Random;
  private temperatureK: number;
  private readonly dof: number;
  private readonly removeCom: boolean;
  private heat = 0;

  /**
   * @param atoms structure with initial velocities in Å/fs.
   * @param calculator source of forces in eV/Å.
   * @param options time step (fs), temperature (K), taut (fs), seed, degrees of freedom.
   */
  constructor(atoms: Atoms, calculator: Calculator, options: BussiOptions) {
    super(atoms, calculator, options);
    this.temperatureK = checkTemperature(options.temperature);
    this.taut = checkPositive(options.taut, 'taut (fs)', true);
    this.random = new Random(options.seed);
    this.removeCom = options.removeCenterOfMassMotion ?? true;
    this.dof = options.degreesOfFreedom ?? Math.max(1, 3 * atoms.length - 3);
    if (!Number.isInteger(this.dof) || this.dof < 1) {
      throw new InvalidInputError(`degrees of freedom must be a positive integer, got ${this.dof}`);
    }
  }

  /** Bath temperature in K. */
  get temperature(): number {
    return this.temperatureK;
  }

  set temperature(kelvin: number) {
    this.temperatureK = checkTemperature(kelvin);
  }

  /** The thermostat's Nf (3N − 3 unless given). */
  override get degreesOfFreedom(): number {
    return this.dof;
  }

  protected override reservoirEnergy(): number {
    return this.heat;
  }

  override async run(steps: number): Promise<RunResult> {
    if (this.removeCom) removeCenterOfMassMomentum(this.atoms);
    return super.run(steps);
  }

  protected async integrate(): Promise<void> {
    const dt = this.timestep;
    this.rescale(0.5 * dt);
    this.kick(0.5 * dt);
    this.drift(dt);
    await this.computeForces();
    this.kick(0.5 * dt);
    this.rescale(0.5 * dt);
  }

  private rescale(dt: number): void {
    this.heat += rescaleVelocities(
      this.atoms,
      this.temperatureK,
      this.dof,
      dt,
      this.taut,
      this.random,
    );
  }
}

/**
 * Applies one stochastic-velocity-rescaling update over `dt` fs to the atoms' velocities and
 * returns the kinetic energy removed, in eV. Does nothing while the kinetic energy is zero (the
 * direction of the velocities is undefined; the next kick makes it non-zero).
 */
export function rescaleVelocities(
  atoms: Atoms,
  temperature: number,
  dof: number,
  dt: number,
  taut: number,
  random: Random,
): number {
  const kinetic = atoms.getKineticEnergy();
  if (!(kinetic > 0)) return 0;
  const decay = taut > 0 ? Math.exp(-dt / taut) : 0;
  const alpha = bussiScalingFactor(kinetic, 0.5 * dof * kB * temperature, dof, decay, random);
  const v = atoms.velocities!;
  for (let i = 0; i < v.length; i++) v[i] *= alpha;
  return kinetic * (1 - alpha * alpha);
}
