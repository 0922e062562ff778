import { type EnergyDrift, energyDrift } from './energy-drift.js';
import type { MolecularDynamics, ObserverObject } from './molecular-dynamics.js';

/**
 * An observer that keeps the energies of every call in memory, for conservation checks and
 * quick analyses: attach it with an interval, then read the series or call {@link drift}.
 */
export class EnergyRecorder implements ObserverObject {
  /** Step counts. */
  readonly steps: number[] = [];
  /** Times in fs. */
  readonly times: number[] = [];
  /** Potential energies in eV. */
  readonly potential: number[] = [];
  /** Kinetic energies in eV. */
  readonly kinetic: number[] = [];
  /** Total energies Epot + Ekin in eV. */
  readonly total: number[] = [];
  /** The integrator's conserved energy in eV (the total energy for NVE; NaN where none is tracked). */
  readonly conserved: number[] = [];
  /** Temperatures in K over the integrator's degrees of freedom. */
  readonly temperature: number[] = [];
  private nAtoms = 0;

  /** Records the current energies of `md`. */
  observe(md: MolecularDynamics): void {
    const epot = md.potentialEnergy;
    const ekin = md.atoms.getKineticEnergy();
    this.nAtoms = md.atoms.length;
    this.steps.push(md.nSteps);
    this.times.push(md.time);
    this.potential.push(epot);
    this.kinetic.push(ekin);
    this.total.push(epot + ekin);
    this.conserved.push(md.getConservedEnergy());
    this.temperature.push(md.getTemperature());
  }

  /**
   * Energy-conservation figures ({@link energyDrift}) of the recorded total energy (NVE) or,
   * with `'conserved'`, of the integrator's conserved energy (thermostats).
   */
  drift(series: 'total' | 'conserved' = 'total'): EnergyDrift {
    return energyDrift(this.times, series === 'total' ? this.total : this.conserved, this.nAtoms);
  }
}
