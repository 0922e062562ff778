import type { Atoms } from '../atoms.js';
import { cellHeights, cellInverse, cellRank } from '../cell.js';
import { InvalidInputError } from '../errors.js';
import { completeCell } from '../neighbor/neighbor-list.js';

/** What the list needs of a structure. */
type Structure = Pick<Atoms, 'positions' | 'cell' | 'pbc'>;

/**
 * A Verlet half pair list for pair potentials: each interacting couple (i, j, S) /
 * (j, i, −S) appears once, with its Cartesian image vector S·cell precomputed. It is built
 * with cutoff + skin and rebuilt only when an atom moved more than skin/2 since the last
 * build, or when the number of atoms, the cell or the periodicity changed (the Cartesian
 * image vectors depend on the cell); between rebuilds a force call only reads these arrays.
 *
 * Pair p joins atom `first[p]` to `second[p]`; its vector is
 * `r = x[second] − x[first] + shiftVectors[3p..3p+3]` (Å). The list holds pairs up to
 * cutoff + skin apart: kernels must skip those beyond their cutoff. Pairs come grouped by
 * cell-list bin, which keeps the atoms a kernel touches close in memory.
 *
 * The builder is {@link buildNeighborList}'s binning (any triclinic cell, any mix of
 * periodic axes, cutoffs longer than the cell) visiting only half of the bin stencil, so it
 * does half the distance tests and never makes the full list.
 */
export class HalfPairList {
  /** Number of half pairs. */
  count = 0;
  /** First atom of each half pair, length ≥ count. */
  first: Int32Array = new Int32Array(0);
  /** Second atom of each half pair, length ≥ count. */
  second: Int32Array = new Int32Array(0);
  /** Cartesian image vector S·cell in Å of each half pair, length ≥ 3·count. */
  shiftVectors: Float64Array = new Float64Array(0);
  /** How many times the list was built. */
  builds = 0;
  private reference: Float64Array | null = null;
  private cell: Float64Array | null = null;
  private pbc: boolean[] | null = null;

  /**
   * @param cutoff interaction cutoff in Å.
   * @param skin Verlet skin in Å (0 rebuilds whenever anything moved).
   */
  constructor(
    readonly cutoff: number,
    readonly skin: number,
  ) {}

  /** Forces the next `update` to rebuild. */
  invalidate(): void {
    this.reference = null;
  }

  /** Brings the list up to date with the atoms; returns whether it was rebuilt. */
  update(atoms: Structure): boolean {
    if (!this.needsRebuild(atoms)) return false;
    this.build(atoms);
    this.reference = atoms.positions.slice();
    this.cell = Float64Array.from(atoms.cell);
    this.pbc = [...atoms.pbc];
    this.builds++;
    return true;
  }

  private needsRebuild(atoms: Structure): boolean {
    if (!this.reference || !this.cell || !this.pbc) return true;
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

  private ensureCapacity(pairs: number): void {
    if (this.first.length >= pairs) return;
    const capacity = Math.max(64, Math.ceil(pairs * 1.25));
    const first = new Int32Array(capacity);
    const second = new Int32Array(capacity);
    const sv = new Float64Array(3 * capacity);
    first.set(this.first.subarray(0, this.count));
    second.set(this.second.subarray(0, this.count));
    sv.set(this.shiftVectors.subarray(0, 3 * this.count));
    this.first = first;
    this.second = second;
    this.shiftVectors = sv;
  }

  private build(atoms: Structure): void {
    const cutoff = this.cutoff + this.skin;
    if (!(cutoff > 0) || !Number.isFinite(cutoff)) {
      throw new InvalidInputError(`the cutoff must be a positive number of Å, got ${cutoff}`);
    }
    const pos = atoms.positions;
    const n = pos.length / 3;
    this.count = 0;
    if (n === 0) return;
    const pbc = [Boolean(atoms.pbc[0]), Boolean(atoms.pbc[1]), Boolean(atoms.pbc[2])];
    const userCell = atoms.cell;
    const cell =
      pbc.some(Boolean) || cellRank(userCell) === 3
        ? completeCell(userCell, pbc)
        : Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1);
    const inv = cellInverse(cell);
    const heights = cellHeights(cell);

    // Fractional coordinates, wrapped into [0, 1) along periodic axes with the integer
    // offset kept (the image vector of a pair is img − offset_j + offset_i, in cells).
    const frac = new Float64Array(3 * n);
    const offset = new Int32Array(3 * n);
    const lo = [Infinity, Infinity, Infinity];
    const hi = [-Infinity, -Infinity, -Infinity];
    for (let a = 0; a < n; a++) {
      const x = pos[3 * a]!;
      const y = pos[3 * a + 1]!;
      const z = pos[3 * a + 2]!;
      if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) {
        throw new InvalidInputError(`atom ${a} has a non-finite position (${x}, ${y}, ${z})`);
      }
      for (let k = 0; k < 3; k++) {
        let s = x * inv[k]! + y * inv[3 + k]! + z * inv[6 + k]!;
        if (pbc[k]) {
          const o = Math.floor(s);
          s -= o;
          if (s >= 1) s = 0;
          offset[3 * a + k] = o;
        }
        frac[3 * a + k] = s;
        if (s < lo[k]!) lo[k] = s;
        if (s > hi[k]!) hi[k] = s;
      }
    }

    // Bins at least one cutoff thick along each height, as buildNeighborList.
    const nb = [1, 1, 1];
    const span = [1, 1, 1];
    const origin = [0, 0, 0];
    const reach = [0, 0, 0];
    for (let k = 0; k < 3; k++) {
      span[k] = pbc[k] ? 1 : hi[k]! - lo[k]!;
      origin[k] = pbc[k] ? 0 : lo[k]!;
      nb[k] = Math.max(1, Math.floor((span[k]! * heights[k]!) / cutoff));
    }
    const maxBins = Math.max(1, 4 * n);
    while (nb[0]! * nb[1]! * nb[2]! > maxBins) {
      const k = nb[0]! >= nb[1]! && nb[0]! >= nb[2]! ? 0 : nb[1]! >= nb[2]! ? 1 : 2;
      nb[k] = Math.max(1, Math.floor(nb[k]! / 2));
    }
    for (let k = 0; k < 3; k++) {
      const width = (span[k]! * heights[k]!) / nb[k]!;
      if (pbc[k]) reach[k] = Math.ceil(cutoff / width);
      else reach[k] = width > 0 ? Math.min(nb[k]! - 1, Math.ceil(cutoff / width)) : 0;
    }
    const [nb0, nb1, nb2] = nb as [number, number, number];

    // Counting sort into bins; sorted copies of the wrapped positions keep the inner loop
    // on contiguous memory.
    const nBins = nb0 * nb1 * nb2;
    const binOf = new Int32Array(n);
    const binStart = new Int32Array(nBins + 1);
    for (let a = 0; a < n; a++) {
      let flat = 0;
      for (let k = 0; k < 3; k++) {
        const t = span[k]! > 0 ? (frac[3 * a + k]! - origin[k]!) / span[k]! : 0;
        let b = Math.floor(t * nb[k]!);
        if (b >= nb[k]!) b = nb[k]! - 1;
        if (b < 0) b = 0;
        flat = flat * nb[k]! + b;
      }
      binOf[a] = flat;
      binStart[flat + 1]!++;
    }
    for (let b = 0; b < nBins; b++) binStart[b + 1]! += binStart[b]!;
    const fill = binStart.slice(0, nBins);
    const order = new Int32Array(n);
    for (let a = 0; a < n; a++) order[fill[binOf[a]!]!++] = a;
    const sx = new Float64Array(n);
    const sy = new Float64Array(n);
    const sz = new Float64Array(n);
    for (let t = 0; t < n; t++) {
      const a = order[t]!;
      const f0 = frac[3 * a]!;
      const f1 = frac[3 * a + 1]!;
      const f2 = frac[3 * a + 2]!;
      sx[t] = f0 * cell[0]! + f1 * cell[3]! + f2 * cell[6]!;
      sy[t] = f0 * cell[1]! + f1 * cell[4]! + f2 * cell[7]!;
      sz[t] = f0 * cell[2]! + f1 * cell[5]! + f2 * cell[8]!;
    }

    // Half stencil: bin offsets d > 0 in lexicographic order, plus d = 0 with j after i.
    // The reverse of a pair found through d is the one found through −d, so each couple
    // (i, j, S) / (j, i, −S) is visited exactly once.
    const stencil: number[] = [];
    for (let d0 = -reach[0]!; d0 <= reach[0]!; d0++) {
      for (let d1 = -reach[1]!; d1 <= reach[1]!; d1++) {
        for (let d2 = -reach[2]!; d2 <= reach[2]!; d2++) {
          if (d0 > 0 || (d0 === 0 && (d1 > 0 || (d1 === 0 && d2 >= 0)))) stencil.push(d0, d1, d2);
        }
      }
    }

    const cut2 = cutoff * cutoff;
    const uc = userCell;
    this.ensureCapacity(Math.max(this.count, 16 * n));
    let m = 0;
    let first = this.first;
    let second = this.second;
    let sv = this.shiftVectors;
    for (let b0 = 0; b0 < nb0; b0++) {
      for (let b1 = 0; b1 < nb1; b1++) {
        for (let b2 = 0; b2 < nb2; b2++) {
          const binA = (b0 * nb1 + b1) * nb2 + b2;
          const startA = binStart[binA]!;
          const endA = binStart[binA + 1]!;
          if (startA === endA) continue;
          for (let q = 0; q < stencil.length; q += 3) {
            const d0 = stencil[q]!;
            const d1 = stencil[q + 1]!;
            const d2 = stencil[q + 2]!;
            let c0 = b0 + d0;
            let c1 = b1 + d1;
            let c2 = b2 + d2;
            let img0 = 0;
            let img1 = 0;
            let img2 = 0;
            if (pbc[0]) {
              img0 = Math.floor(c0 / nb0);
              c0 -= img0 * nb0;
            } else if (c0 < 0 || c0 >= nb0) continue;
            if (pbc[1]) {
              img1 = Math.floor(c1 / nb1);
              c1 -= img1 * nb1;
            } else if (c1 < 0 || c1 >= nb1) continue;
            if (pbc[2]) {
              img2 = Math.floor(c2 / nb2);
              c2 -= img2 * nb2;
            } else if (c2 < 0 || c2 >= nb2) continue;
            const binB = (c0 * nb1 + c1) * nb2 + c2;
            const startB = binStart[binB]!;
            const endB = binStart[binB + 1]!;
            if (startB === endB) continue;
            const ox = img0 * cell[0]! + img1 * cell[3]! + img2 * cell[6]!;
            const oy = img0 * cell[1]! + img1 * cell[4]! + img2 * cell[7]!;
            const oz = img0 * cell[2]! + img1 * cell[5]! + img2 * cell[8]!;
            const sameBin = d0 === 0 && d1 === 0 && d2 === 0;
            for (let ti = startA; ti < endA; ti++) {
              const xi = sx[ti]! - ox;
              const yi = sy[ti]! - oy;
              const zi = sz[ti]! - oz;
              for (let tj = sameBin ? ti + 1 : startB; tj < endB; tj++) {
                const dx = sx[tj]! - xi;
                const dy = sy[tj]! - yi;
                const dz = sz[tj]! - zi;
                if (dx * dx + dy * dy + dz * dz >= cut2) continue;
                if (m === first.length) {
                  this.count = m;
                  this.ensureCapacity(2 * m);
                  first = this.first;
                  second = this.second;
                  sv = this.shiftVectors;
                }
                const i = order[ti]!;
                const j = order[tj]!;
                const s0 = img0 - offset[3 * j]! + offset[3 * i]!;
                const s1 = img1 - offset[3 * j + 1]! + offset[3 * i + 1]!;
                const s2 = img2 - offset[3 * j + 2]! + offset[3 * i + 2]!;
                first[m] = i;
                second[m] = j;
                sv[3 * m] = s0 * uc[0]! + s1 * uc[3]! + s2 * uc[6]!;
                sv[3 * m + 1] = s0 * uc[1]! + s1 * uc[4]! + s2 * uc[7]!;
                sv[3 * m + 2] = s0 * uc[2]! + s1 * uc[5]! + s2 * uc[8]!;
                m++;
              }
            }
          }
        }
      }
    }
    this.count = m;
  }
}

/**
 * The scalar part of a pair interaction at squared distance r² (Å²): writes the pair energy
 * in eV to `out[0]` and (du/dr)/r in eV/Å² to `out[1]` (the force on the first atom is
 * `out[1]·r_ij`). Called only for r² within the cutoff.
 */
export type PairTerm = (r2: number, out: Float64Array) => void;

/**
 * Per-atom energies (eV, length N, half of each pair energy to each atom) and per-atom
 * virials (eV, Voigt from the upper triangle of f ⊗ r, length 6N, half to each atom), for the
 * pairs within `cutoff2` (Å²) of a half list. A separate pass from the force kernels: MD
 * rarely asks for these, so the hot loops stay free of them.
 */
export function accumulatePerAtom(
  pairs: HalfPairList,
  positions: Float64Array,
  cutoff2: number,
  term: PairTerm,
  energies: Float64Array | null,
  stresses: Float64Array | null,
): void {
  const out = new Float64Array(2);
  const first = pairs.first;
  const second = pairs.second;
  const sv = pairs.shiftVectors;
  const pos = positions;
  for (let p = 0; p < pairs.count; p++) {
    const i = first[p]!;
    const j = second[p]!;
    const dx = pos[3 * j]! + sv[3 * p]! - pos[3 * i]!;
    const dy = pos[3 * j + 1]! + sv[3 * p + 1]! - pos[3 * i + 1]!;
    const dz = pos[3 * j + 2]! + sv[3 * p + 2]! - pos[3 * i + 2]!;
    const r2 = dx * dx + dy * dy + dz * dz;
    if (r2 > cutoff2) continue;
    term(r2, out);
    if (energies !== null) {
      energies[i]! += 0.5 * out[0]!;
      energies[j]! += 0.5 * out[0]!;
    }
    if (stresses !== null) {
      const du = out[1]!;
      const fx = du * dx;
      const fy = du * dy;
      const fz = du * dz;
      const a = 6 * i;
      const b = 6 * j;
      const v0 = 0.5 * fx * dx;
      const v1 = 0.5 * fy * dy;
      const v2 = 0.5 * fz * dz;
      const v3 = 0.5 * fy * dz;
      const v4 = 0.5 * fx * dz;
      const v5 = 0.5 * fx * dy;
      stresses[a]! += v0;
      stresses[a + 1]! += v1;
      stresses[a + 2]! += v2;
      stresses[a + 3]! += v3;
      stresses[a + 4]! += v4;
      stresses[a + 5]! += v5;
      stresses[b]! += v0;
      stresses[b + 1]! += v1;
      stresses[b + 2]! += v2;
      stresses[b + 3]! += v3;
      stresses[b + 4]! += v4;
      stresses[b + 5]! += v5;
    }
  }
}
