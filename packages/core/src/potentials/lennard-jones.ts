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
 * Built for MD: a Verlet half pair list with precomputed image vectors, reused until an atom
 * moved more than skin/2 or the cell changed; see {@link PairPotential} for what each call
 * computes.
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

  protected forceKernel(
    pairs: HalfPairList,
    positions: Float64Array,
    forces: Float64Array,
    virial: Float64Array | null,
  ): number {
    // Two loops rather than one with an `if (smooth)` inside: V8 compiles a branch it has
    // never seen taken into a path that boxes the pair energy, which made the shifted loop
    // five times slower.
    return this.smooth
      ? smoothKernel(
          pairs,
          positions,
          forces,
          virial,
          this.epsilon,
          this.sigma2,
          this.rc2,
          this.ro2,
        )
      : shiftedKernel(
          pairs,
          positions,
          forces,
          virial,
          this.epsilon,
          this.sigma2,
          this.rc2,
          this.e0,
        );
  }
}

/**
 * Shifted LJ over a half list: adds forces (eV/Å) to `forces`, Σ f ⊗ r (eV, Voigt, upper
 * triangle) to `virial` when given, returns the energy (eV). Pairs with r² > rc² (the skin)
 * are skipped; r² = rc² counts, as ASE's `c6[r2 > rc**2] = 0`.
 */
function shiftedKernel(
  pairs: HalfPairList,
  pos: Float64Array,
  forces: Float64Array,
  virial: Float64Array | null,
  epsilon: number,
  sigma2: number,
  rc2: number,
  e0: number,
): number {
  const m = pairs.count;
  const first = pairs.first;
  const second = pairs.second;
  const sv = pairs.shiftVectors;
  const e4 = 4 * epsilon;
  const f24 = -24 * epsilon;
  const withVirial = virial !== null;
  let energy = 0;
  let vxx = 0;
  let vyy = 0;
  let vzz = 0;
  let vyz = 0;
  let vxz = 0;
  let vxy = 0;
  for (let p = 0; p < m; p++) {
    const i3 = 3 * first[p]!;
    const j3 = 3 * second[p]!;
    const p3 = 3 * p;
    // Same operation order as ASE: x_j + S·cell − x_i.
    const dx = pos[j3]! + sv[p3]! - pos[i3]!;
    const dy = pos[j3 + 1]! + sv[p3 + 1]! - pos[i3 + 1]!;
    const dz = pos[j3 + 2]! + sv[p3 + 2]! - pos[i3 + 2]!;
    const r2 = dx * dx + dy * dy + dz * dz;
    if (r2 > rc2) continue;
    const inv = 1 / r2;
    const t = sigma2 * inv;
    const c6 = t * t * t;
    const c12 = c6 * c6;
    energy += e4 * (c12 - c6) - e0;
    // (du/dr)/r: the force on i is du·r_ij, on j the opposite.
    const du = f24 * (2 * c12 - c6) * inv;
    const fx = du * dx;
    const fy = du * dy;
    const fz = du * dz;
    forces[i3]! += fx;
    forces[i3 + 1]! += fy;
    forces[i3 + 2]! += fz;
    forces[j3]! -= fx;
    forces[j3 + 1]! -= fy;
    forces[j3 + 2]! -= fz;
    if (withVirial) {
      vxx += fx * dx;
      vyy += fy * dy;
      vzz += fz * dz;
      vyz += fy * dz;
      vxz += fx * dz;
      vxy += fx * dy;
    }
  }
  if (virial !== null) setVirial(virial, vxx, vyy, vzz, vyz, vxz, vxy);
  return energy;
}

/**
 * LJ times ASE's switching function fc(r²) (1 below ro², 0 from rc², C¹ between); same
 * outputs as {@link shiftedKernel}.
 */
function smoothKernel(
  pairs: HalfPairList,
  pos: Float64Array,
  forces: Float64Array,
  virial: Float64Array | null,
  epsilon: number,
  sigma2: number,
  rc2: number,
  ro2: number,
): number {
  const m = pairs.count;
  const first = pairs.first;
  const second = pairs.second;
  const sv = pairs.shiftVectors;
  const e4 = 4 * epsilon;
  const f24 = -24 * epsilon;
  const invWidth = 1 / (rc2 - ro2);
  const withVirial = virial !== null;
  let energy = 0;
  let vxx = 0;
  let vyy = 0;
  let vzz = 0;
  let vyz = 0;
  let vxz = 0;
  let vxy = 0;
  for (let p = 0; p < m; p++) {
    const i3 = 3 * first[p]!;
    const j3 = 3 * second[p]!;
    const p3 = 3 * p;
    const dx = pos[j3]! + sv[p3]! - pos[i3]!;
    const dy = pos[j3 + 1]! + sv[p3 + 1]! - pos[i3 + 1]!;
    const dz = pos[j3 + 2]! + sv[p3 + 2]! - pos[i3 + 2]!;
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
    forces[i3]! += fx;
    forces[i3 + 1]! += fy;
    forces[i3 + 2]! += fz;
    forces[j3]! -= fx;
    forces[j3 + 1]! -= fy;
    forces[j3 + 2]! -= fz;
    if (withVirial) {
      vxx += fx * dx;
      vyy += fy * dy;
      vzz += fz * dz;
      vyz += fy * dz;
      vxz += fx * dz;
      vxy += fx * dy;
    }
  }
  if (virial !== null) setVirial(virial, vxx, vyy, vzz, vyz, vxz, vxy);
  return energy;
}

/** Writes the six Voigt components (eV). */
function setVirial(
  virial: Float64Array,
  xx: number,
  yy: number,
  zz: number,
  yz: number,
  xz: number,
  xy: number,
): void {
  virial[0] = xx;
  virial[1] = yy;
  virial[2] = zz;
  virial[3] = yz;
  virial[4] = xz;
  virial[5] = xy;
}
