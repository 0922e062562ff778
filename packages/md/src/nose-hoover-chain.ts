import { type Atoms, type Calculator, InvalidInputError, kB } from '@mlff-distiller/core';
import { checkPositive, checkTemperature } from './checks.js';
import {
  MolecularDynamics,
  type MolecularDynamicsOptions,
  type RunResult,
} from './molecular-dynamics.js';
import { removeCenterOfMassMomentum } from './momentum.js';

/** Orders of the Suzuki–Yoshida factorisation {@link NoseHooverChain} supports. */
export type SuzukiYoshidaOrder = 1 | 3 | 5 | 7;

/** Suzuki–Yoshida weights by order; each list sums to 1. */
const SUZUKI_YOSHIDA: Record<SuzukiYoshidaOrder, readonly number[]> = (() => {
  const w3 = 1 / (2 - 2 ** (1 / 3));
  const w5 = 1 / (4 - 4 ** (1 / 3));
  const w7 = [0.78451361047756, 0.235573213359357, -1.17767998417887];
  const w7c = 1 - 2 * (w7[0]! + w7[1]! + w7[2]!);
  return {
    1: [1],
    3: [w3, 1 - 2 * w3, w3],
    5: [w5, w5, 1 - 4 * w5, w5, w5],
    7: [w7[0]!, w7[1]!, w7[2]!, w7c, w7[2]!, w7[1]!, w7[0]!],
  };
})();

/** Options of {@link NoseHooverChain}. */
export interface NoseHooverChainOptions extends MolecularDynamicsOptions {
  /** Bath temperature in K. */
  temperature: number;
  /** Thermostat period τ in fs (masses Q₁ = Nf·kT·τ², Qⱼ = kT·τ²); 50–100 time steps is typical. */
  tdamp: number;
  /** Number of thermostats in the chain (default 3). */
  chainLength?: number;
  /** Substeps n_c of the chain propagator per half step (default 1). */
  chainSteps?: number;
  /** Order of the Suzuki–Yoshida factorisation of each substep (default 3). */
  yoshidaOrder?: SuzukiYoshidaOrder;
  /** Degrees of freedom Nf; default 3N − 3 (the total momentum is conserved, and set to zero). */
  degreesOfFreedom?: number;
  /** Set the total momentum to zero at the start of every run (default true). */
  removeCenterOfMassMotion?: boolean;
}

/**
 * Nosé–Hoover chain thermostat, constant NVT (Martyna, Klein & Tuckerman, J. Chem. Phys. 97,
 * 2635 (1992)), integrated with the Trotter factorisation of Martyna, Tuckerman, Tobias &
 * Klein, Mol. Phys. 87, 1117 (1996): half a chain propagation over Δt/2 (n_c substeps, each
 * a Suzuki–Yoshida composition), a velocity Verlet step, half a chain propagation. The chain
 * update is time-reversible and the extended energy
 * H' = Ekin + Epot + Σ ½Qⱼ·ηⱼ'² + Nf·kT·η₁ + kT·Σ_{j≥2} ηⱼ
 * ({@link getConservedEnergy}) is conserved to O(Δt²). One force evaluation per step.
 *
 * Deterministic: ergodicity relies on the chain (use a liquid or ≥ 3 thermostats for stiff,
 * nearly harmonic systems). Thermostat velocities are in 1/fs, masses in eV·fs².
 */
export class NoseHooverChain extends MolecularDynamics {
  /** Thermostat positions ηⱼ (dimensionless), length chainLength. */
  readonly eta: Float64Array;
  /** Thermostat velocities ηⱼ' in 1/fs, length chainLength. */
  readonly etaVelocity: Float64Array;
  private temperatureK: number;
  private tau: number;
  private readonly dof: number;
  private readonly chainSteps: number;
  private readonly weights: readonly number[];
  private readonly removeCom: boolean;
  private readonly Q: Float64Array;

  /**
   * @param atoms structure with initial velocities in Å/fs.
   * @param calculator source of forces in eV/Å.
   * @param options time step (fs), temperature (K), tdamp (fs), chain settings.
   */
  constructor(atoms: Atoms, calculator: Calculator, options: NoseHooverChainOptions) {
    super(atoms, calculator, options);
    this.temperatureK = checkTemperature(options.temperature);
    this.tau = checkPositive(options.tdamp, 'tdamp (fs)');
    const M = options.chainLength ?? 3;
    if (!Number.isInteger(M) || M < 1)
      throw new InvalidInputError(`chainLength must be a positive integer, got ${M}`);
    this.chainSteps = options.chainSteps ?? 1;
    if (!Number.isInteger(this.chainSteps) || this.chainSteps < 1) {
      throw new InvalidInputError(`chainSteps must be a positive integer, got ${this.chainSteps}`);
    }
    const order = options.yoshidaOrder ?? 3;
    const weights = SUZUKI_YOSHIDA[order];
    if (!weights) throw new InvalidInputError(`yoshidaOrder must be 1, 3, 5 or 7, got ${order}`);
    this.weights = weights;
    this.dof = options.degreesOfFreedom ?? Math.max(1, 3 * atoms.length - 3);
    if (!(this.dof > 0))
      throw new InvalidInputError(`degrees of freedom must be positive, got ${this.dof}`);
    this.removeCom = options.removeCenterOfMassMotion ?? true;
    this.eta = new Float64Array(M);
    this.etaVelocity = new Float64Array(M);
    this.Q = new Float64Array(M);
    this.updateMasses();
  }

  /** Bath temperature in K (the chain masses follow). */
  get temperature(): number {
    return this.temperatureK;
  }

  set temperature(kelvin: number) {
    this.temperatureK = checkTemperature(kelvin);
    this.updateMasses();
  }

  /** Thermostat period in fs (the chain masses follow). */
  get tdamp(): number {
    return this.tau;
  }

  set tdamp(fs: number) {
    this.tau = checkPositive(fs, 'tdamp (fs)');
    this.updateMasses();
  }

  /** The thermostat's Nf (3N − 3 unless given). */
  override get degreesOfFreedom(): number {
    return this.dof;
  }

  override async run(steps: number): Promise<RunResult> {
    if (this.removeCom) removeCenterOfMassMomentum(this.atoms);
    return super.run(steps);
  }

  /** Kinetic and potential energy of the chain in eV: Σ ½Qⱼηⱼ'² + Nf·kT·η₁ + kT·Σ_{j≥2} ηⱼ. */
  protected override reservoirEnergy(): number {
    const kT = kB * this.temperatureK;
    let e = 0;
    for (let j = 0; j < this.eta.length; j++) {
      e += 0.5 * this.Q[j]! * this.etaVelocity[j]! ** 2;
      e += (j === 0 ? this.dof : 1) * kT * this.eta[j]!;
    }
    return e;
  }

  protected async integrate(): Promise<void> {
    const dt = this.timestep;
    this.propagateChain(0.5 * dt);
    this.kick(0.5 * dt);
    this.drift(dt);
    await this.computeForces();
    this.kick(0.5 * dt);
    this.propagateChain(0.5 * dt);
  }

  private updateMasses(): void {
    // A zero temperature would give massless thermostats; use a floor that keeps them finite.
    const kT = kB * Math.max(this.temperatureK, 1e-6);
    const tau2 = this.tau * this.tau;
    for (let j = 0; j < this.Q.length; j++) this.Q[j] = (j === 0 ? this.dof : 1) * kT * tau2;
  }

  /** The force on thermostat j in 1/fs², given the particles' kinetic energy K in eV. */
  private chainForce(j: number, kinetic: number): number {
    const kT = kB * this.temperatureK;
    if (j === 0) return (2 * kinetic - this.dof * kT) / this.Q[0]!;
    return (this.Q[j - 1]! * this.etaVelocity[j - 1]! ** 2 - kT) / this.Q[j]!;
  }

  /**
   * exp(iL_NHC·t): the chain and the particle velocities over `t` fs, as n_c substeps of
   * Suzuki–Yoshida compositions. Each substep of length h: the thermostat velocities from
   * the end of the chain down (kicks of h/2 between friction factors exp(−h/4·ηⱼ₊₁')), the
   * particle velocities scaled by exp(−h·η₁') and the positions ηⱼ advanced, then the chain
   * back up.
   */
  private propagateChain(t: number): void {
    const M = this.eta.length;
    const vEta = this.etaVelocity;
    let kinetic = this.atoms.getKineticEnergy();
    let scale = 1;
    for (let c = 0; c < this.chainSteps; c++) {
      for (const w of this.weights) {
        const h = (w * t) / this.chainSteps;
        vEta[M - 1] += 0.5 * h * this.chainForce(M - 1, kinetic);
        for (let j = M - 2; j >= 0; j--) {
          const e = Math.exp(-0.25 * h * vEta[j + 1]!);
          vEta[j] = (vEta[j]! * e + 0.5 * h * this.chainForce(j, kinetic)) * e;
        }
        const s = Math.exp(-h * vEta[0]!);
        scale *= s;
        kinetic *= s * s;
        for (let j = 0; j < M; j++) this.eta[j] += h * vEta[j]!;
        for (let j = 0; j < M - 1; j++) {
          const e = Math.exp(-0.25 * h * vEta[j + 1]!);
          vEta[j] = (vEta[j]! * e + 0.5 * h * this.chainForce(j, kinetic)) * e;
        }
        vEta[M - 1] += 0.5 * h * this.chainForce(M - 1, kinetic);
      }
    }
    const v = this.atoms.velocities!;
    for (let i = 0; i < v.length; i++) v[i] *= scale;
  }
}
