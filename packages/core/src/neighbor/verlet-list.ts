import type { Atoms } from '../atoms.js';
import { buildNeighborList, type NeighborList } from './neighbor-list.js';
import { SkinRebuildRule } from './skin-rebuild-rule.js';

/**
 * A neighbor list with a Verlet skin, reused across MD steps: it is built with
 * cutoff + skin and rebuilt only when some atom moved more than skin/2 since the last
 * build, or when the number of atoms or the periodicity changed, or the cell strained by
 * more than the skin allows ({@link SkinRebuildRule}). Between
 * rebuilds the list may contain pairs up to cutoff + skin apart: users must skip (or give
 * zero weight to) pairs beyond `cutoff`.
 */
export class VerletNeighborList {
  /** The current list (valid after `update`). */
  list: NeighborList | null = null;
  /** How many times the list was built. */
  builds = 0;
  private readonly rule: SkinRebuildRule;

  /**
   * @param cutoff interaction cutoff in Å.
   * @param skin extra radius in Å (0 rebuilds whenever anything moved).
   */
  constructor(
    readonly cutoff: number,
    readonly skin = 0.3,
  ) {
    this.rule = new SkinRebuildRule(cutoff, skin);
  }

  /** Rebuilds the list if needed; returns whether it did. */
  update(atoms: Pick<Atoms, 'positions' | 'cell' | 'pbc'>): boolean {
    if (this.list && !this.rule.needsRebuild(atoms)) return false;
    this.list = buildNeighborList(atoms, this.cutoff + this.skin);
    this.rule.recordBuild(atoms);
    this.builds++;
    return true;
  }

  /** Forces the next `update` to rebuild. */
  invalidate(): void {
    this.list = null;
    this.rule.invalidate();
  }
}
