import { InvalidInputError } from '../errors.js';
import type { HalfPairList } from './half-pair-list.js';
import { finiteParameter, PairPotential } from './pair-potential.js';

/** Parameters of {@link Morse}; the names and defaults are ASE 3.22.1's `MorsePotential`. */
export interface MorseOptions {
  /** Depth of the well ε in eV. Default 1. */
  epsilon?: number;
  /** Dimensionless steepness ρ0; the force constant at the minimum is 2ε(ρ0/r0)². Default 6. */
  rho0?: number;
  /** Position of the minimum r0 in Å. Default 1. */
  r0?: number;
  /** Inner cutoff as a multiple of r0 (the switching function starts there). Default 1.9. */
  rcut1?: number;
  /** Outer cutoff as a multiple of r0 (everything is zero beyond). Default 2.7. */
  rcut2?: number;
  /** Verlet skin in Å: the pair list is rebuilt when an atom moved more than skin/2. Default 0.3. */
  skin?: number;
}

/**
 * Morse pair potential as ASE 3.22.1's `ase.calculators.morse.MorsePotential`:
 * E(r) = ε·e^{ρ0(1 − r/r0)}·(e^{ρ0(1 − r/r0)} − 2), multiplied by JuLIP's quintic switching
 * function fc (C², 1 below rcut1·r0, 0 beyond rcut2·r0, fc(s) = 6s⁵ − 15s⁴ + 10s³ with
 * s = 1 − (r − rcut1·r0)/((rcut2 − rcut1)·r0)). Energy and forces are ASE's to rounding.
 *
 * ASE 3.22.1 implements only energy and forces for this potential. This class also gives,
 * with the same conventions as {@link LennardJones}: per-atom energies (half of each pair
 * energy), the virial stress (1/V)·Σ_pairs f_ij ⊗ r_ij in eV/Å³ (Voigt xx yy zz yz xz xy,
 * needs a three-dimensional cell, PropertyNotImplementedError otherwise) and per-atom
 * stresses. See {@link PairPotential} for what each call computes.
 */
export class Morse extends PairPotential {
  /** Short name for logs: "morse". */
  readonly name = 'morse';
  /** Well depth ε in eV. */
  readonly epsilon: number;
  /** Steepness ρ0 (dimensionless). */
  readonly rho0: number;
  /** Minimum r0 in Å. */
  readonly r0: number;
  /** Inner cutoff as a multiple of r0. */
  readonly rcut1: number;
  /** Outer cutoff as a multiple of r0. */
  readonly rcut2: number;

  /** @param options ε (eV), ρ0, r0 (Å), rcut1, rcut2 (× r0), skin (Å); see {@link MorseOptions}. */
  constructor(options: MorseOptions = {}) {
    const r0 = finiteParameter(options.r0 ?? 1, 'r0');
    const rcut1 = finiteParameter(options.rcut1 ?? 1.9, 'rcut1');
    const rcut2 = finiteParameter(options.rcut2 ?? 2.7, 'rcut2');
    const skin = finiteParameter(options.skin ?? 0.3, 'skin');
    if (!(r0 > 0)) throw new InvalidInputError(`r0 must be positive, got ${r0} Å`);
    if (!(rcut2 > rcut1))
      throw new InvalidInputError(`rcut2 (${rcut2}) must exceed rcut1 (${rcut1})`);
    super(rcut2 * r0, skin);
    this.epsilon = finiteParameter(options.epsilon ?? 1, 'epsilon');
    this.rho0 = finiteParameter(options.rho0 ?? 6, 'rho0');
    this.r0 = r0;
    this.rcut1 = rcut1;
    this.rcut2 = rcut2;
    Object.assign(this.parameters, {
      epsilon: this.epsilon,
      rho0: this.rho0,
      r0: this.r0,
      rcut1: this.rcut1,
      rcut2: this.rcut2,
      skin,
      neighborBuilds: 0,
    });
  }

  protected pairTerm(r2: number, out: Float64Array): void {
    const d = Math.sqrt(r2);
    const expf = Math.exp(this.rho0 * (1 - d / this.r0));
    const e = this.epsilon * expf * (expf - 2);
    const dedr = ((-2 * this.epsilon * this.rho0) / this.r0) * expf * (expf - 1);
    const inner = this.rcut1 * this.r0;
    const width = this.rcut2 * this.r0 - inner;
    const s = 1 - (d - inner) / width;
    let fc = 0;
    let dfc = 0;
    if (s >= 1) fc = 1;
    else if (s > 0) {
      fc = 6 * s ** 5 - 15 * s ** 4 + 10 * s ** 3;
      dfc = -(30 * s ** 4 - 60 * s ** 3 + 30 * s ** 2) / width;
    }
    out[0] = e * fc;
    out[1] = (dedr * fc + e * dfc) / d;
  }

  protected forceKernel(pairs: HalfPairList, forces: Float64Array): number {
    const rows = pairs.atomCount;
    const rowEntry = pairs.rowEntry;
    const rowStart = pairs.rowStart;
    const nbr = pairs.neighbors;
    const pos = pairs.positions;
    const eps = this.epsilon;
    const rho0 = this.rho0;
    const r0 = this.r0;
    const rcut1 = this.rcut1 * r0;
    const rcut2 = this.rcut2 * r0;
    const invWidth = 1 / (rcut2 - rcut1);
    const rc2 = rcut2 * rcut2;
    const preF = (-2 * eps * rho0) / r0;
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
        const j3 = 3 * nbr[k]!;
        const dx = pos[j3]! - xi;
        const dy = pos[j3 + 1]! - yi;
        const dz = pos[j3 + 2]! - zi;
        const r2 = dx * dx + dy * dy + dz * dz;
        // ASE's neighbor_list keeps d < rcut2 (and fc(rcut2) = 0 anyway).
        if (r2 >= rc2) continue;
        const d = Math.sqrt(r2);
        const expf = Math.exp(rho0 * (1 - d / r0));
        const e = eps * expf * (expf - 2);
        const dedr = preF * expf * (expf - 1);
        // JuLIP's fcut / fcut_d as in ASE, with s clamped to [0, 1]: s³(6s² − 15s + 10) is
        // exactly 1 at s = 1 and 0 at s = 0, and so is the derivative's s²(s − 1)². Branch-free,
        // because V8 compiles a branch it has not seen taken into code that boxes its values.
        const s = Math.min(1, Math.max(0, 1 - (d - rcut1) * invWidth));
        const s2 = s * s;
        const fc = s2 * s * (6 * s2 - 15 * s + 10);
        const dfc = -30 * s2 * (s - 1) * (s - 1) * invWidth;
        energy += e * fc;
        // d(E·fc)/dr / r: the force on i is g·r_ij, on j the opposite.
        const g = (dedr * fc + e * dfc) / d;
        const fx = g * dx;
        const fy = g * dy;
        const fz = g * dz;
        fxi += fx;
        fyi += fy;
        fzi += fz;
        forces[j3]! -= fx;
        forces[j3 + 1]! -= fy;
        forces[j3 + 2]! -= fz;
      }
      forces[i3]! += fxi;
      forces[i3 + 1]! += fyi;
      forces[i3 + 2]! += fzi;
    }
    return energy;
  }
}
