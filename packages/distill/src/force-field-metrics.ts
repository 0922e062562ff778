import { chemicalSymbol } from '@mlff-distiller/core';
import type { LabelledStructure } from './labelled-structure.js';

/** A student's prediction for one structure. */
export interface Prediction {
  /** eV. */
  energy: number;
  /** eV/Å, length 3N. */
  forces: ArrayLike<number>;
}

/** Errors of predictions against labels. Energies per atom in eV, forces in eV/Å. */
export interface ForceFieldMetrics {
  structures: number;
  energyPerAtom: { mae: number; rmse: number };
  forces: {
    mae: number;
    rmse: number;
    /** Mean angle between predicted and reference force vectors, degrees (atoms with |F| > 1e-3 eV/Å). */
    angleDeg: number;
    /** R² of the x, y and z components. */
    r2: [number, number, number];
  };
  /** Force MAE and RMSE per element symbol. */
  perElement: Record<string, { atoms: number; forceMae: number; forceRmse: number }>;
}

/** Energy, force, angle, R² and per-element errors over a set of structures. */
export function forceFieldMetrics(
  labels: readonly LabelledStructure[],
  predictions: readonly Prediction[],
): ForceFieldMetrics {
  let eAbs = 0;
  let eSq = 0;
  let fAbs = 0;
  let fSq = 0;
  let comps = 0;
  let angle = 0;
  let angles = 0;
  const sums = [0, 0, 0];
  const sums2 = [0, 0, 0];
  const residual = [0, 0, 0];
  const per: Record<string, { atoms: number; abs: number; sq: number }> = {};
  labels.forEach((s, k) => {
    const p = predictions[k]!;
    const n = s.atoms.length;
    const de = (p.energy - s.energy) / n;
    eAbs += Math.abs(de);
    eSq += de * de;
    for (let i = 0; i < n; i++) {
      const sym = chemicalSymbol(s.atoms.numbers[i]!);
      per[sym] ??= { atoms: 0, abs: 0, sq: 0 };
      const e = per[sym];
      e.atoms++;
      let dot = 0;
      let nr = 0;
      let np = 0;
      for (let c = 0; c < 3; c++) {
        const r = s.forces[3 * i + c]!;
        const q = p.forces[3 * i + c]!;
        const d = q - r;
        fAbs += Math.abs(d);
        fSq += d * d;
        e.abs += Math.abs(d);
        e.sq += d * d;
        sums[c]! += r;
        sums2[c]! += r * r;
        residual[c]! += d * d;
        dot += r * q;
        nr += r * r;
        np += q * q;
      }
      comps += 3;
      if (nr > 1e-6 && np > 0) {
        angle += (Math.acos(Math.max(-1, Math.min(1, dot / Math.sqrt(nr * np)))) * 180) / Math.PI;
        angles++;
      }
    }
  });
  const atoms = comps / 3;
  const r2 = [0, 1, 2].map((c) => {
    const variance = sums2[c]! - (sums[c]! * sums[c]!) / Math.max(1, atoms);
    return variance > 0 ? 1 - residual[c]! / variance : Number.NaN;
  }) as [number, number, number];
  const m = Math.max(1, labels.length);
  const perElement: ForceFieldMetrics['perElement'] = {};
  for (const [sym, e] of Object.entries(per)) {
    perElement[sym] = {
      atoms: e.atoms,
      forceMae: e.abs / (3 * e.atoms),
      forceRmse: Math.sqrt(e.sq / (3 * e.atoms)),
    };
  }
  return {
    structures: labels.length,
    energyPerAtom: { mae: eAbs / m, rmse: Math.sqrt(eSq / m) },
    forces: {
      mae: fAbs / Math.max(1, comps),
      rmse: Math.sqrt(fSq / Math.max(1, comps)),
      angleDeg: angles > 0 ? angle / angles : 0,
      r2,
    },
    perElement,
  };
}
