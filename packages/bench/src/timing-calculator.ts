import type { Atoms, Calculator, CalculatorResults, PropertyName } from '@mlff-distiller/core';

/**
 * A decorator that implements the Calculator contract by forwarding every call to another
 * calculator, and measures the wall time spent in `calculate` (where every getter of the
 * contract ends up). The benchmark wraps the calculator under test in one to report the
 * calculator's share of an MD step; results, parameters and caching are the inner
 * calculator's own.
 */
export class TimingCalculator implements Calculator {
  /** Total wall time in ms spent inside the inner calculator's `calculate` since the last {@link resetTiming}. */
  totalMs = 0;
  /** Number of `calculate` calls since the last {@link resetTiming} (cached answers included). */
  calls = 0;

  /** @param inner the calculator measured; it is used, never copied. */
  constructor(readonly inner: Calculator) {}

  /** The inner calculator's name. */
  get name(): string {
    return this.inner.name;
  }

  /** The inner calculator's properties. */
  get implementedProperties(): readonly PropertyName[] {
    return this.inner.implementedProperties;
  }

  /** The inner calculator's results (units as in core's CalculatorResults). */
  get results(): Readonly<CalculatorResults> {
    return this.inner.results;
  }

  /** The inner calculator's parameters (a backend may report `arenaBytes` there). */
  get parameters(): Readonly<Record<string, unknown>> {
    return this.inner.parameters;
  }

  /** Zeroes {@link totalMs} and {@link calls}. */
  resetTiming(): void {
    this.totalMs = 0;
    this.calls = 0;
  }

  async calculate(atoms: Atoms, properties?: readonly PropertyName[]): Promise<void> {
    const t0 = performance.now();
    try {
      await this.inner.calculate(atoms, properties);
    } finally {
      this.totalMs += performance.now() - t0;
      this.calls++;
    }
  }

  async getProperty(name: PropertyName, atoms: Atoms): Promise<number | Float64Array> {
    await this.calculate(atoms, [name]);
    const value = this.inner.results[name];
    if (value === undefined) return this.inner.getProperty(name, atoms);
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
    this.inner.reset();
  }

  async dispose(): Promise<void> {
    await this.inner.dispose?.();
  }
}
