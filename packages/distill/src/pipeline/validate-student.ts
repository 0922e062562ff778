import type { Atoms, Calculator } from '@mlff-distiller/core';
import { EnergyRecorder, maxwellBoltzmann, VelocityVerlet } from '@mlff-distiller/md';
import {
  type ForceFieldMetrics,
  forceFieldMetrics,
  type Prediction,
} from '../force-field-metrics.js';
import type { LabelledStructure } from '../labelled-structure.js';
import { BondStability } from './bond-stability.js';

/** Settings of an NVE validation run. */
export interface NveValidationOptions {
  /** Length, ps. */
  time: number;
  /** Time step, fs. */
  timestep: number;
  /** Initial Maxwell-Boltzmann temperature, K. */
  temperature: number;
  /** Largest allowed change of a bond from its mean, Å. */
  maxBondChange: number;
  /** Largest allowed temperature, K. */
  maxTemperature: number;
  seed: number;
}

/** What one NVE run showed. */
export interface NveValidation {
  structure: string;
  atoms: number;
  steps: number;
  /** Total-energy drift, meV/atom/ps (least-squares slope), and its standard error. */
  driftMeVPerAtomPerPs: number;
  driftStandardError: number;
  /** RMS fluctuation of the total energy around the fit, meV/atom. */
  fluctuationMeVPerAtom: number;
  /** Largest change of a bond from its mean, Å. */
  largestBondChange: number;
  /** Highest temperature reached, K. */
  maxTemperature: number;
  /** Stable: finite energies, bonds within bounds, temperature below the limit. */
  stable: boolean;
  /** Why not, when not stable. */
  failure?: string;
  /** Time (ps) and total energy relative to the start (meV/atom), for the plot. */
  series: { time: number[]; energy: number[] };
}

/** Thrown by {@link validateNve} when its `shouldStop` asked it to stop. */
export class ValidationCancelledError extends Error {}

/**
 * Runs NVE (velocity Verlet) with `calculator` from `start` with Maxwell-Boltzmann velocities
 * and checks energy conservation and stability (no NaN, no bond leaving its mean length by
 * more than `maxBondChange`, temperature below `maxTemperature`). Stops early at the first
 * instability. `shouldStop`, checked every step, abandons the run
 * ({@link ValidationCancelledError}).
 */
export async function validateNve(
  name: string,
  start: Atoms,
  calculator: Calculator,
  options: NveValidationOptions,
  shouldStop: () => boolean = () => false,
): Promise<NveValidation> {
  const atoms = start.copy();
  maxwellBoltzmann(atoms, options.temperature, { seed: options.seed });
  const md = new VelocityVerlet(atoms, calculator, { timestep: options.timestep });
  const steps = Math.round((options.time * 1000) / options.timestep);
  const every = Math.max(1, Math.floor(steps / 1000));
  const energies = new EnergyRecorder();
  const bonds = new BondStability(start);
  md.attach(energies, every);
  md.attach((m) => bonds.record(m.atoms), every);
  let failure: string | undefined;
  let cancelled = false;
  md.stopWhen((m) => {
    if (shouldStop()) cancelled = true;
    const t = m.getTemperature();
    if (!Number.isFinite(m.potentialEnergy) || !Number.isFinite(t))
      failure = 'the energy became NaN';
    else if (t > options.maxTemperature) failure = `the temperature reached ${t.toFixed(0)} K`;
    return cancelled || failure !== undefined;
  });
  await md.run(steps);
  if (cancelled) throw new ValidationCancelledError(`NVE validation on ${name} was cancelled`);
  const largestBondChange = bonds.largestChange();
  if (!failure && !(largestBondChange <= options.maxBondChange)) {
    failure = `a bond moved ${largestBondChange.toFixed(2)} Å from its mean length`;
  }
  const drift = energies.drift('total');
  const e0 = energies.total[0]!;
  return {
    structure: name,
    atoms: atoms.length,
    steps: md.nSteps,
    driftMeVPerAtomPerPs: drift.driftMeVPerAtomPerPs,
    driftStandardError: drift.driftStandardErrorMeVPerAtomPerPs,
    fluctuationMeVPerAtom: drift.fluctuationMeVPerAtom,
    largestBondChange,
    maxTemperature: Math.max(...energies.temperature),
    stable: failure === undefined,
    ...(failure ? { failure } : {}),
    series: {
      time: energies.times.map((t) => t / 1000),
      energy: energies.total.map((e) => ((e - e0) * 1000) / atoms.length),
    },
  };
}

/** Errors of `calculator` on labelled structures, and its predictions (for parity plots). */
export async function testErrors(
  calculator: Calculator,
  test: readonly LabelledStructure[],
): Promise<{ metrics: ForceFieldMetrics; predictions: Prediction[] }> {
  const predictions: Prediction[] = [];
  for (const s of test) {
    await calculator.calculate(s.atoms, ['energy', 'forces']);
    predictions.push({
      energy: calculator.results.energy!,
      forces: calculator.results.forces!.slice(),
    });
  }
  return { metrics: forceFieldMetrics(test, predictions), predictions };
}
