import {
  type Atoms,
  BaseCalculator,
  type Calculator,
  type CalculatorResults,
  type PropertyName,
} from '@mlff-distiller/core';

/**
 * Test calculator: another calculator's forces and stress, with its energy changed by a
 * constant `offset` (eV) plus `perCall` eV times the number of calculations done so far,
 * and, when `retainDoubles` > 0, a new Float64Array of that length kept forever at every
 * calculation (a deliberate leak).
 */
export class AlteredCalculator extends BaseCalculator {
  readonly name: string;
  readonly implementedProperties: readonly PropertyName[];
  /** The leaked arrays. */
  readonly retained: Float64Array[] = [];
  calculations = 0;

  constructor(
    readonly inner: Calculator,
    readonly options: {
      offset?: number;
      perCall?: number;
      retainDoubles?: number;
      name?: string;
    } = {},
  ) {
    super();
    this.name = options.name ?? `altered-${inner.name}`;
    this.implementedProperties = inner.implementedProperties;
  }

  protected async doCalculate(
    atoms: Atoms,
    properties: readonly PropertyName[],
  ): Promise<CalculatorResults> {
    await this.inner.calculate(atoms, properties);
    const r: CalculatorResults = { ...this.inner.results };
    if (r.energy !== undefined) {
      r.energy += (this.options.offset ?? 0) + (this.options.perCall ?? 0) * this.calculations;
      r.free_energy = r.energy;
    }
    const n = this.options.retainDoubles ?? 0;
    if (n > 0) this.retained.push(new Float64Array(n).fill(this.calculations));
    this.calculations++;
    return r;
  }
}
