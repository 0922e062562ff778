import { InvalidInputError } from '../errors.js';
import type { HalfPairList } from './half-pair-list.js';
import { finiteParameter, PairPotential } from './pair-potential.js';

/** Parameters of {@link LennardJones}; the names and defaults are ASE 3.22.1's. */
export interface LennardJonesOptions {
  /** Depth of the potential well ε in eV. Default 1. */
  epsilon?: number;
  /** Length σ in Å; the minimum is at 2^(1/6)·σ. Default 1. */
  sigma?: number;
  /** Cutoff radius in Å. Default 3σ. */
  rc?: number;
  /** Onset in Å of the smooth cutoff function (used only when `smooth`). Default 0.66·rc. */
  ro?: number;
  /**
   * Cutoff mode. False (default): each pair energy is shifted by −u(rc), so the energy
   * goes to zero continuously at rc while the forces jump. True: each pair energy is
   * multiplied by ASE's C¹ switching function, 1 below ro and 0 beyond rc.
   */
  smooth?: boolean;
  /** Verlet skin in Å: the pair list is rebuilt when an atom moved more than skin/2. Default 0.3. */
  skin?: number;
}

/**
 * Lennard-Jones pair potential, defined exactly as ASE 3.22.1's
 * `ase.calculators.lj.LennardJones`: u(r) = 4ε((σ/r)¹² − (σ/r)⁶) for r ≤ rc and 0 beyond,
 * either shifted by −u(rc) (default) or multiplied by ASE's switching function
 * fc(r²) = (rc² − r²)²(rc² + 2r² − 3ro²)/(rc² − ro²)³ between ro and rc (`smooth: true`).
 *
 * Properties as ASE: energy and free_energy (eV), forces (eV/Å, length 3N), energies (eV,
 * half of each pair energy to each atom, length N), stress (eV/Å³, Voigt xx yy zz yz xz xy,
 * the virial (1/V)·Σ_pairs f_ij ⊗ r_ij) and stresses (length 6N, half of each pair's share
 * to each atom). Stress exists only for a three-dimensional cell (ASE: `cell.rank == 3`,
 * whatever the periodicity); otherwise asking for it throws PropertyNotImplementedError,
 * as ASE's `get_property` does when the property is absent from its results. (ASE counts
 * non-zero lattice vectors; a singular cell with three non-zero vectors has no stress here
 * instead of a division by zero.)
 *
 * Built for MD: a Verlet half pair list over the atoms and their periodic images, reused
 * until a pair outside it could have come within rc (atoms moved more than skin/2, or the
 * cell was strained too much); see {@link PairPotential} for what each call computes.
 */
export class LennardJones extends PairPotential {
  /** Short name for logs: "lj". */
  readonly name = 'lj';
  /** Well depth ε in eV. */
  readonly epsilon: number;
  /** σ in Å. */
  readonly sigma: number;
  /** Cutoff in Å. */
  readonly rc: number;
  /** Onset of the smooth cutoff in Å. */
  readonly ro: number;
  /** Whether ASE's smooth cutoff function replaces the energy shift. */
  readonly smooth: boolean;
  private readonly sigma2: number;
  private readonly rc2: number;
  private readonly ro2: number;
  /** (rc² − ro²)³, the denominator of the switching function. */
  private readonly width3: number;
  /** u(rc) in eV, subtracted from every pair energy in the shifted mode (ASE's e0). */
  private readonly e0: number;
  /** The kernels' constants; see {@link shiftedKernel} and {@link smoothKernel}. */
  private readonly coefficients: Float64Array;

  /** @param options ε (eV), σ, rc, ro, skin (Å), smooth; see {@link LennardJonesOptions}. */
  constructor(options: LennardJonesOptions = {}) {
    const sigma = finiteParameter(options.sigma ?? 1, 'sigma');
    const rc = finiteParameter(options.rc ?? 3 * sigma, 'rc');
    const skin = finiteParameter(options.skin ?? 0.3, 'skin');
    super(rc, skin);
    this.epsilon = finiteParameter(options.epsilon ?? 1, 'epsilon');
    this.sigma = sigma;
    this.rc = rc;
    this.ro = finiteParameter(options.ro ?? 0.66 * rc, 'ro');
    this.smooth = Boolean(options.smooth ?? false);
    if (this.smooth && !(this.ro < rc)) {
      // ASE would silently fall back to an unshifted, truncated LJ; that is never meant.
      throw new InvalidInputError(`smooth mode needs ro < rc, got ro ${this.ro} Å and rc ${rc} Å`);
    }
    this.sigma2 = sigma * sigma;
    this.rc2 = rc * rc;
    this.ro2 = this.ro * this.ro;
    this.width3 = (this.rc2 - this.ro2) ** 3;
    this.e0 = 4 * this.epsilon * ((sigma / rc) ** 12 - (sigma / rc) ** 6);
    this.coefficients = Float64Array.of(
      4 * this.epsilon,
      -24 * this.epsilon,
      this.sigma2,
      this.rc2,
      this.smooth ? this.ro2 : this.e0,
    );
    Object.assign(this.parameters, {
      epsilon: this.epsilon,
      sigma: this.sigma,
      rc: this.rc,
      ro: this.ro,
      smooth: this.smooth,
      skin,
      neighborBuilds: 0,
    });
  }

  protected pairTerm(r2: number, out: Float64Array): void {
    const t = this.sigma2 / r2;
    const c6 = t * t * t;
    const c12 = c6 * c6;
    let e = 4 * this.epsilon * (c12 - c6);
    let du = (-24 * this.epsilon * (2 * c12 - c6)) / r2;
    if (!this.smooth) e -= this.e0;
    else if (r2 >= this.ro2) {
      const { rc2, ro2, width3 } = this;
      const fc = r2 < rc2 ? ((rc2 - r2) ** 2 * (rc2 + 2 * r2 - 3 * ro2)) / width3 : 0;
      const dfc = r2 < rc2 ? (6 * (rc2 - r2) * (ro2 - r2)) / width3 : 0;
      du = fc * du + 2 * dfc * e;
      e *= fc;
    }
    out[0] = e;
    out[1] = du;
  }

  protected forceKernel(pairs: HalfPairList, forces: Float64Array): number {
    // Two loops rather than one with an `if (smooth)` inside: V8 compiles a branch it has
    // never seen taken into a path that boxes the pair energy, which made the shifted loop
    // five times slower.
    return this.smooth
      ? smoothKernel(pairs, forces, this.coefficients)
      : shiftedKernel(pairs, forces, this.coefficients);
  }
}

// Performance notes for the kernels below (V8): the constants come in a Float64Array, whose
// elements load as raw doubles, because a number passed as an argument stays a tagged value
// that the optimised loop re-checks and unboxes at every use (~15% of the loop). Row i keeps
// its position and force in locals; the list's entries (atoms and periodic images) make the
// pair vector a plain difference, so a pair costs one 4-byte index of list.

/**
 * Shifted LJ over a half list: adds forces (eV/Å) per entry of the extended system to
 * `forces` and returns the energy (eV). Pairs with r² > rc² (the skin) are skipped; r² = rc²
 * counts, as ASE's `c6[r2 > rc**2] = 0`. `c` holds 4ε, −24ε, σ², rc², u(rc).
 *
 * Two neighbours per iteration (and one for an odd row's last): each pair's work is
 * independent of the other's, which the CPU overlaps, ~5% faster than one at a time.
 */
function shiftedKernel(pairs: HalfPairList, forces: Float64Array, c: Float64Array): number {
  const e4 = c[0]!;
  const f24 = c[1]!;
  const sigma2 = c[2]!;
  const rc2 = c[3]!;
  const e0 = c[4]!;
  const rows = pairs.atomCount;
  const rowEntry = pairs.rowEntry;
  const rowStart = pairs.rowStart;
  const nbr = pairs.neighbors;
  const pos = pairs.positions;
  let energy = 0;
  for (let row = 0; row < rows; row++) {
    const i3 = 3 * rowEntry[row]!;
    const xi = pos[i3]!;
    const yi = pos[i3 + 1]!;
    const zi = pos[i3 + 2]!;
    let fxi = 0;
    let fyi = 0;
    let fzi = 0;
    const end = rowStart[row + 1]!;
    let k = rowStart[row]!;
    for (; k + 1 < end; k += 2) {
      // `| 0`: plain int32 index arithmetic, without overflow checks.
      const ax = (3 * nbr[k]!) | 0;
      const ay = (ax + 1) | 0;
      const az = (ax + 2) | 0;
      const bx = (3 * nbr[k + 1]!) | 0;
      const by = (bx + 1) | 0;
      const bz = (bx + 2) | 0;
      // Entry positions are x + S·cell, so these are ASE's x_j + S·cell − x_i.
      const dxa = pos[ax]! - xi;
      const dya = pos[ay]! - yi;
      const dza = pos[az]! - zi;
      const dxb = pos[bx]! - xi;
      const dyb = pos[by]! - yi;
      const dzb = pos[bz]! - zi;
      const r2a = dxa * dxa + dya * dya + dza * dza;
      const r2b = dxb * dxb + dyb * dyb + dzb * dzb;
      if (r2a <= rc2) {
        const inv = 1 / r2a;
        const t = sigma2 * inv;
        const c6 = t * t * t;
        const c12 = c6 * c6;
        energy += e4 * (c12 - c6) - e0;
        // (du/dr)/r: the force on i is du·r_ij, on j the opposite.
        const du = f24 * (2 * c12 - c6) * inv;
        const fx = du * dxa;
        const fy = du * dya;
        const fz = du * dza;
        fxi += fx;
        fyi += fy;
        fzi += fz;
        forces[ax]! -= fx;
        forces[ay]! -= fy;
        forces[az]! -= fz;
      }
      if (r2b <= rc2) {
        const inv = 1 / r2b;
        const t = sigma2 * inv;
        const c6 = t * t * t;
        const c12 = c6 * c6;
        energy += e4 * (c12 - c6) - e0;
        const du = f24 * (2 * c12 - c6) * inv;
        const fx = du * dxb;
        const fy = du * dyb;
        const fz = du * dzb;
        fxi += fx;
        fyi += fy;
        fzi += fz;
        forces[bx]! -= fx;
        forces[by]! -= fy;
        forces[bz]! -= fz;
      }
    }
    if (k < end) {
      const ax = (3 * nbr[k]!) | 0;
      const ay = (ax + 1) | 0;
      const az = (ax + 2) | 0;
      const dxa = pos[ax]! - xi;
      const dya = pos[ay]! - yi;
      const dza = pos[az]! - zi;
      const r2a = dxa * dxa + dya * dya + dza * dza;
      if (r2a <= rc2) {
        const inv = 1 / r2a;
        const t = sigma2 * inv;
        const c6 = t * t * t;
        const c12 = c6 * c6;
        energy += e4 * (c12 - c6) - e0;
        const du = f24 * (2 * c12 - c6) * inv;
        const fx = du * dxa;
        const fy = du * dya;
        const fz = du * dza;
        fxi += fx;
        fyi += fy;
        fzi += fz;
        forces[ax]! -= fx;
        forces[ay]! -= fy;
        forces[az]! -= fz;
      }
    }
    forces[i3]! += fxi;
    forces[i3 + 1]! += fyi;
    forces[i3 + 2]! += fzi;
  }
  return energy;
}

/**
 * LJ times ASE's switching function fc(r²) (1 below ro², 0 from rc², C¹ between); same
 * outputs as {@link shiftedKernel}. `c` holds 4ε, −24ε, σ², rc², ro².
 */
function smoothKernel(pairs: HalfPairList, forces: Float64Array, c: Float64Array): number {
  const e4 = c[0]!;
  const f24 = c[1]!;
  const sigma2 = c[2]!;
  const rc2 = c[3]!;
  const invWidth = 1 / (rc2 - c[4]!);
  const rows = pairs.atomCount;
  const rowEntry = pairs.rowEntry;
  const rowStart = pairs.rowStart;
  const nbr = pairs.neighbors;
  const pos = pairs.positions;
  let energy = 0;
  for (let row = 0; row < rows; row++) {
    const i3 = 3 * rowEntry[row]!;
    const xi = pos[i3]!;
    const yi = pos[i3 + 1]!;
    const zi = pos[i3 + 2]!;
    let fxi = 0;
    let fyi = 0;
    let fzi = 0;
    const end = rowStart[row + 1]!;
    for (let k = rowStart[row]!; k < end; k++) {
      const jx = (3 * nbr[k]!) | 0;
      const jy = (jx + 1) | 0;
      const jz = (jx + 2) | 0;
      const dx = pos[jx]! - xi;
      const dy = pos[jy]! - yi;
      const dz = pos[jz]! - zi;
      const r2 = dx * dx + dy * dy + dz * dz;
      if (r2 > rc2) continue;
      const inv = 1 / r2;
      const t = sigma2 * inv;
      const c6 = t * t * t;
      const c12 = c6 * c6;
      const u = e4 * (c12 - c6);
      const dudr = f24 * (2 * c12 - c6) * inv;
      // ASE's cutoff_function and d_cutoff_function, both of r² (hence the 2 in the force:
      // d(r²)/dr_ij = 2·r_ij). With x = (rc² − r²)/(rc² − ro²) clamped to [0, 1] they are
      // x²(3 − 2x) and 6x(x − 1)/(rc² − ro²): exactly 1 and 0 below ro. No if-block, because
      // V8 compiles a block it has not seen run into code that boxes the values it sets (and
      // the shell holds too many pairs for a predictable branch). x ≥ 0 since r² ≤ rc².
      const y = (rc2 - r2) * invWidth;
      const x = y < 1 ? y : 1;
      const fc = x * x * (3 - 2 * x);
      const dfc = 6 * x * (x - 1) * invWidth;
      energy += u * fc;
      const du = fc * dudr + 2 * dfc * u;
      const fx = du * dx;
      const fy = du * dy;
      const fz = du * dz;
      fxi += fx;
      fyi += fy;
      fzi += fz;
      forces[jx]! -= fx;
      forces[jy]! -= fy;
      forces[jz]! -= fz;
    }
    forces[i3]! += fxi;
    forces[i3 + 1]! += fyi;
    forces[i3 + 2]! += fzi;
  }
  return energy;
}
