import {
  type Atoms,
  type Calculator,
  EV_PER_A_AMU_TO_A_PER_FS2,
  InvalidInputError,
  kB,
  type PropertyName,
  traceBegin,
  traceEnd,
} from '@mlff-distiller/core';
import { SimulationInstabilityError } from './md-errors.js';

/** Options every integrator takes. */
export interface MolecularDynamicsOptions {
  /** Time step in fs (positive). */
  timestep: number;
}

/** A callback run between steps; it may read (and, with care, change) `md.atoms`. */
export type ObserverFunction = (md: MolecularDynamics) => void | Promise<void>;

/** An object observer (loggers, trajectory writers): its `observe` is called between steps. */
export interface ObserverObject {
  /** Called with the dynamics after every `interval` steps (and at step 0). */
  observe(md: MolecularDynamics): void | Promise<void>;
}

/** What {@link MolecularDynamics.attach} accepts. */
export type Observer = ObserverFunction | ObserverObject;

/** A predicate checked after the observers of each step; true ends the run early. */
export type StopCondition = (md: MolecularDynamics) => boolean | Promise<boolean>;

/** What {@link MolecularDynamics.run} reports. */
export interface RunResult {
  /** Steps taken by this call. */
  steps: number;
  /** True when a stop condition (or {@link MolecularDynamics.requestStop}) ended the run early. */
  stopped: boolean;
  /** Why the run stopped early, when known. */
  reason?: string;
}

/** The calculator results the integrator keeps between steps (units as in core's CalculatorResults). */
export interface StepResults {
  /** Potential energy in eV, when the calculator implements `energy`. */
  energy?: number;
  /** Forces in eV/Å, length 3N, at the current positions. */
  forces: Float64Array;
  /** Stress in eV/Å³ (Voigt xx yy zz yz xz xy, ASE's sign, no kinetic part), when it was computed. */
  stress?: Float64Array;
}

interface AttachedObserver {
  call: ObserverFunction;
  interval: number;
}

/**
 * The base of every integrator, in the manner of ASE's `MolecularDynamics` and OpenMM's
 * integrator plus reporters: it holds the atoms, the calculator, the time step (fs), the step
 * counter and the simulated time (fs), runs observers every N steps and checks stop
 * conditions. Subclasses implement {@link integrate}, one step.
 *
 * One force evaluation per step: forces (with energy, and stress when the integrator needs
 * it) are computed once at the end of a step and kept for the start of the next. If the atoms'
 * positions, cell or pbc are changed from outside between steps (an observer, the user between
 * runs), the cache notices and recomputes.
 *
 * Velocities live on the atoms in Å/fs; an atoms object without velocities gets zeros. The
 * calculator is asynchronous; `run` awaits it.
 */
export abstract class MolecularDynamics {
  /** The structure being integrated; positions, velocities (and the cell, at constant pressure) change in place. */
  readonly atoms: Atoms;
  /** Source of forces, energy and (for barostats) stress. */
  readonly calculator: Calculator;
  /** Steps taken since construction. */
  nSteps = 0;
  /** Simulated time in fs since construction (the sum of the time steps taken). */
  time = 0;

  private dt: number;
  private readonly observers: AttachedObserver[] = [];
  private readonly stopConditions: StopCondition[] = [];
  private stopReason: string | null = null;
  private observedStep = -1;
  private running = false;
  private cached: StepResults | null = null;
  private cachedPositions: Float64Array | null = null;
  private cachedCell: Float64Array | null = null;
  private cachedPbc: boolean[] = [];
  private readonly extraProperties = new Set<PropertyName>();

  /**
   * @param atoms the structure; its velocities (Å/fs) are the initial condition.
   * @param calculator any core Calculator implementing `forces` (and `stress` for barostats).
   * @param options the time step in fs.
   */
  constructor(atoms: Atoms, calculator: Calculator, options: MolecularDynamicsOptions) {
    if (!calculator.implementedProperties.includes('forces')) {
      throw new InvalidInputError(
        `${calculator.name} does not implement forces: it cannot drive molecular dynamics`,
      );
    }
    atoms.validate();
    this.atoms = atoms;
    this.calculator = calculator;
    this.dt = checkTimestep(options.timestep);
    if (!atoms.velocities) atoms.velocities = new Float64Array(3 * atoms.length);
  }

  /** Time step in fs; may be changed between runs (thermostat coefficients follow). */
  get timestep(): number {
    return this.dt;
  }

  set timestep(fs: number) {
    this.dt = checkTimestep(fs);
  }

  /**
   * Number of degrees of freedom used for the temperature ({@link getTemperature}, the
   * loggers): 3N here, as ASE's `get_temperature`; thermostats that conserve the total
   * momentum report 3N − 3.
   */
  get degreesOfFreedom(): number {
    return 3 * this.atoms.length;
  }

  /** Instantaneous temperature in K: 2·Ekin / (degreesOfFreedom · kB). */
  getTemperature(): number {
    const dof = this.degreesOfFreedom;
    return dof > 0 ? (2 * this.atoms.getKineticEnergy()) / (dof * kB) : 0;
  }

  /**
   * The results of the last force evaluation, at the current positions once a run has
   * started (null before). The arrays belong to the integrator: copy them to keep them.
   */
  get results(): Readonly<StepResults> | null {
    return this.cached;
  }

  /** Potential energy in eV at the current positions (NaN when unknown or not implemented). */
  get potentialEnergy(): number {
    return this.cached?.energy ?? Number.NaN;
  }

  /**
   * Total energy Epot + Ekin in eV plus whatever the thermostat or barostat has taken out
   * of the system (eV): constant along an exact trajectory, so its drift measures
   * integration error. For NVE this is the total energy; NaN where the integrator tracks
   * none (the first-order NPT barostat) or the calculator gives no energy.
   */
  getConservedEnergy(): number {
    return this.potentialEnergy + this.atoms.getKineticEnergy() + this.reservoirEnergy();
  }

  /** Energy in eV held by the thermostat/barostat variables or exchanged with the bath; 0 for NVE. */
  protected reservoirEnergy(): number {
    return 0;
  }

  /**
   * Attaches an observer, called after every `interval` steps (when the step count is a
   * multiple of it) and once before the first step, as ASE's `dyn.attach`. Returns a
   * function that detaches it.
   */
  attach(observer: Observer, interval = 1): () => void {
    if (!Number.isInteger(interval) || interval < 1) {
      throw new InvalidInputError(
        `an observer interval must be a positive integer number of steps, got ${interval}`,
      );
    }
    const call: ObserverFunction =
      typeof observer === 'function' ? observer : (md) => observer.observe(md);
    const entry = { call, interval };
    this.observers.push(entry);
    return () => {
      const i = this.observers.indexOf(entry);
      if (i >= 0) this.observers.splice(i, 1);
    };
  }

  /**
   * Adds a stop condition, checked after the observers of every step (and before the first
   * step of a run); the run ends at the first step where one returns true. Returns a
   * function that removes it.
   */
  stopWhen(condition: StopCondition): () => void {
    this.stopConditions.push(condition);
    return () => {
      const i = this.stopConditions.indexOf(condition);
      if (i >= 0) this.stopConditions.splice(i, 1);
    };
  }

  /** Asks the current run to end after the step in progress (from an observer, for example). */
  requestStop(reason = 'stop requested'): void {
    this.stopReason = reason;
  }

  /**
   * Asks the integrator to compute these properties with the forces at every step (say,
   * `stress` for a logger that prints the pressure), so that reading them costs no
   * extra calculator call.
   */
  requestProperties(properties: readonly PropertyName[]): void {
    for (const p of properties) this.extraProperties.add(p);
  }

  /**
   * Runs `steps` steps (a non-negative integer). Observers run after each step whose count
   * is a multiple of their interval, and at the start when the current step has not been
   * observed yet (step 0 of the first run). Resolves when the steps are done or a stop
   * condition holds.
   */
  async run(steps: number): Promise<RunResult> {
    if (!Number.isInteger(steps) || steps < 0) {
      throw new InvalidInputError(
        `the number of steps must be a non-negative integer, got ${steps}`,
      );
    }
    if (this.running)
      throw new InvalidInputError('this integrator is already running: await the first run');
    this.running = true;
    this.stopReason = null;
    try {
      await this.ensureForces();
      if (this.observedStep !== this.nSteps) await this.callObservers(true);
      let done = 0;
      let reason = await this.checkStop();
      while (reason === null && done < steps) {
        traceBegin('md.step');
        try {
          await this.ensureForces();
          await this.integrate();
        } finally {
          traceEnd('md.step');
        }
        this.nSteps++;
        this.time += this.dt;
        done++;
        traceBegin('md.observers');
        try {
          await this.callObservers(false);
          reason = await this.checkStop();
        } finally {
          traceEnd('md.observers');
        }
      }
      return reason === null
        ? { steps: done, stopped: false }
        : { steps: done, stopped: true, reason };
    } finally {
      this.running = false;
    }
  }

  /**
   * One integration step of `timestep` fs. On entry {@link forces} holds the forces at the
   * current positions; on exit it must hold the forces at the new positions (call
   * {@link computeForces} exactly once, after the last position update).
   */
  protected abstract integrate(): Promise<void>;

  /** Properties the integrator needs at every step besides forces (e.g. `stress`). */
  protected requiredProperties(): readonly PropertyName[] {
    return [];
  }

  /** Forces in eV/Å (length 3N) at the current positions, from the cache. */
  protected get forces(): Float64Array {
    if (!this.cached) throw new Error('forces asked for before they were computed');
    return this.cached.forces;
  }

  /**
   * Evaluates the calculator at the current positions (energy when implemented, forces, and
   * the required properties) and caches the results. Throws SimulationInstabilityError on a
   * non-finite force.
   */
  protected async computeForces(): Promise<Float64Array> {
    const atoms = this.atoms;
    const calc = this.calculator;
    const props: PropertyName[] = [];
    if (calc.implementedProperties.includes('energy')) props.push('energy');
    props.push('forces');
    for (const p of [...this.requiredProperties(), ...this.extraProperties])
      if (!props.includes(p)) props.push(p);
    traceBegin('md.forces');
    try {
      await calc.calculate(atoms, props);
    } finally {
      traceEnd('md.forces');
    }
    const r = calc.results;
    const n3 = 3 * atoms.length;
    const forces = this.cached?.forces.length === n3 ? this.cached.forces : new Float64Array(n3);
    // A copy: a calculator may reuse its result buffers for the next structure.
    forces.set(r.forces!);
    for (let i = 0; i < n3; i++) {
      if (!Number.isFinite(forces[i]!)) {
        throw new SimulationInstabilityError(this.nSteps, `the force on atom ${Math.floor(i / 3)}`);
      }
    }
    const results: StepResults = { forces };
    if (r.energy !== undefined) {
      if (!Number.isFinite(r.energy))
        throw new SimulationInstabilityError(this.nSteps, 'the potential energy');
      results.energy = r.energy;
    }
    if (r.stress !== undefined) results.stress = Float64Array.from(r.stress);
    this.cached = results;
    this.cachedPositions = atoms.positions.slice();
    this.cachedCell = atoms.cell.slice();
    this.cachedPbc = [...atoms.pbc];
    return forces;
  }

  /** Recomputes the forces when the atoms changed since they were computed (or never were). */
  private async ensureForces(): Promise<void> {
    const atoms = this.atoms;
    const fresh =
      this.cached !== null &&
      this.cachedPositions !== null &&
      sameValues(this.cachedPositions, atoms.positions) &&
      sameValues(this.cachedCell!, atoms.cell) &&
      this.cachedPbc.every((p, k) => p === atoms.pbc[k]) &&
      this.requiredProperties().every((p) => p !== 'stress' || this.cached!.stress !== undefined);
    if (!fresh) await this.computeForces();
  }

  /** Drops the cached forces: the next step recomputes them. */
  invalidateForces(): void {
    this.cached = null;
  }

  private async callObservers(all: boolean): Promise<void> {
    this.observedStep = this.nSteps;
    for (const o of [...this.observers]) {
      if (all || this.nSteps % o.interval === 0) await o.call(this);
    }
  }

  private async checkStop(): Promise<string | null> {
    if (this.stopReason !== null) return this.stopReason;
    for (const c of [...this.stopConditions]) {
      if (await c(this)) return this.stopReason ?? 'stop condition met';
    }
    return this.stopReason;
  }

  /**
   * Half a kick: v += (Δt/2)·F/m, with Δt = `dt` fs, F in eV/Å, m in amu, v in Å/fs
   * (the factor units.fs² turns eV/(Å·amu) into Å/fs²).
   */
  protected kick(dt: number): void {
    const v = this.atoms.velocities!;
    const f = this.forces;
    const m = this.atoms.masses;
    const c = dt * EV_PER_A_AMU_TO_A_PER_FS2;
    for (let a = 0; a < m.length; a++) {
      const s = c / m[a]!;
      v[3 * a] += s * f[3 * a]!;
      v[3 * a + 1] += s * f[3 * a + 1]!;
      v[3 * a + 2] += s * f[3 * a + 2]!;
    }
  }

  /** A drift: r += dt·v, with dt in fs and v in Å/fs. */
  protected drift(dt: number): void {
    const r = this.atoms.positions;
    const v = this.atoms.velocities!;
    for (let i = 0; i < r.length; i++) r[i] += dt * v[i]!;
  }
}

function checkTimestep(fs: number): number {
  if (typeof fs !== 'number' || !(fs > 0) || !Number.isFinite(fs)) {
    throw new InvalidInputError(`the time step must be a positive number of fs, got ${fs}`);
  }
  return fs;
}

function sameValues(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
