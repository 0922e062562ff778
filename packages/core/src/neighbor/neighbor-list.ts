import type { Pbc } from '../atoms.js';
import { cellRank, cellVectorLength } from '../cell.js';
import { InvalidInputError } from '../errors.js';
import { binningFrame } from './binning-frame.js';

/** What a neighbor search needs of a structure. */
export interface NeighborSystem {
  /** Cartesian positions in Å, length 3N. */
  positions: ArrayLike<number>;
  /** Cell rows in Å, length 9 (zeros allowed along non-periodic axes). */
  cell: ArrayLike<number>;
  pbc: Pbc | readonly boolean[];
}

/**
 * A full pair list (both i→j and j→i), sorted by the first atom. For pair p, the vector
 * from atom i = `first[p]` to the neighbor is
 * `r_ij = positions[j] − positions[i] + shifts[3p..3p+3] · cell` with j = `second[p]`, and
 * its length is below the cutoff the list was built with (at build time). The same atom
 * may appear several times in a row with different shifts when the cutoff exceeds half the
 * cell height.
 */
export interface NeighborList {
  nAtoms: number;
  nPairs: number;
  /** Cutoff in Å the list was built with (including any skin). */
  cutoff: number;
  /** First atom of each pair, length nPairs, non-decreasing. */
  first: Int32Array;
  /** Second atom of each pair, length nPairs. */
  second: Int32Array;
  /** Integer image offsets of the second atom, length 3·nPairs. */
  shifts: Int32Array;
  /** Row pointers: pairs of atom i are `rowStart[i] .. rowStart[i+1]`, length nAtoms + 1. */
  rowStart: Int32Array;
}

/** Options of {@link buildNeighborList}. */
export interface NeighborListOptions {
  /**
   * Cap on the number of bins, as a multiple of the number of atoms; bins only get wider
   * (never wrong) when capped. Default 4.
   */
  maxBinsPerAtom?: number;
}

class GrowableInt32 {
  data: Int32Array;
  length = 0;
  constructor(capacity: number) {
    this.data = new Int32Array(Math.max(16, capacity));
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  trimmed(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

/**
 * A full-rank cell to bin in: the periodic lattice vectors as given, the non-periodic ones
 * kept when they are non-zero and independent, and completed by orthonormal vectors
 * otherwise (as ASE's `complete_cell`). Throws when the periodic vectors are degenerate.
 */
export function completeCell(cell: ArrayLike<number>, pbc: readonly boolean[]): Float64Array {
  const out = Float64Array.from({ length: 9 }, (_, i) => cell[i] ?? 0);
  if (cellRank(out) === 3) return out;
  const keep: number[] = [];
  const tryKeep = (i: number) => {
    if (cellVectorLength(out, i) === 0) return false;
    const candidate = [...keep, i];
    if (rankOfRows(out, candidate) === candidate.length) {
      keep.push(i);
      return true;
    }
    return false;
  };
  for (let i = 0; i < 3; i++) {
    if (pbc[i] && !tryKeep(i)) {
      throw new InvalidInputError(
        `lattice vector ${i + 1} is periodic but zero or parallel to another periodic vector: the cell is singular`,
      );
    }
  }
  for (let i = 0; i < 3; i++) if (!pbc[i]) tryKeep(i);
  const basis = keep.map(
    (i) => [out[3 * i]!, out[3 * i + 1]!, out[3 * i + 2]!] as [number, number, number],
  );
  for (let i = 0; i < 3; i++) {
    if (keep.includes(i)) continue;
    const v = orthonormalComplement(basis);
    basis.push(v);
    out[3 * i] = v[0];
    out[3 * i + 1] = v[1];
    out[3 * i + 2] = v[2];
  }
  // A completed cell may be left-handed; that does not matter for binning.
  return out;
}

function rankOfRows(cell: Float64Array, rows: number[]): number {
  const m = Float64Array.from({ length: 9 }, () => 0);
  rows.forEach((r, k) => {
    m[3 * k] = cell[3 * r]!;
    m[3 * k + 1] = cell[3 * r + 1]!;
    m[3 * k + 2] = cell[3 * r + 2]!;
  });
  return cellRank(m);
}

function orthonormalComplement(basis: [number, number, number][]): [number, number, number] {
  const unit = (v: number[]): [number, number, number] => {
    const l = Math.hypot(v[0]!, v[1]!, v[2]!);
    return [v[0]! / l, v[1]! / l, v[2]! / l];
  };
  if (basis.length === 2) {
    const [a, b] = basis as [[number, number, number], [number, number, number]];
    return unit([a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]);
  }
  // Gram-Schmidt of the axis least aligned with the existing vectors.
  const axes: [number, number, number][] = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ];
  let best: [number, number, number] = [1, 0, 0];
  let bestNorm = -1;
  for (const e of axes) {
    const v = [...e];
    for (const b of basis) {
      const u = unit(b);
      const d = v[0]! * u[0] + v[1]! * u[1] + v[2]! * u[2];
      for (let k = 0; k < 3; k++) v[k]! -= d * u[k]!;
    }
    const norm = Math.hypot(v[0]!, v[1]!, v[2]!);
    if (norm > bestNorm) {
      bestNorm = norm;
      best = unit(v);
    }
  }
  return best;
}

/**
 * Builds a full neighbor list with cell lists in O(N): all pairs (i, j, shift) with
 * |r_ij| < cutoff, for any triclinic cell, any mix of periodic axes, and cutoffs larger
 * than the cell (several images of one neighbour). An atom is never its own neighbour
 * with a zero shift.
 *
 * @param cutoff radius in Å (include any Verlet skin here).
 */
export function buildNeighborList(
  system: NeighborSystem,
  cutoff: number,
  options: NeighborListOptions = {},
): NeighborList {
  if (!(cutoff > 0) || !Number.isFinite(cutoff))
    throw new InvalidInputError(`the cutoff must be a positive number of Å, got ${cutoff}`);
  const pos = system.positions;
  const n = pos.length / 3;
  const pbc = [Boolean(system.pbc[0]), Boolean(system.pbc[1]), Boolean(system.pbc[2])];
  const rowStart = new Int32Array(n + 1);
  if (n === 0) {
    return {
      nAtoms: 0,
      nPairs: 0,
      cutoff,
      first: new Int32Array(0),
      second: new Int32Array(0),
      shifts: new Int32Array(0),
      rowStart,
    };
  }
  // Fractional coordinates, wrapped into [0, 1) along periodic axes with the integer
  // offset kept: atom a sits at image −offset of its wrapped position.
  const { cell, heights, frac, offset, lo, hi } = binningFrame(pos, system.cell, pbc);

  // Bins: along each axis, slabs at least `cutoff` thick where the extent allows.
  const nb = [1, 1, 1];
  const width = [0, 0, 0];
  const span = [1, 1, 1];
  const origin = [0, 0, 0];
  for (let k = 0; k < 3; k++) {
    if (pbc[k]) {
      span[k] = 1;
      origin[k] = 0;
    } else {
      span[k] = hi[k]! - lo[k]!;
      origin[k] = lo[k]!;
    }
    const extent = span[k]! * heights[k]!;
    nb[k] = Math.max(1, Math.floor(extent / cutoff));
  }
  const maxBins = Math.max(1, Math.ceil((options.maxBinsPerAtom ?? 4) * n));
  while (nb[0]! * nb[1]! * nb[2]! > maxBins) {
    const k = nb[0]! >= nb[1]! && nb[0]! >= nb[2]! ? 0 : nb[1]! >= nb[2]! ? 1 : 2;
    nb[k] = Math.max(1, Math.floor(nb[k]! / 2));
  }
  const reach = [0, 0, 0];
  for (let k = 0; k < 3; k++) {
    width[k] = (span[k]! * heights[k]!) / nb[k]!;
    if (pbc[k]) reach[k] = Math.ceil(cutoff / width[k]!);
    else reach[k] = width[k]! > 0 ? Math.min(nb[k]! - 1, Math.ceil(cutoff / width[k]!)) : 0;
  }

  // Counting sort of atoms into bins.
  const nBins = nb[0]! * nb[1]! * nb[2]!;
  const binOf = new Int32Array(n);
  const binCoord = new Int32Array(3 * n);
  const binCount = new Int32Array(nBins + 1);
  for (let a = 0; a < n; a++) {
    let flat = 0;
    for (let k = 0; k < 3; k++) {
      const t = span[k]! > 0 ? (frac[3 * a + k]! - origin[k]!) / span[k]! : 0;
      let b = Math.floor(t * nb[k]!);
      if (b >= nb[k]!) b = nb[k]! - 1;
      if (b < 0) b = 0;
      binCoord[3 * a + k] = b;
      flat = flat * nb[k]! + b;
    }
    binOf[a] = flat;
    binCount[flat + 1]!++;
  }
  for (let b = 0; b < nBins; b++) binCount[b + 1]! += binCount[b]!;
  const binAtoms = new Int32Array(n);
  const fill = binCount.slice(0, nBins);
  for (let a = 0; a < n; a++) binAtoms[fill[binOf[a]!]!++] = a;

  // Wrapped Cartesian positions.
  const wrapped = new Float64Array(3 * n);
  for (let a = 0; a < n; a++) {
    const s0 = frac[3 * a]!;
    const s1 = frac[3 * a + 1]!;
    const s2 = frac[3 * a + 2]!;
    for (let k = 0; k < 3; k++)
      wrapped[3 * a + k] = s0 * cell[k]! + s1 * cell[3 + k]! + s2 * cell[6 + k]!;
  }

  const cut2 = cutoff * cutoff;
  const estimate = Math.min(2 ** 28, Math.ceil(n * 64));
  const first = new GrowableInt32(estimate);
  const second = new GrowableInt32(estimate);
  const shifts = new GrowableInt32(3 * estimate);
  for (let i = 0; i < n; i++) {
    rowStart[i] = first.length;
    const xi = wrapped[3 * i]!;
    const yi = wrapped[3 * i + 1]!;
    const zi = wrapped[3 * i + 2]!;
    for (let d0 = -reach[0]!; d0 <= reach[0]!; d0++) {
      let b0 = binCoord[3 * i]! + d0;
      let img0 = 0;
      if (pbc[0]) {
        img0 = Math.floor(b0 / nb[0]!);
        b0 -= img0 * nb[0]!;
      } else if (b0 < 0 || b0 >= nb[0]!) continue;
      for (let d1 = -reach[1]!; d1 <= reach[1]!; d1++) {
        let b1 = binCoord[3 * i + 1]! + d1;
        let img1 = 0;
        if (pbc[1]) {
          img1 = Math.floor(b1 / nb[1]!);
          b1 -= img1 * nb[1]!;
        } else if (b1 < 0 || b1 >= nb[1]!) continue;
        for (let d2 = -reach[2]!; d2 <= reach[2]!; d2++) {
          let b2 = binCoord[3 * i + 2]! + d2;
          let img2 = 0;
          if (pbc[2]) {
            img2 = Math.floor(b2 / nb[2]!);
            b2 -= img2 * nb[2]!;
          } else if (b2 < 0 || b2 >= nb[2]!) continue;
          const ox = img0 * cell[0]! + img1 * cell[3]! + img2 * cell[6]!;
          const oy = img0 * cell[1]! + img1 * cell[4]! + img2 * cell[7]!;
          const oz = img0 * cell[2]! + img1 * cell[5]! + img2 * cell[8]!;
          const self = img0 === 0 && img1 === 0 && img2 === 0;
          const bin = (b0 * nb[1]! + b1) * nb[2]! + b2;
          for (let t = binCount[bin]!, end = binCount[bin + 1]!; t < end; t++) {
            const j = binAtoms[t]!;
            if (self && j === i) continue;
            const dx = wrapped[3 * j]! + ox - xi;
            const dy = wrapped[3 * j + 1]! + oy - yi;
            const dz = wrapped[3 * j + 2]! + oz - zi;
            if (dx * dx + dy * dy + dz * dz >= cut2) continue;
            first.push(i);
            second.push(j);
            shifts.push(img0 - offset[3 * j]! + offset[3 * i]!);
            shifts.push(img1 - offset[3 * j + 1]! + offset[3 * i + 1]!);
            shifts.push(img2 - offset[3 * j + 2]! + offset[3 * i + 2]!);
          }
        }
      }
    }
  }
  rowStart[n] = first.length;
  return {
    nAtoms: n,
    nPairs: first.length,
    cutoff,
    first: first.trimmed(),
    second: second.trimmed(),
    shifts: shifts.trimmed(),
    rowStart,
  };
}

/**
 * Pair vectors r_ij = x_j − x_i + shift·cell (Å, length 3·nPairs) and their lengths (Å),
 * for current positions and cell (which may have moved since the list was built).
 */
export function pairVectors(
  list: NeighborList,
  positions: ArrayLike<number>,
  cell: ArrayLike<number>,
): { vectors: Float64Array; distances: Float64Array } {
  const vectors = new Float64Array(3 * list.nPairs);
  const distances = new Float64Array(list.nPairs);
  for (let p = 0; p < list.nPairs; p++) {
    const i = list.first[p]!;
    const j = list.second[p]!;
    const s0 = list.shifts[3 * p]!;
    const s1 = list.shifts[3 * p + 1]!;
    const s2 = list.shifts[3 * p + 2]!;
    let r2 = 0;
    for (let k = 0; k < 3; k++) {
      const v =
        positions[3 * j + k]! -
        positions[3 * i + k]! +
        s0 * cell[k]! +
        s1 * cell[3 + k]! +
        s2 * cell[6 + k]!;
      vectors[3 * p + k] = v;
      r2 += v * v;
    }
    distances[p] = Math.sqrt(r2);
  }
  return { vectors, distances };
}
