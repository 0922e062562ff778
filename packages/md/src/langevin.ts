import { type Atoms, type Calculator, kB, Random, units } from '@mlff-distiller/core';
import { checkPositive, checkTemperature } from './checks.js';
import { MolecularDynamics, type MolecularDynamicsOptions } from './molecular-dynamics.js';

/** Options of {@link Langevin}. */
export interface LangevinOptions extends MolecularDynamicsOptions {
  /** Bath temperature in K. */
  temperature: number;
  /** Friction coefficient γ in 1/fs (e.g. 0.01 for a 100 fs relaxation time of the velocities). */
  friction: number;
  /** Seed of the random stream (an integer below 2⁵³); default from the operating system. */
  seed?: number;
}

/**
 * Langevin dynamics, constant NVT, with the BAOAB splitting of Leimkuhler & Matthews (2013),
 * the scheme of OpenMM's `LangevinMiddleIntegrator`: half kick (B), half drift (A), the exact
 * Ornstein–Uhlenbeck update of the velocities v ← c₁·v + √((1 − c₁²)·kT/m)·ξ with
 * c₁ = exp(−γΔt) (O), half drift (A), forces, half kick (B). One force evaluation per step.
 * Configurational averages are accurate to O(Δt²) with a small constant.
 *
 * The noise acts on every atom independently, so the total momentum is not conserved and
 * all 3N degrees of freedom are thermalised: ⟨Ekin⟩ = (3N/2)·kT.
 */
export class Langevin extends MolecularDynamics {
  /** Friction γ in 1/fs. */
  friction: number;
  /** The random stream (its `seed` reproduces the run). */
  readonly random: Random;
  private temperatureK: number;
  /** Kinetic energy in eV taken out by the O steps so far (negative when the bath heated). */
  private heat = 0;

  /**
   * @param atoms structure with initial velocities in Å/fs.
   * @param calculator source of forces in eV/Å.
   * @param options time step (fs), temperature (K), friction (1/fs), seed.
   */
  constructor(atoms: Atoms, calculator: Calculator, options: LangevinOptions) {
    super(atoms, calculator, options);
    this.temperatureK = checkTemperature(options.temperature);
    this.friction = checkPositive(options.friction, 'friction (1/fs)', true);
    this.random = new Random(options.seed);
  }

  /** Bath temperature in K. */
  get temperature(): number {
    return this.temperatureK;
  }

  set temperature(kelvin: number) {
    this.temperatureK = checkTemperature(kelvin);
  }

  protected override reservoirEnergy(): number {
    return this.heat;
  }

  protected async integrate(): Promise<void> {
    const dt = this.timestep;
    this.kick(0.5 * dt);
    this.drift(0.5 * dt);
    this.ornsteinUhlenbeck(dt);
    this.drift(0.5 * dt);
    await this.computeForces();
    this.kick(0.5 * dt);
  }

  /** The O step over `dt` fs: exact for the velocity SDE dv = −γv·dt + √(2γkT/m)·dW. */
  private ornsteinUhlenbeck(dt: number): void {
    const v = this.atoms.velocities!;
    const m = this.atoms.masses;
    const c1 = Math.exp(-this.friction * dt);
    // kT/m in eV/amu is (Å per ASE time unit)²; times units.fs² it is (Å/fs)².
    const c2 = Math.sqrt((1 - c1 * c1) * kB * this.temperatureK) * units.fs;
    const before = this.atoms.getKineticEnergy();
    const rng = this.random;
    for (let a = 0; a < m.length; a++) {
      const s = c2 / Math.sqrt(m[a]!);
      v[3 * a] = c1 * v[3 * a]! + s * rng.normal();
      v[3 * a + 1] = c1 * v[3 * a + 1]! + s * rng.normal();
      v[3 * a + 2] = c1 * v[3 * a + 2]! + s * rng.normal();
    }
    this.heat += before - this.atoms.getKineticEnergy();
  }
}
