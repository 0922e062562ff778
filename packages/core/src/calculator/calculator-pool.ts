import type { Atoms } from '../atoms.js';
import type { Calculator, CalculatorResults, PropertyName } from './calculator.js';

/**
 * Several workers that compute structures side by side: a list of calculators (each
 * computes one structure at a time), the clients connected to an i-PI server, teacher
 * processes. Labeling and sampling jobs hand structures to a pool and await results.
 */
export interface CalculatorPool {
  /** A short name for logs and reports ("xtb×2", "ipi://127.0.0.1:31415"). */
  readonly name: string;
  /**
   * How many structures the pool can compute at once right now: the number of workers.
   * It may change while the pool runs (i-PI clients connect and leave); 0 means no
   * worker is there yet.
   */
  readonly concurrency: number;
  /**
   * Computes `properties` for one structure on a free worker, waiting for one when all are
   * busy. Resolves with fresh results (arrays the caller may keep). Rejects with an error
   * naming the worker and the cause when the computation fails for a reason of the
   * structure or when no worker can take it; a worker that fails on its own account
   * (vanishes, stalls) is dropped and the structure is given to another one. Rejects with
   * {@link PoolUnavailableError} when the pool has no worker to give it to.
   */
  compute(atoms: Atoms, properties: readonly PropertyName[]): Promise<CalculatorResults>;
  /** Releases workers, sockets and processes. Safe to call twice. */
  dispose?(): Promise<void>;
}

function copyResults(results: Readonly<CalculatorResults>): CalculatorResults {
  const copy: CalculatorResults = {};
  for (const [key, value] of Object.entries(results)) {
    (copy as Record<string, unknown>)[key] = typeof value === 'number' ? value : value.slice();
  }
  return copy;
}

/**
 * A pool over calculators that each compute one structure at a time; a structure goes to
 * the first idle calculator. Errors are the calculator's own (it is not dropped).
 */
export function calculatorPool(calculators: readonly Calculator[], name?: string): CalculatorPool {
  if (calculators.length === 0) throw new Error('calculatorPool needs at least one calculator');
  const idle = [...calculators];
  const waiting: Array<(calculator: Calculator) => void> = [];
  const acquire = (): Promise<Calculator> => {
    const calculator = idle.pop();
    if (calculator) return Promise.resolve(calculator);
    return new Promise((resolve) => waiting.push(resolve));
  };
  const release = (calculator: Calculator): void => {
    const next = waiting.shift();
    if (next) next(calculator);
    else idle.push(calculator);
  };
  return {
    name:
      name ??
      (calculators.length === 1
        ? calculators[0]!.name
        : `${calculators[0]!.name}×${calculators.length}`),
    concurrency: calculators.length,
    async compute(atoms, properties) {
      const calculator = await acquire();
      try {
        await calculator.calculate(atoms, properties);
        return copyResults(calculator.results);
      } finally {
        release(calculator);
      }
    },
    async dispose() {
      for (const calculator of calculators) await calculator.dispose?.();
    },
  };
}
