import type { Atoms, Calculator } from '@mlff-distiller/core';
import { MolecularDynamics, type MolecularDynamicsOptions } from './molecular-dynamics.js';

/** Options of {@link VelocityVerlet}. */
export interface VelocityVerletOptions extends MolecularDynamicsOptions {}

/**
 * Velocity Verlet, constant NVE: the same operations in the same order as ASE 3.22.1's
 * `ase.md.verlet.VelocityVerlet` (half kick, drift, forces, half kick), so trajectories agree
 * with ASE's to rounding. ASE works with momenta in ASE time units; here velocities are in
 * Å/fs and accelerations F/m·units.fs² in Å/fs². Positions are not wrapped (nor does ASE).
 *
 * One force evaluation per step. Total energy is conserved up to the integrator's bounded
 * O(Δt²) fluctuation; see {@link energyDrift} to measure it.
 */
export class VelocityVerlet extends MolecularDynamics {
  /**
   * @param atoms structure with initial velocities in Å/fs (zeros when absent).
   * @param calculator source of forces in eV/Å.
   * @param options `timestep` in fs.
   */
  constructor(atoms: Atoms, calculator: Calculator, options: VelocityVerletOptions) {
    super(atoms, calculator, options);
  }

  protected async integrate(): Promise<void> {
    const dt = this.timestep;
    this.kick(0.5 * dt);
    this.drift(dt);
    await this.computeForces();
    this.kick(0.5 * dt);
  }
}
