import type { Atoms } from '../atoms.js';
import { BaseCalculator } from './base-calculator.js';
import type { CalculatorResults, PropertyName } from './calculator.js';
import type { CalculatorPool } from './calculator-pool.js';

/** Options of {@link PoolCalculator}. */
export interface PoolCalculatorOptions {
  /** Name for logs and reports; default the pool's name. */
  name?: string;
  /** What the pool's workers compute; default energy, free_energy and forces. */
  implementedProperties?: readonly PropertyName[];
  /** Dispose of the pool when the calculator is disposed; default false. */
  ownsPool?: boolean;
}

/**
 * A Calculator whose every calculation goes to a worker of a pool (ASE's caching semantics
 * from BaseCalculator): MD with an external teacher, or several MD trajectories, each with
 * its own PoolCalculator, running side by side on the pool's workers.
 */
export class PoolCalculator extends BaseCalculator {
  readonly name: string;
  readonly implementedProperties: readonly PropertyName[];
  private readonly ownsPool: boolean;

  constructor(
    readonly pool: CalculatorPool,
    options: PoolCalculatorOptions = {},
  ) {
    super();
    this.name = options.name ?? pool.name;
    this.implementedProperties = options.implementedProperties ?? [
      'energy',
      'free_energy',
      'forces',
    ];
    this.ownsPool = options.ownsPool ?? false;
    Object.assign(this.parameters, { pool: pool.name });
  }

  protected doCalculate(
    atoms: Atoms,
    properties: readonly PropertyName[],
  ): Promise<CalculatorResults> {
    return this.pool.compute(atoms, properties);
  }

  /** Disposes of the pool when this calculator owns it. */
  async dispose(): Promise<void> {
    if (this.ownsPool) await this.pool.dispose?.();
  }
}
