import type { Atoms, Calculator } from '@mlff-distiller/core';
import { maxwellBoltzmann, VelocityVerlet } from '@mlff-distiller/md';

/**
 * Milliseconds per MD step (velocity Verlet, 0.5 fs, from 300 K) of `calculator` on
 * `start`: `steps` timed steps after `warmup` untimed ones (session start-up, caches).
 * Wall time of the whole step, integrator included, as a user's MD sees it.
 */
export async function mdStepTime(
  start: Atoms,
  calculator: Calculator,
  steps: number,
  warmup = Math.min(20, steps),
): Promise<number> {
  const atoms = start.copy();
  maxwellBoltzmann(atoms, 300, { seed: 1 });
  const md = new VelocityVerlet(atoms, calculator, { timestep: 0.5 });
  await md.run(warmup);
  const t0 = performance.now();
  await md.run(steps);
  return (performance.now() - t0) / steps;
}
