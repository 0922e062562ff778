import { MlffdError } from '@mlff-distiller/core';

/**
 * Raised when a simulation blows up: the calculator returned a non-finite force or energy,
 * or the integrator produced non-finite positions, velocities or cell. Carries the step at
 * which it was noticed so the user can look at the last good frame of the trajectory.
 */
export class SimulationInstabilityError extends MlffdError {
  constructor(
    /** The step count (0-based, steps completed) when the problem was found. */
    readonly step: number,
    /** What was not finite, e.g. "force on atom 12". */
    readonly what: string,
  ) {
    super(
      `the simulation became unstable at step ${step}: ${what} is not finite (a time step too long for the potential, overlapping atoms, or a calculator failure)`,
    );
  }
}
