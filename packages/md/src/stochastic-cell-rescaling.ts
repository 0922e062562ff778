import {
  type Atoms,
  type Calculator,
  InvalidInputError,
  kB,
  type PropertyName,
  Random,
  units,
} from '@mlff-distiller/core';
import { rescaleVelocities } from './bussi.js';
import { checkPositive, checkTemperature } from './checks.js';
import {
  MolecularDynamics,
  type MolecularDynamicsOptions,
  type RunResult,
} from './molecular-dynamics.js';
import { removeCenterOfMassMomentum } from './momentum.js';
import { instantaneousPressure, pressureDiagonal } from './pressure.js';

/** How the cell may deform under {@link StochasticCellRescaling}. */
export type CellCoupling = 'isotropic' | 'anisotropic';

/** Options of {@link StochasticCellRescaling}. */
export interface StochasticCellRescalingOptions extends MolecularDynamicsOptions {
  /** Bath temperature in K (thermostat and barostat noise). */
  temperature: number;
  /**
   * Target pressure in GPa. With `coupling: 'anisotropic'`, one value for all three axes or
   * one per Cartesian axis [Pxx, Pyy, Pzz].
   */
  pressure: number | readonly [number, number, number];
  /**
   * Isothermal compressibility β_T in 1/GPa used by the barostat (≈ 0.45 for water,
   * 0.3–2 for rare-gas solids and liquids). A wrong value changes only how fast the
   * volume relaxes, not the distribution sampled.
   */
  compressibility: number;
  /** Barostat relaxation time τp in fs (≥ ~100 time steps is safe). */
  taup: number;
  /** Relaxation time τ of the stochastic-velocity-rescaling thermostat in fs. */
  taut: number;
  /** 'isotropic' (default): one scaling factor; 'anisotropic': one per Cartesian axis. */
  coupling?: CellCoupling;
  /** With anisotropic coupling: which Cartesian axes may change (default all three). */
  mask?: readonly [boolean, boolean, boolean];
  /** Apply the barostat every this many steps, with an n·Δt update (default 1). */
  barostatInterval?: number;
  /** Seed of the random stream (an integer below 2⁵³); default from the operating system. */
  seed?: number;
  /** Degrees of freedom of the thermostat; default 3N − 3 (the total momentum is conserved, and set to zero). */
  degreesOfFreedom?: number;
  /** Set the total momentum to zero at the start of every run (default true). */
  removeCenterOfMassMotion?: boolean;
}

/**
 * Constant NPT: the stochastic cell rescaling barostat of Bernetti & Bussi, J. Chem. Phys.
 * 153, 114107 (2020), with the stochastic-velocity-rescaling thermostat of Bussi et al.
 * (2007), in the first-order ("Euler") form of the authors' reference code and GROMACS's
 * C-rescale. Each step: thermostat over Δt/2; barostat; velocity Verlet; thermostat over Δt/2.
 *
 * Isotropic: the log-volume ε = ln V moves by
 * dε = −(β_T/τp)·(P₀ − P)·dt + √(2·kT·β_T·dt/(V·τp))·ξ,
 * with P the instantaneous pressure (virial from the calculator's stress plus 2Ekin/3V);
 * positions and cell are scaled by e^{dε/3} and velocities by e^{−dε/3}. Anisotropic: each
 * coupled Cartesian axis α moves by dε_α = −(β_T/3τp)·(P₀,α − P_αα)·dt + √(2·kT·β_T·dt/(3V·τp))·ξ_α,
 * which samples the same isothermal–isobaric distribution axis by axis (off-diagonal shape
 * changes are not sampled). The mean instantaneous pressure equals the target.
 *
 * Needs a calculator with `stress` and a three-dimensional periodic cell. The cell changes at
 * every barostat step, so calculators rebuild their neighbour lists; raise `barostatInterval`
 * when that is costly. No conserved energy is tracked for this first-order scheme:
 * {@link getConservedEnergy} returns NaN.
 */
export class StochasticCellRescaling extends MolecularDynamics {
  /** The random stream (its `seed` reproduces the run). */
  readonly random: Random;
  /** Thermostat relaxation time in fs. */
  taut: number;
  /** Barostat relaxation time in fs. */
  taup: number;
  /** Compressibility in 1/GPa. */
  compressibility: number;
  /** Coupling mode. */
  readonly coupling: CellCoupling;
  /** Axes the anisotropic barostat may change. */
  readonly mask: readonly [boolean, boolean, boolean];
  /** Barostat interval in steps. */
  readonly barostatInterval: number;
  private temperatureK: number;
  private targetGPa: [number, number, number];
  private readonly dof: number;
  private readonly removeCom: boolean;

  /**
   * @param atoms periodic structure with a 3-D cell and initial velocities in Å/fs.
   * @param calculator source of forces (eV/Å) and stress (eV/Å³).
   * @param options see {@link StochasticCellRescalingOptions}; pressure in GPa, compressibility in 1/GPa, times in fs.
   */
  constructor(atoms: Atoms, calculator: Calculator, options: StochasticCellRescalingOptions) {
    super(atoms, calculator, options);
    if (!calculator.implementedProperties.includes('stress')) {
      throw new InvalidInputError(
        `${calculator.name} does not implement stress: a barostat needs it`,
      );
    }
    if (!atoms.pbc.every(Boolean) || !(atoms.getVolume() > 0)) {
      throw new InvalidInputError(
        'a barostat needs a periodic structure with a three-dimensional cell',
      );
    }
    this.temperatureK = checkTemperature(options.temperature);
    this.taut = checkPositive(options.taut, 'taut (fs)', true);
    this.taup = checkPositive(options.taup, 'taup (fs)');
    this.compressibility = checkPositive(options.compressibility, 'compressibility (1/GPa)');
    this.coupling = options.coupling ?? 'isotropic';
    if (this.coupling !== 'isotropic' && this.coupling !== 'anisotropic') {
      throw new InvalidInputError(
        `coupling must be 'isotropic' or 'anisotropic', got ${this.coupling}`,
      );
    }
    this.mask = options.mask ?? [true, true, true];
    if (this.coupling === 'isotropic' && !this.mask.every(Boolean)) {
      throw new InvalidInputError("a mask needs coupling: 'anisotropic'");
    }
    this.targetGPa = [0, 0, 0];
    this.pressure = options.pressure;
    this.barostatInterval = options.barostatInterval ?? 1;
    if (!Number.isInteger(this.barostatInterval) || this.barostatInterval < 1) {
      throw new InvalidInputError(
        `barostatInterval must be a positive integer, got ${this.barostatInterval}`,
      );
    }
    this.random = new Random(options.seed);
    this.removeCom = options.removeCenterOfMassMotion ?? true;
    this.dof = options.degreesOfFreedom ?? Math.max(1, 3 * atoms.length - 3);
  }

  /** Bath temperature in K. */
  get temperature(): number {
    return this.temperatureK;
  }

  set temperature(kelvin: number) {
    this.temperatureK = checkTemperature(kelvin);
  }

  /** Target pressure in GPa: one number (isotropic, or equal on all axes), else [Pxx, Pyy, Pzz]. */
  get pressure(): number | [number, number, number] {
    const [x, y, z] = this.targetGPa;
    return x === y && y === z ? x : [x, y, z];
  }

  set pressure(gpa: number | readonly [number, number, number]) {
    const values = typeof gpa === 'number' ? [gpa, gpa, gpa] : [...gpa];
    if (values.length !== 3 || values.some((p) => typeof p !== 'number' || !Number.isFinite(p))) {
      throw new InvalidInputError(
        `the target pressure must be a finite number of GPa (or three), got ${gpa}`,
      );
    }
    if (
      this.coupling === 'isotropic' &&
      typeof gpa !== 'number' &&
      !(values[0] === values[1] && values[1] === values[2])
    ) {
      throw new InvalidInputError("per-axis target pressures need coupling: 'anisotropic'");
    }
    this.targetGPa = values as [number, number, number];
  }

  /** The thermostat's Nf (3N − 3 unless given). */
  override get degreesOfFreedom(): number {
    return this.dof;
  }

  /** Not tracked for this first-order barostat: NaN. */
  override getConservedEnergy(): number {
    return Number.NaN;
  }

  override async run(steps: number): Promise<RunResult> {
    if (this.removeCom) removeCenterOfMassMomentum(this.atoms);
    return super.run(steps);
  }

  protected override requiredProperties(): readonly PropertyName[] {
    return ['stress'];
  }

  protected async integrate(): Promise<void> {
    const dt = this.timestep;
    rescaleVelocities(this.atoms, this.temperatureK, this.dof, 0.5 * dt, this.taut, this.random);
    if (this.nSteps % this.barostatInterval === 0) this.barostat(dt * this.barostatInterval);
    this.kick(0.5 * dt);
    this.drift(dt);
    await this.computeForces();
    this.kick(0.5 * dt);
    rescaleVelocities(this.atoms, this.temperatureK, this.dof, 0.5 * dt, this.taut, this.random);
  }

  /** One barostat update over `dt` fs from the stress at the current positions. */
  private barostat(dt: number): void {
    const atoms = this.atoms;
    const stress = this.results!.stress!;
    const volume = atoms.getVolume();
    const kT = kB * this.temperatureK;
    // β_T in Å³/eV: β[1/GPa]·P[GPa] = β[Å³/eV]·P[eV/Å³].
    const beta = this.compressibility / units.GPa;
    const mu: [number, number, number] = [1, 1, 1];
    if (this.coupling === 'isotropic') {
      const p = instantaneousPressure(atoms, stress);
      const p0 = this.targetGPa[0] * units.GPa;
      const deps =
        (-beta / this.taup) * (p0 - p) * dt +
        Math.sqrt((2 * kT * beta * dt) / (volume * this.taup)) * this.random.normal();
      mu.fill(Math.exp(deps / 3));
    } else {
      const diag = pressureDiagonal(atoms, stress);
      const noise = Math.sqrt((2 * kT * beta * dt) / (3 * volume * this.taup));
      for (let k = 0; k < 3; k++) {
        if (!this.mask[k]) continue;
        const p0 = this.targetGPa[k]! * units.GPa;
        const deps = (-beta / (3 * this.taup)) * (p0 - diag[k]) * dt + noise * this.random.normal();
        mu[k] = Math.exp(deps);
      }
    }
    scaleSystem(atoms, mu);
  }
}

/**
 * Scales Cartesian axis k of the positions and of every cell vector by mu[k], and the
 * velocities by 1/mu[k].
 */
function scaleSystem(atoms: Atoms, mu: readonly [number, number, number]): void {
  const r = atoms.positions;
  const v = atoms.velocities!;
  for (let i = 0; i < r.length; i++) {
    const m = mu[i % 3]!;
    r[i] *= m;
    v[i] /= m;
  }
  const cell = atoms.cell.slice();
  for (let i = 0; i < 9; i++) cell[i] *= mu[i % 3]!;
  atoms.cell = cell;
}
