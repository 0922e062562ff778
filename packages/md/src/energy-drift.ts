import { InvalidInputError, linearFit } from '@mlff-distiller/core';

/** Energy-conservation figures from a total-energy time series; see {@link energyDrift}. */
export interface EnergyDrift {
  /** Slope of the least-squares line through E(t), in meV per atom per ps (signed). */
  driftMeVPerAtomPerPs: number;
  /**
   * Standard error of that slope in meV/atom/ps, assuming uncorrelated residuals (an
   * underestimate when the residuals are correlated, as they usually are in MD).
   */
  driftStandardErrorMeVPerAtomPerPs: number;
  /** RMS deviation of E(t) from the fitted line, in meV per atom: the fluctuation with the drift taken out. */
  fluctuationMeVPerAtom: number;
  /** RMS deviation of E(t) from its mean, in meV per atom (drift and fluctuation together). */
  rmsFromMeanMeVPerAtom: number;
  /** Largest |E(t) − E(t₀)|, in meV per atom. */
  maxDeviationMeVPerAtom: number;
  /** Net change E(t_end) − E(t₀), in meV per atom. */
  netChangeMeVPerAtom: number;
  /** Time covered, t_end − t₀, in ps. */
  durationPs: number;
  /** Number of samples. */
  samples: number;
}

/**
 * Energy conservation of an NVE run (or of a thermostat's conserved energy) from samples of
 * the total energy.
 *
 * Drift is the slope b of the ordinary least-squares line E(t) ≈ a + b·t, reported in
 * meV/atom/ps; fluctuation is the RMS of the residuals about that line (so a steady drift is
 * not counted twice); `rmsFromMeanMeVPerAtom` is the RMS about the mean, for comparison with
 * codes that report that.
 *
 * @param times sample times in fs (at least two distinct values).
 * @param totalEnergies total energies in eV, same length.
 * @param nAtoms number of atoms (positive) for the per-atom figures.
 */
export function energyDrift(
  times: ArrayLike<number>,
  totalEnergies: ArrayLike<number>,
  nAtoms: number,
): EnergyDrift {
  const n = times.length;
  if (n !== totalEnergies.length) {
    throw new InvalidInputError(`${n} times but ${totalEnergies.length} energies`);
  }
  if (n < 2) throw new InvalidInputError(`energy drift needs at least two samples, got ${n}`);
  if (!(nAtoms > 0))
    throw new InvalidInputError(`the number of atoms must be positive, got ${nAtoms}`);
  let tMin = Number.POSITIVE_INFINITY;
  let tMax = Number.NEGATIVE_INFINITY;
  let eMean = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(times[i]!) || !Number.isFinite(totalEnergies[i]!)) {
      throw new InvalidInputError(
        `sample ${i} is not finite (t = ${times[i]} fs, E = ${totalEnergies[i]} eV)`,
      );
    }
    tMin = Math.min(tMin, times[i]!);
    tMax = Math.max(tMax, times[i]!);
    eMean += totalEnergies[i]!;
  }
  if (!(tMax > tMin))
    throw new InvalidInputError('energy drift needs samples at two different times at least');
  eMean /= n;
  // Centred sums inside linearFit: no cancellation when E ≈ −1000 eV varies by µeV.
  const fit = linearFit(times, totalEnergies); // eV/fs
  const e0 = totalEnergies[0]!;
  let see = 0;
  let maxDev = 0;
  for (let i = 0; i < n; i++) {
    see += (totalEnergies[i]! - eMean) ** 2;
    maxDev = Math.max(maxDev, Math.abs(totalEnergies[i]! - e0));
  }
  // eV/fs → meV/ps: ×1000 (meV) ×1000 (fs per ps).
  const perAtom = 1000 / nAtoms;
  return {
    driftMeVPerAtomPerPs: fit.slope * 1000 * perAtom,
    driftStandardErrorMeVPerAtomPerPs: fit.slopeStandardError * 1000 * perAtom,
    fluctuationMeVPerAtom: fit.rmsResidual * perAtom,
    rmsFromMeanMeVPerAtom: Math.sqrt(see / n) * perAtom,
    maxDeviationMeVPerAtom: maxDev * perAtom,
    netChangeMeVPerAtom: (totalEnergies[n - 1]! - e0) * perAtom,
    durationPs: (tMax - tMin) / 1000,
    samples: n,
  };
}
