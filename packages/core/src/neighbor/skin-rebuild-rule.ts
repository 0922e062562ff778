import { cellInverse, cellRank } from '../cell.js';

/** What the rule needs of a structure. */
export interface SkinStructure {
  /** Cartesian positions in Å, length 3N. */
  positions: ArrayLike<number>;
  /** Cell rows in Å, length 9. */
  cell: ArrayLike<number>;
  pbc: readonly boolean[];
}

/**
 * When a Verlet list built with cutoff + skin must be rebuilt. Rebuild when the number of
 * atoms or the periodicity changed, or when some pair not in the list could have come
 * within the cutoff.
 *
 * With x the positions and C the cell at the build, x′ and C′ now, F = C⁻¹C′ the
 * deformation and ν = x′ − x·F the non-affine displacement of each atom, every pair vector
 * (including its image shift S·C) becomes r′ = r·F + ν_j − ν_i, so
 * |r′| ≥ (1 − ‖F − I‖)·|r| − 2·max|ν|. The list is kept while
 * 2·max|ν| + ‖F − I‖_F·(cutoff + skin) ≤ skin. With an unchanged cell this is the usual
 * "no atom moved more than skin/2"; a barostat's small strains keep the list. A cell
 * without three independent vectors rebuilds on any change of the cell.
 */
export class SkinRebuildRule {
  private reference: Float64Array | null = null;
  /** Positions at the build in fractional coordinates of the build cell (3-D cells only). */
  private referenceFractional: Float64Array | null = null;
  private buildInverse: Float64Array | null = null;
  private readonly buildCell = new Float64Array(9);
  private pbc: boolean[] | null = null;

  /**
   * @param cutoff interaction cutoff in Å.
   * @param skin Verlet skin in Å (0: rebuild whenever anything moved).
   */
  constructor(
    readonly cutoff: number,
    readonly skin: number,
  ) {}

  /** Records the structure a list was just built for. */
  recordBuild(atoms: SkinStructure): void {
    const cell = atoms.cell;
    this.reference = Float64Array.from(atoms.positions);
    this.buildCell.set(Array.from({ length: 9 }, (_, k) => cell[k] ?? 0));
    this.pbc = [Boolean(atoms.pbc[0]), Boolean(atoms.pbc[1]), Boolean(atoms.pbc[2])];
    this.buildInverse = null;
    this.referenceFractional = null;
    if (cellRank(cell) === 3) {
      const inv = cellInverse(cell);
      const x = this.reference;
      const f = new Float64Array(x.length);
      for (let a = 0; a < x.length; a += 3) {
        for (let k = 0; k < 3; k++) {
          f[a + k] = x[a]! * inv[k]! + x[a + 1]! * inv[3 + k]! + x[a + 2]! * inv[6 + k]!;
        }
      }
      this.buildInverse = inv;
      this.referenceFractional = f;
    }
  }

  /** Forgets the build: the next {@link needsRebuild} says yes. */
  invalidate(): void {
    this.reference = null;
  }

  /** Whether a list built at the recorded structure may miss a pair of `atoms` within the cutoff. */
  needsRebuild(atoms: SkinStructure): boolean {
    const ref = this.reference;
    if (!ref || !this.pbc) return true;
    const p = atoms.positions;
    if (p.length !== ref.length) return true;
    for (let k = 0; k < 3; k++) if (Boolean(atoms.pbc[k]) !== this.pbc[k]) return true;
    const cell = atoms.cell;
    if (sameCell(this.buildCell, cell)) {
      const limit = (0.5 * this.skin) ** 2;
      for (let a = 0; a < p.length; a += 3) {
        const dx = p[a]! - ref[a]!;
        const dy = p[a + 1]! - ref[a + 1]!;
        const dz = p[a + 2]! - ref[a + 2]!;
        if (dx * dx + dy * dy + dz * dz > limit) return true;
      }
      return false;
    }
    // The cell changed: bound the pair-vector change by the strain and the non-affine moves.
    const inv = this.buildInverse;
    const frac = this.referenceFractional;
    if (!inv || !frac || cellRank(cell) !== 3) return true;
    let strain2 = 0;
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 3; c++) {
        // F = C⁻¹C′ (rows of the cells are the lattice vectors: x·F = (x·C⁻¹)·C′).
        const f =
          inv[3 * r]! * cell[c]! + inv[3 * r + 1]! * cell[3 + c]! + inv[3 * r + 2]! * cell[6 + c]!;
        const d = r === c ? f - 1 : f;
        strain2 += d * d;
      }
    }
    const budget = this.skin - Math.sqrt(strain2) * (this.cutoff + this.skin);
    if (!(budget >= 0)) return true;
    const limit = (0.5 * budget) ** 2;
    const c0 = cell[0]!;
    const c1 = cell[1]!;
    const c2 = cell[2]!;
    const c3 = cell[3]!;
    const c4 = cell[4]!;
    const c5 = cell[5]!;
    const c6 = cell[6]!;
    const c7 = cell[7]!;
    const c8 = cell[8]!;
    for (let a = 0; a < p.length; a += 3) {
      const f0 = frac[a]!;
      const f1 = frac[a + 1]!;
      const f2 = frac[a + 2]!;
      const dx = p[a]! - (f0 * c0 + f1 * c3 + f2 * c6);
      const dy = p[a + 1]! - (f0 * c1 + f1 * c4 + f2 * c7);
      const dz = p[a + 2]! - (f0 * c2 + f1 * c5 + f2 * c8);
      if (dx * dx + dy * dy + dz * dz > limit) return true;
    }
    return false;
  }
}

/** Whether two cells are identical, entry by entry. */
export function sameCell(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  for (let k = 0; k < 9; k++) if (a[k] !== b[k]) return false;
  return true;
}
