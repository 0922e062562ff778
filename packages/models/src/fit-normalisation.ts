import { InvalidInputError } from '@mlff-distiller/core';
import type { Normalisation } from './student-checkpoint.js';

/** A labelled structure as normalisation fitting needs it. */
export interface LabelledComposition {
  /** Atomic numbers, length N. */
  numbers: ArrayLike<number>;
  /** Total energy, eV. */
  energy: number;
  /** Forces, eV/Å, length 3N (optional). */
  forces?: ArrayLike<number>;
}

/**
 * Fits the energy normalisation on a training set: per-element reference energies by
 * least squares of E_s ≈ Σ_Z n_{s,Z}·e_Z (normal equations with a 1e-8 relative ridge so
 * elements that always appear together still get a unique answer), and the energy scale
 * as the RMS force component (eV/Å × 1 Å; the RMS per-atom energy residual when no forces
 * are given, 1 eV when both vanish).
 */
export function fitNormalisation(
  data: readonly LabelledComposition[],
  species: readonly number[],
): Normalisation {
  const S = species.length;
  const index = new Map(species.map((z, i) => [z, i]));
  if (data.length === 0) throw new InvalidInputError('cannot fit a normalisation on no structures');
  const A = new Float64Array(S * S);
  const y = new Float64Array(S);
  const counts = data.map((d, k) => {
    const c = new Float64Array(S);
    for (let i = 0; i < d.numbers.length; i++) {
      const e = index.get(d.numbers[i]!);
      if (e === undefined) {
        throw new InvalidInputError(
          `structure ${k}: element Z=${d.numbers[i]} is not in the species list`,
        );
      }
      c[e]! += 1;
    }
    return c;
  });
  counts.forEach((c, k) => {
    for (let a = 0; a < S; a++) {
      y[a]! += c[a]! * data[k]!.energy;
      for (let b = 0; b < S; b++) A[a * S + b]! += c[a]! * c[b]!;
    }
  });
  let trace = 0;
  for (let a = 0; a < S; a++) trace += A[a * S + a]!;
  for (let a = 0; a < S; a++) A[a * S + a]! += 1e-8 * (trace / S) + 1e-12;
  const referenceEnergies = Array.from(solve(A, y, S));

  let sumF2 = 0;
  let nF = 0;
  for (const d of data) {
    if (!d.forces) continue;
    for (let i = 0; i < d.forces.length; i++) sumF2 += d.forces[i]! ** 2;
    nF += d.forces.length;
  }
  let energyScale = nF > 0 ? Math.sqrt(sumF2 / nF) : 0;
  if (!(energyScale > 0)) {
    let r2 = 0;
    let atoms = 0;
    counts.forEach((c, k) => {
      let fit = 0;
      for (let a = 0; a < S; a++) fit += c[a]! * referenceEnergies[a]!;
      const n = data[k]!.numbers.length;
      r2 += ((data[k]!.energy - fit) / n) ** 2 * n;
      atoms += n;
    });
    energyScale = Math.sqrt(r2 / atoms) || 1;
  }
  return { referenceEnergies, energyScale };
}

/** Solves the symmetric positive-definite system A x = y (n ≤ a few dozen) by Cholesky. */
function solve(A: Float64Array, y: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j]!;
      for (let k = 0; k < j; k++) s -= L[i * n + k]! * L[j * n + k]!;
      L[i * n + j] = i === j ? Math.sqrt(s) : s / L[j * n + j]!;
    }
  }
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = y[i]!;
    for (let k = 0; k < i; k++) s -= L[i * n + k]! * z[k]!;
    z[i] = s / L[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k * n + i]! * x[k]!;
    x[i] = s / L[i * n + i]!;
  }
  return x;
}
