import type { Atoms } from '@mlff-distiller/core';
import { atomsData } from './student-task.js';
import { StudentTaskPool } from './student-task-pool.js';
import type { NveValidation, NveValidationOptions } from './validate-student.js';

/** A start structure to validate on, and its name in the report. */
export interface NamedStart {
  name: string;
  atoms: Atoms;
}

/**
 * Runs {@link validateNve} of the student ONNX file `onnxPath` from every start structure
 * as tasks of `pool`, the largest structures first so the longest runs start early and the
 * short ones fill the gaps. Results come back in the order of `starts`; `onResult` is
 * called as each run finishes. A failing run rejects with the structure's name.
 */
export async function validateNveOnPool(
  pool: StudentTaskPool,
  onnxPath: string,
  starts: readonly NamedStart[],
  options: NveValidationOptions,
  onResult: (result: NveValidation) => void = () => {},
): Promise<NveValidation[]> {
  const order = starts
    .map((_, i) => i)
    .sort((i, j) => starts[j]!.atoms.length - starts[i]!.atoms.length);
  const results: NveValidation[] = new Array(starts.length);
  await Promise.all(
    order.map(async (i) => {
      const { name, atoms } = starts[i]!;
      try {
        results[i] = await pool.run({
          kind: 'nve',
          onnxPath,
          name,
          atoms: atomsData(atoms),
          options,
        });
      } catch (e) {
        throw new Error(`NVE validation on ${name} failed: ${(e as Error).message}`);
      }
      onResult(results[i]!);
    }),
  );
  return results;
}

/**
 * {@link validateNveOnPool} on a pool of its own: `workers` trajectories side by side, each
 * in a worker thread with its own single-threaded ONNX Runtime session (at molecular sizes
 * a second thread inside one session gains nothing, while a second trajectory on the other
 * core doubles the throughput); with `workers` ≤ 1, one after the other in this thread.
 */
export async function validateNveInWorkers(
  onnxPath: string,
  starts: readonly NamedStart[],
  options: NveValidationOptions,
  workers: number,
  onResult?: (result: NveValidation) => void,
): Promise<NveValidation[]> {
  const pool = new StudentTaskPool(workers);
  try {
    const results = await validateNveOnPool(pool, onnxPath, starts, options, onResult);
    await pool.close();
    return results;
  } catch (e) {
    await pool.close(true);
    throw e;
  }
}
