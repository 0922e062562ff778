/**
 * The canonical-ensemble check shared by the thermostat tests: a small LJ argon liquid, and
 * the statistics of the kinetic energy along a run.
 */
import { Atoms, kB } from '@mlff-distiller/core';
import { Langevin } from '../langevin.js';
import { maxwellBoltzmann } from '../maxwell-boltzmann.js';
import type { MolecularDynamics } from '../molecular-dynamics.js';
import { argonLJ, blockAverage } from './systems.js';

/** Temperature of the thermostat tests, K. */
export const LIQUID_T = 100;

/** LJ cutoff of the thermostat tests (Å): below half the 14.8 Å box, so one image per pair. */
export const LIQUID_RC = 7;

/**
 * 64 argon atoms at the density of the liquid near 100 K (0.0199 Å⁻³, box 14.76 Å), started
 * on a simple cubic lattice and melted with Langevin dynamics (300 K, then 100 K): a
 * disordered, ergodic system for thermostat tests.
 */
export async function argonLiquid(seed: number): Promise<Atoms> {
  const n = 4;
  const L = Math.cbrt(64 / 0.0199);
  const positions: number[] = [];
  for (let x = 0; x < n; x++)
    for (let y = 0; y < n; y++)
      for (let z = 0; z < n; z++)
        positions.push(((x + 0.5) * L) / n, ((y + 0.5) * L) / n, ((z + 0.5) * L) / n);
  const atoms = new Atoms({
    symbols: new Array(64).fill('Ar'),
    positions,
    cell: [L, L, L],
    pbc: true,
  });
  maxwellBoltzmann(atoms, 300, { seed });
  const calc = argonLJ({ rc: LIQUID_RC });
  const md = new Langevin(atoms, calc, {
    timestep: 5,
    temperature: 300,
    friction: 0.02,
    seed: seed + 1,
  });
  await md.run(400);
  md.temperature = LIQUID_T;
  await md.run(400);
  return atoms;
}

/** Kinetic-energy statistics of a run against the canonical values for Nf degrees of freedom. */
export interface KineticStatistics {
  /** Mean kinetic energy, eV, with its standard error from block averages. */
  mean: number;
  meanError: number;
  /** Variance of the kinetic energy, eV², with its standard error from block averages. */
  variance: number;
  varianceError: number;
  /** Canonical ⟨Ekin⟩ = (Nf/2)·kT, eV. */
  expectedMean: number;
  /** Canonical Var(Ekin) = (Nf/2)·(kT)², eV². */
  expectedVariance: number;
}

/** Runs `steps` steps recording the kinetic energy after each, and compares with the canonical values. */
export async function kineticStatistics(
  md: MolecularDynamics,
  steps: number,
  dof: number,
  temperature: number,
): Promise<KineticStatistics> {
  const ekin: number[] = [];
  const detach = md.attach((m) => {
    ekin.push(m.atoms.getKineticEnergy());
  }, 1);
  await md.run(steps);
  detach();
  ekin.shift(); // the start of the run, already counted at the end of the equilibration
  const { mean, standardError: meanError } = blockAverage(ekin);
  // Squared deviations from the overall mean: their block means give the variance and its error.
  const sq = ekin.map((k) => (k - mean) ** 2);
  const { mean: variance, standardError: varianceError } = blockAverage(sq);
  const kT = kB * temperature;
  return {
    mean,
    meanError,
    variance,
    varianceError,
    expectedMean: 0.5 * dof * kT,
    expectedVariance: 0.5 * dof * kT * kT,
  };
}

/** One line for the test log. */
export function describeStatistics(name: string, s: KineticStatistics): string {
  const pct = (x: number, ref: number) => `${((100 * (x - ref)) / ref).toFixed(2)} %`;
  return (
    `${name}: <Ekin> = ${s.mean.toFixed(5)} ± ${s.meanError.toFixed(5)} eV vs ${s.expectedMean.toFixed(5)} (${pct(s.mean, s.expectedMean)}, ` +
    `${((s.mean - s.expectedMean) / s.meanError).toFixed(2)} SE); Var(Ekin) = ${s.variance.toExponential(4)} ± ${s.varianceError.toExponential(2)} eV² vs ` +
    `${s.expectedVariance.toExponential(4)} (${pct(s.variance, s.expectedVariance)}, ${((s.variance - s.expectedVariance) / s.varianceError).toFixed(2)} SE)`
  );
}
