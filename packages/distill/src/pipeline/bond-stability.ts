import { type Atoms, covalentRadius } from '@mlff-distiller/core';

/**
 * Watches the bonds of a molecule during MD: the pairs closer than 1.2 × the sum of their
 * covalent radii in the start structure. `record` stores their lengths; `largestChange` is
 * the largest |length − mean length| over all bonds and records (Å), the stability measure
 * of a trajectory ("no bond stretched more than 0.5 Å from its mean").
 */
export class BondStability {
  private readonly pairs: Array<[number, number]> = [];
  private readonly lengths: number[][] = [];

  constructor(start: Atoms) {
    const x = start.positions;
    for (let i = 0; i < start.length; i++) {
      for (let j = i + 1; j < start.length; j++) {
        const d = Math.hypot(
          x[3 * j]! - x[3 * i]!,
          x[3 * j + 1]! - x[3 * i + 1]!,
          x[3 * j + 2]! - x[3 * i + 2]!,
        );
        if (d < 1.2 * (covalentRadius(start.numbers[i]!) + covalentRadius(start.numbers[j]!))) {
          this.pairs.push([i, j]);
          this.lengths.push([]);
        }
      }
    }
  }

  /** Number of bonds watched. */
  get bonds(): number {
    return this.pairs.length;
  }

  /** Stores the current bond lengths of `atoms` (same atoms as the start). */
  record(atoms: Atoms): void {
    const x = atoms.positions;
    this.pairs.forEach(([i, j], b) => {
      this.lengths[b]!.push(
        Math.hypot(
          x[3 * j]! - x[3 * i]!,
          x[3 * j + 1]! - x[3 * i + 1]!,
          x[3 * j + 2]! - x[3 * i + 2]!,
        ),
      );
    });
  }

  /** Largest deviation of a bond length from its mean over the records, Å (NaN if any is NaN). */
  largestChange(): number {
    let worst = 0;
    for (const series of this.lengths) {
      if (series.length === 0) continue;
      const mean = series.reduce((s, d) => s + d, 0) / series.length;
      for (const d of series) {
        const change = Math.abs(d - mean);
        if (Number.isNaN(change)) return Number.NaN;
        worst = Math.max(worst, change);
      }
    }
    return worst;
  }
}
