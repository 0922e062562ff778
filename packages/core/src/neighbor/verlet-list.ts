import type { Atoms } from '../atoms.js';
import { buildNeighborList, type NeighborList } from './neighbor-list.js';

/**
 * A neighbor list with a Verlet skin, reused across MD steps: it is built with
 * cutoff + skin and rebuilt only when some atom moved more than skin/2 since the last
 * build, or when the number of atoms, the cell or the periodicity changed. Between
 * rebuilds the list may contain pairs up to cutoff + skin apart: users must skip (or give
 * zero weight to) pairs beyond `cutoff`.
 */
export class VerletNeighborList {
  /** The current list (valid after `update`). */
  list: NeighborList | null = null;
  /** How many times the list was built. */
  builds = 0;
  private reference: Float64Array | null = null;
  private cell: Float64Array | null = null;
  private pbc: readonly boolean[] | null = null;

  /**
   * @param cutoff interaction cutoff in Å.
   * @param skin extra radius in Å (0 rebuilds whenever anything moved).
   */
  constructor(
    readonly cutoff: number,
    readonly skin = 0.3,
  ) {}

  /** Rebuilds the list if needed; returns whether it did. */
  update(atoms: Pick<Atoms, 'positions' | 'cell' | 'pbc'>): boolean {
    if (!this.needsRebuild(atoms)) return false;
    this.list = buildNeighborList(atoms, this.cutoff + this.skin);
    this.reference = atoms.positions.slice();
    this.cell = Float64Array.from(atoms.cell);
    this.pbc = [...atoms.pbc];
    this.builds++;
    return true;
  }

  /** Forces the next `update` to rebuild. */
  invalidate(): void {
    this.list = null;
  }

  private needsRebuild(atoms: Pick<Atoms, 'positions' | 'cell' | 'pbc'>): boolean {
    if (!this.list || !this.reference || !this.cell || !this.pbc) return true;
    if (atoms.positions.length !== this.reference.length) return true;
    for (let k = 0; k < 9; k++) if (atoms.cell[k] !== this.cell[k]) return true;
    for (let k = 0; k < 3; k++) if (atoms.pbc[k] !== this.pbc[k]) return true;
    const limit = (0.5 * this.skin) ** 2;
    const p = atoms.positions;
    const r = this.reference;
    for (let a = 0; a < p.length; a += 3) {
      const dx = p[a]! - r[a]!;
      const dy = p[a + 1]! - r[a + 1]!;
      const dz = p[a + 2]! - r[a + 2]!;
      if (dx * dx + dy * dy + dz * dz > limit) return true;
    }
    return false;
  }
}
