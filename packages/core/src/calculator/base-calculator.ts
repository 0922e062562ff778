import type { Atoms } from '../atoms.js';
import { PropertyNotImplementedError } from '../errors.js';
import type { Calculator, CalculatorResults, PropertyName, SystemChange } from './calculator.js';

interface AtomsSnapshot {
  positions: Float64Array;
  numbers: Int32Array;
  cell: Float64Array;
  pbc: [boolean, boolean, boolean];
  masses: Float64Array;
}

function sameArray(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A copy of `source`, into `target` when it has the same length. */
function copyInto<T extends Float64Array | Int32Array>(target: T | undefined, source: T): T {
  if (target === undefined || target.length !== source.length) return source.slice() as T;
  target.set(source);
  return target;
}

/**
 * Lists what changed between a snapshot and the atoms (ASE's `check_state`); all changes
 * when there is no snapshot.
 */
function systemChanges(prev: AtomsSnapshot | null, atoms: Atoms): SystemChange[] {
  if (!prev) return ['positions', 'numbers', 'cell', 'pbc', 'masses'];
  const changes: SystemChange[] = [];
  if (!sameArray(prev.positions, atoms.positions)) changes.push('positions');
  if (!sameArray(prev.numbers, atoms.numbers)) changes.push('numbers');
  if (!sameArray(prev.cell, atoms.cell)) changes.push('cell');
  if (prev.pbc.some((p, k) => p !== atoms.pbc[k])) changes.push('pbc');
  if (!sameArray(prev.masses, atoms.masses)) changes.push('masses');
  return changes;
}

/** The changes that invalidate results: masses do not change energies or forces. */
const INVALIDATING: readonly SystemChange[] = ['positions', 'numbers', 'cell', 'pbc'];

/**
 * Base class with ASE's caching semantics. A subclass implements `doCalculate`, which gets
 * the atoms, the properties asked for and what changed since the last call, and returns
 * results (it may return more properties than asked for; they are cached too).
 *
 * Concurrent calls are serialised: a calculator computes one structure at a time.
 */
export abstract class BaseCalculator implements Calculator {
  abstract readonly name: string;
  abstract readonly implementedProperties: readonly PropertyName[];
  readonly parameters: Record<string, unknown> = {};
  results: CalculatorResults = {};
  private snapshot: AtomsSnapshot | null = null;
  /** A dropped snapshot whose arrays the next one reuses (MD calls every step). */
  private spare: AtomsSnapshot | null = null;
  private queue: Promise<void> = Promise.resolve();

  /** Computes properties for atoms; see the class documentation. */
  protected abstract doCalculate(
    atoms: Atoms,
    properties: readonly PropertyName[],
    changes: readonly SystemChange[],
  ): Promise<CalculatorResults> | CalculatorResults;

  calculate(atoms: Atoms, properties: readonly PropertyName[] = ['energy']): Promise<void> {
    const run = this.queue.then(() => this.calculateNow(atoms, properties));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async calculateNow(atoms: Atoms, properties: readonly PropertyName[]): Promise<void> {
    for (const p of properties) {
      if (!this.implementedProperties.includes(p)) {
        throw new PropertyNotImplementedError(p, this.name, this.implementedProperties);
      }
    }
    const changes = systemChanges(this.snapshot, atoms);
    if (changes.some((c) => INVALIDATING.includes(c))) this.results = {};
    if (properties.every((p) => this.results[p] !== undefined) && this.snapshot) {
      if (changes.length > 0) {
        this.spare = this.snapshot;
        this.snapshot = this.takeSnapshot(atoms);
      }
      return;
    }
    // Forget the snapshot first so a throwing doCalculate never leaves stale results valid.
    const previous = this.snapshot;
    this.snapshot = null;
    this.spare = previous;
    const results = await this.doCalculate(
      atoms,
      properties,
      previous ? changes : systemChanges(null, atoms),
    );
    this.results = { ...this.results, ...results };
    if (this.results.energy !== undefined && this.results.free_energy === undefined) {
      this.results.free_energy = this.results.energy;
    }
    for (const p of properties) {
      if (this.results[p] === undefined) {
        throw new Error(`${this.name} did not return "${p}" although it was asked for it`);
      }
    }
    this.snapshot = this.takeSnapshot(atoms);
  }

  private takeSnapshot(atoms: Atoms): AtomsSnapshot {
    const spare = this.spare;
    this.spare = null;
    return {
      positions: copyInto(spare?.positions, atoms.positions),
      numbers: copyInto(spare?.numbers, atoms.numbers),
      cell: copyInto(spare?.cell, atoms.cell),
      pbc: [...atoms.pbc],
      masses: copyInto(spare?.masses, atoms.masses),
    };
  }

  async getProperty(name: PropertyName, atoms: Atoms): Promise<number | Float64Array> {
    await this.calculate(atoms, [name]);
    const value = this.results[name]!;
    return typeof value === 'number' ? value : value.slice();
  }

  async getPotentialEnergy(atoms: Atoms): Promise<number> {
    return (await this.getProperty('energy', atoms)) as number;
  }

  async getForces(atoms: Atoms): Promise<Float64Array> {
    return (await this.getProperty('forces', atoms)) as Float64Array;
  }

  async getStress(atoms: Atoms): Promise<Float64Array> {
    return (await this.getProperty('stress', atoms)) as Float64Array;
  }

  async getPotentialEnergies(atoms: Atoms): Promise<Float64Array> {
    return (await this.getProperty('energies', atoms)) as Float64Array;
  }

  reset(): void {
    this.results = {};
    this.snapshot = null;
  }
}
