import {
  type Atoms,
  BaseCalculator,
  type CalculatorPool,
  type CalculatorResults,
  type PropertyName,
} from '@mlff-distiller/core';

/**
 * A calculator whose every calculation goes to a worker of a pool: several MD trajectories,
 * each with its own PoolCalculator, then run side by side on the pool's workers.
 */
export class PoolCalculator extends BaseCalculator {
  readonly name: string;

  /**
   * @param pool the workers.
   * @param implementedProperties what the pool's workers compute; default energy and forces.
   */
  constructor(
    private readonly pool: CalculatorPool,
    readonly implementedProperties: readonly PropertyName[] = ['energy', 'free_energy', 'forces'],
  ) {
    super();
    this.name = pool.name;
  }

  protected doCalculate(
    atoms: Atoms,
    properties: readonly PropertyName[],
  ): Promise<CalculatorResults> {
    return this.pool.compute(atoms, properties);
  }
}
