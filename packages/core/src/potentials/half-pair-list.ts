import type { Atoms } from '../atoms.js';
import { InvalidInputError } from '../errors.js';
import { binningFrame } from '../neighbor/binning-frame.js';
import { SkinRebuildRule, sameCell } from '../neighbor/skin-rebuild-rule.js';

/** What the list needs of a structure. */
type Structure = Pick<Atoms, 'positions' | 'cell' | 'pbc'>;

/** Bins per cutoff + skin along each cell height (LAMMPS's default bin size, half the cutoff). */
const BINS_PER_CUTOFF = 2;

/**
 * A Verlet half pair list over an extended system, in the manner of LAMMPS: the owned atoms
 * plus periodic-image "ghosts" within cutoff + skin of the cell, each entry being one atom
 * (its `owner`) at one image, at the position `x[owner] + image·cell` (Å). The list is in
 * CSR form: row r is owned entry `rowEntry[r]` and its neighbours are the entries
 * `neighbors[rowStart[r] .. rowStart[r + 1])`; no per-pair image vector is stored, so a
 * kernel reads 4 bytes of list per pair. Every interacting couple (i, j, S) / (j, i, −S)
 * appears exactly once, as (owned entry of i, entry of j at S relative to i) or the reverse.
 *
 * Each `update` refreshes the entry positions from the atoms and the current cell (a pass
 * over the entries), so kernels read `positions` (length 3·entryCount) and write forces per
 * entry into {@link forceBuffer}, which {@link gatherForces} folds back onto the atoms.
 *
 * The list holds pairs up to cutoff + skin apart at the last build: kernels must skip those
 * beyond their cutoff. It is rebuilt when the number of atoms or the periodicity changed, or
 * when some pair not in it could have come within the cutoff. With x the positions and C the
 * cell at the build, x′ and C′ now, F = C⁻¹C′ the deformation and ν = x′ − x·F the
 * non-affine displacement of each atom, every pair vector is r′ = r·F + ν_j − ν_i, so
 * |r′| ≥ (1 − ‖F − I‖)·|r| − 2·max|ν|: the list is kept while 2·max|ν| + ‖F − I‖_F·(cutoff + skin)
 * ≤ skin. With an unchanged cell this is the usual "no atom moved more than skin/2"; a
 * barostat's small strains reuse the list. A cell without three independent vectors
 * rebuilds on any change of the cell.
 *
 * The builder bins the extended system with bins aligned to the cell (about half a cutoff
 * wide) and visits half of the bin stencil: the bin offsets of a couple's two realisations are
 * exact opposites (integers), so each couple is found once. Any triclinic cell, any mix of
 * periodic axes, cutoffs longer than the cell.
 */
export class HalfPairList {
  /** Number of half pairs (entries of `neighbors` in use). */
  count = 0;
  /** Number of atoms (rows). */
  atomCount = 0;
  /** Number of entries of the extended system: the atoms and their ghosts. */
  entryCount = 0;
  /** Entry index of each row's atom, length ≥ atomCount (rows run in bin order). */
  rowEntry: Int32Array = new Int32Array(0);
  /** Start of each row in `neighbors`, length ≥ atomCount + 1. */
  rowStart: Int32Array = new Int32Array(1);
  /** Neighbour entries of each row, length ≥ count. */
  neighbors: Int32Array = new Int32Array(0);
  /** The atom of each entry, length ≥ entryCount. */
  owner: Int32Array = new Int32Array(0);
  /** Integer image S of each entry (position x[owner] + S·cell), length ≥ 3·entryCount. */
  images: Int32Array = new Int32Array(0);
  /** S·cell of each entry for the current cell in Å, length ≥ 3·entryCount. */
  shiftVectors: Float64Array = new Float64Array(0);
  /** Position of each entry in Å at the last `update`, length ≥ 3·entryCount. */
  positions: Float64Array = new Float64Array(0);
  /** How many times the list was built. */
  builds = 0;
  private forces: Float64Array = new Float64Array(0);
  private readonly shiftCell = new Float64Array(9);

  /**
   * @param cutoff interaction cutoff in Å.
   * @param skin Verlet skin in Å (0 rebuilds whenever anything moved).
   */
  private readonly rule: SkinRebuildRule;

  constructor(
    readonly cutoff: number,
    readonly skin: number,
  ) {
    this.rule = new SkinRebuildRule(cutoff, skin);
  }

  /** Forces the next `update` to rebuild. */
  invalidate(): void {
    this.rule.invalidate();
  }

  /**
   * Brings the list up to date with the atoms (rebuilding it if needed) and refreshes the
   * entry positions; returns whether it was rebuilt.
   */
  update(atoms: Structure): boolean {
    const rebuild = this.rule.needsRebuild(atoms);
    if (rebuild) {
      this.build(atoms);
      this.rule.recordBuild(atoms);
      this.builds++;
      return true;
    }
    if (!sameCell(this.shiftCell, atoms.cell)) this.setShifts(atoms.cell);
    this.refresh(atoms.positions);
    return false;
  }

  /**
   * The per-entry force buffer (eV/Å, length ≥ 3·entryCount), zeroed; reused between calls.
   */
  forceBuffer(): Float64Array {
    const size = 3 * this.entryCount;
    if (this.forces.length < size) this.forces = new Float64Array(Math.ceil(1.25 * size));
    else this.forces.fill(0, 0, size);
    return this.forces;
  }

  /** Adds the per-entry forces `entryForces` onto their atoms in `forces` (length 3·atomCount). */
  gatherForces(entryForces: Float64Array, forces: Float64Array): void {
    const owner = this.owner;
    const ne = this.entryCount;
    for (let e = 0; e < ne; e++) {
      // `| 0`: int32 index arithmetic without overflow checks (V8).
      const a = (3 * owner[e]!) | 0;
      const e3 = (3 * e) | 0;
      const fx = entryForces[e3]!;
      const fy = entryForces[(e3 + 1) | 0]!;
      const fz = entryForces[(e3 + 2) | 0]!;
      forces[a]! += fx;
      forces[(a + 1) | 0]! += fy;
      forces[(a + 2) | 0]! += fz;
    }
  }

  /**
   * The virial Σ_pairs f_ij ⊗ r_ij (eV, Voigt xx yy zz yz xz xy) from the per-entry forces of
   * a pair kernel, as −Σ_entries x_e ⊗ F_e (LAMMPS's `virial_fdotr_compute`): one pass over
   * the entries instead of six sums per pair. Positions are taken relative to `center` (Å,
   * three numbers; any point, since the entry forces sum to zero), which keeps the terms
   * small. Writes into `out` (length ≥ 6).
   */
  virial(entryForces: Float64Array, center: ArrayLike<number>, out: Float64Array): void {
    const ne = this.entryCount;
    const P = this.positions;
    const cx = center[0]!;
    const cy = center[1]!;
    const cz = center[2]!;
    let xx = 0;
    let yy = 0;
    let zz = 0;
    let yz = 0;
    let xz = 0;
    let xy = 0;
    for (let e3 = 0; e3 < 3 * ne; e3 += 3) {
      const x = P[e3]! - cx;
      const y = P[e3 + 1]! - cy;
      const z = P[e3 + 2]! - cz;
      const fx = entryForces[e3]!;
      const fy = entryForces[e3 + 1]!;
      const fz = entryForces[e3 + 2]!;
      xx -= fx * x;
      yy -= fy * y;
      zz -= fz * z;
      yz -= fy * z;
      xz -= fx * z;
      xy -= fx * y;
    }
    out[0] = xx;
    out[1] = yy;
    out[2] = zz;
    out[3] = yz;
    out[4] = xz;
    out[5] = xy;
  }

  /** Cartesian image vectors S·cell of the entries for this cell. */
  private setShifts(cell: ArrayLike<number>): void {
    const ne = this.entryCount;
    const img = this.images;
    const sv = this.shiftVectors;
    const c0 = cell[0]!;
    const c1 = cell[1]!;
    const c2 = cell[2]!;
    const c3 = cell[3]!;
    const c4 = cell[4]!;
    const c5 = cell[5]!;
    const c6 = cell[6]!;
    const c7 = cell[7]!;
    const c8 = cell[8]!;
    for (let e3 = 0; e3 < 3 * ne; e3 += 3) {
      const s0 = img[e3]!;
      const s1 = img[e3 + 1]!;
      const s2 = img[e3 + 2]!;
      // As ASE's np.dot(offsets, cell).
      sv[e3] = s0 * c0 + s1 * c3 + s2 * c6;
      sv[e3 + 1] = s0 * c1 + s1 * c4 + s2 * c7;
      sv[e3 + 2] = s0 * c2 + s1 * c5 + s2 * c8;
    }
    for (let k = 0; k < 9; k++) this.shiftCell[k] = cell[k]!;
  }

  /** Entry positions x[owner] + S·cell. */
  private refresh(pos: Float64Array): void {
    const ne = this.entryCount;
    const owner = this.owner;
    const sv = this.shiftVectors;
    const out = this.positions;
    for (let e = 0; e < ne; e++) {
      const a = (3 * owner[e]!) | 0;
      const e3 = (3 * e) | 0;
      const x = pos[a]! + sv[e3]!;
      const y = pos[(a + 1) | 0]! + sv[(e3 + 1) | 0]!;
      const z = pos[(a + 2) | 0]! + sv[(e3 + 2) | 0]!;
      out[e3] = x;
      out[(e3 + 1) | 0] = y;
      out[(e3 + 2) | 0] = z;
    }
  }

  private ensureEntries(entries: number): void {
    if (this.owner.length >= entries) return;
    const capacity = Math.max(64, Math.ceil(entries * 1.25));
    this.owner = new Int32Array(capacity);
    this.images = new Int32Array(3 * capacity);
    this.shiftVectors = new Float64Array(3 * capacity);
    this.positions = new Float64Array(3 * capacity);
  }

  private growNeighbors(pairs: number): void {
    if (this.neighbors.length >= pairs) return;
    const next = new Int32Array(Math.max(64, Math.ceil(pairs * 1.25)));
    next.set(this.neighbors.subarray(0, this.count));
    this.neighbors = next;
  }

  private build(atoms: Structure): void {
    const cutoff = this.cutoff + this.skin;
    if (!(cutoff > 0) || !Number.isFinite(cutoff)) {
      throw new InvalidInputError(`the cutoff must be a positive number of Å, got ${cutoff}`);
    }
    const pos = atoms.positions;
    const n = pos.length / 3;
    this.count = 0;
    this.atomCount = n;
    this.entryCount = 0;
    if (this.rowEntry.length < n) this.rowEntry = new Int32Array(n);
    if (this.rowStart.length < n + 1) this.rowStart = new Int32Array(n + 1);
    this.rowStart[0] = 0;
    if (n === 0) {
      this.setShifts(atoms.cell);
      return;
    }
    const pbc = [Boolean(atoms.pbc[0]), Boolean(atoms.pbc[1]), Boolean(atoms.pbc[2])];
    // Fractional coordinates, wrapped into [0, 1) along periodic axes with the integer
    // offset kept: atom a sits at image −offset of its wrapped position.
    const { heights, frac, offset, lo, hi } = binningFrame(pos, atoms.cell, pbc);

    // Bins of the cell (periodic axes) or of the atoms' extent (others), about half a cutoff
    // thick along each height, extended by `pad` bins of ghosts on each side of periodic axes.
    const nb = [1, 1, 1];
    const span = [1, 1, 1];
    const origin = [0, 0, 0];
    const reach = [0, 0, 0];
    const pad = [0, 0, 0];
    for (let k = 0; k < 3; k++) {
      span[k] = pbc[k] ? 1 : hi[k]! - lo[k]!;
      origin[k] = pbc[k] ? 0 : lo[k]!;
      nb[k] = Math.max(1, Math.floor((BINS_PER_CUTOFF * span[k]! * heights[k]!) / cutoff));
    }
    const maxBins = Math.max(1, 4 * n);
    while (nb[0]! * nb[1]! * nb[2]! > maxBins) {
      const k = nb[0]! >= nb[1]! && nb[0]! >= nb[2]! ? 0 : nb[1]! >= nb[2]! ? 1 : 2;
      nb[k] = Math.max(1, Math.floor(nb[k]! / 2));
    }
    for (let k = 0; k < 3; k++) {
      const width = (span[k]! * heights[k]!) / nb[k]!;
      if (pbc[k]) {
        // Strictly more than cutoff/width: a margin against rounding at bin edges.
        reach[k] = Math.floor(cutoff / width) + 1;
        pad[k] = reach[k]!;
      } else reach[k] = width > 0 ? Math.min(nb[k]! - 1, Math.ceil(cutoff / width)) : 0;
    }
    const [nb0, nb1, nb2] = nb as [number, number, number];
    const [p0, p1, p2] = pad as [number, number, number];
    const e0 = nb0 + 2 * p0;
    const e1 = nb1 + 2 * p1;
    const e2 = nb2 + 2 * p2;
    const nExt = e0 * e1 * e2;

    // Bin of each atom in the cell's grid.
    const bin = new Int32Array(3 * n);
    for (let a = 0; a < n; a++) {
      for (let k = 0; k < 3; k++) {
        const t = span[k]! > 0 ? (frac[3 * a + k]! - origin[k]!) / span[k]! : 0;
        let b = Math.floor(t * nb[k]!);
        if (b >= nb[k]!) b = nb[k]! - 1;
        if (b < 0) b = 0;
        bin[3 * a + k] = b;
      }
    }

    // Images T of each atom: those whose fractional coordinates lie within cutoff/height of
    // the cell along each periodic axis (and inside the extended grid). Two passes: count
    // per extended bin, then place; entries end up sorted by bin.
    const tol = 1e-9;
    const lim = [
      cutoff / heights[0]! + tol,
      cutoff / heights[1]! + tol,
      cutoff / heights[2]! + tol,
    ];
    const range = new Int32Array(6 * n);
    for (let a = 0; a < n; a++) {
      for (let k = 0; k < 3; k++) {
        let tLo = 0;
        let tHi = 0;
        if (pbc[k]) {
          const f = frac[3 * a + k]!;
          const b = bin[3 * a + k]!;
          const nk = nb[k]!;
          tLo = Math.max(Math.ceil(-lim[k]! - f), Math.ceil((-pad[k]! - b) / nk));
          tHi = Math.min(Math.floor(1 + lim[k]! - f), Math.floor((nk + pad[k]! - 1 - b) / nk));
        }
        range[6 * a + 2 * k] = tLo;
        range[6 * a + 2 * k + 1] = tHi;
      }
    }
    const binStart = new Int32Array(nExt + 1);
    for (let a = 0; a < n; a++) {
      const b0 = bin[3 * a]! + p0;
      const b1 = bin[3 * a + 1]! + p1;
      const b2 = bin[3 * a + 2]! + p2;
      const r = 6 * a;
      for (let t0 = range[r]!; t0 <= range[r + 1]!; t0++) {
        for (let t1 = range[r + 2]!; t1 <= range[r + 3]!; t1++) {
          for (let t2 = range[r + 4]!; t2 <= range[r + 5]!; t2++) {
            binStart[((b0 + t0 * nb0) * e1 + b1 + t1 * nb1) * e2 + b2 + t2 * nb2 + 1]!++;
          }
        }
      }
    }
    for (let b = 0; b < nExt; b++) binStart[b + 1]! += binStart[b]!;
    const ne = binStart[nExt]!;
    this.ensureEntries(ne);
    this.entryCount = ne;
    const owner = this.owner;
    const images = this.images;
    const fill = binStart.slice(0, nExt);
    for (let a = 0; a < n; a++) {
      const b0 = bin[3 * a]! + p0;
      const b1 = bin[3 * a + 1]! + p1;
      const b2 = bin[3 * a + 2]! + p2;
      const o0 = offset[3 * a]!;
      const o1 = offset[3 * a + 1]!;
      const o2 = offset[3 * a + 2]!;
      const r = 6 * a;
      for (let t0 = range[r]!; t0 <= range[r + 1]!; t0++) {
        for (let t1 = range[r + 2]!; t1 <= range[r + 3]!; t1++) {
          for (let t2 = range[r + 4]!; t2 <= range[r + 5]!; t2++) {
            const e = fill[((b0 + t0 * nb0) * e1 + b1 + t1 * nb1) * e2 + b2 + t2 * nb2]!++;
            owner[e] = a;
            images[3 * e] = t0 - o0;
            images[3 * e + 1] = t1 - o1;
            images[3 * e + 2] = t2 - o2;
          }
        }
      }
    }
    this.setShifts(atoms.cell);
    this.refresh(pos);
    const P = this.positions;

    // Half stencil: bin offsets d > 0 in lexicographic order, plus d = 0 with j after i.
    // A couple's two realisations (atom i with the image of j, atom j with the image of i)
    // lie at bin offsets d and −d exactly, so each couple is visited once. Bins are stored
    // with the third index fastest, so the stencil's bins (d0, d1, ·) are one contiguous run
    // of entries: (d0, d1) > 0 takes d2 from −reach to reach, (0, 0) takes bin A from after
    // i and the bins d2 = 1..reach.
    const r0 = reach[0]!;
    const r1 = reach[1]!;
    const r2 = reach[2]!;
    const nRuns = 1 + r0 * (2 * r1 + 1) + r1;
    const starts = new Int32Array(nRuns);
    const ends = new Int32Array(nRuns);

    const cut2 = cutoff * cutoff;
    const rowEntry = this.rowEntry;
    const rowStart = this.rowStart;
    this.growNeighbors(Math.max(this.neighbors.length, 16 * n));
    let nbr = this.neighbors;
    let m = 0;
    let row = 0;
    for (let b0 = p0; b0 < p0 + nb0; b0++) {
      for (let b1 = p1; b1 < p1 + nb1; b1++) {
        for (let b2 = p2; b2 < p2 + nb2; b2++) {
          const binA = (b0 * e1 + b1) * e2 + b2;
          const startA = binStart[binA]!;
          const endA = binStart[binA + 1]!;
          if (startA === endA) continue;
          // Runs of the stencil (non-periodic axes end at the atoms' extent).
          const lo2 = Math.max(b2 - r2, 0);
          const hi2 = Math.min(b2 + r2 + 1, e2);
          starts[0] = startA;
          ends[0] = binStart[binA - b2 + hi2]!;
          let used = 1;
          for (let d0 = 0; d0 <= r0; d0++) {
            const c0 = b0 + d0;
            if (c0 >= e0) break;
            for (let d1 = d0 === 0 ? 1 : -r1; d1 <= r1; d1++) {
              const c1 = b1 + d1;
              if (c1 < 0 || c1 >= e1) continue;
              const base = (c0 * e1 + c1) * e2;
              const s = binStart[base + lo2]!;
              const t = binStart[base + hi2]!;
              if (s === t) continue;
              starts[used] = s;
              ends[used] = t;
              used++;
            }
          }
          let candidates = 0;
          for (let q = 0; q < used; q++) candidates += ends[q]! - starts[q]!;
          for (let i = startA; i < endA; i++) {
            rowEntry[row] = i;
            rowStart[row] = m;
            row++;
            if (m + candidates > nbr.length) {
              this.count = m;
              this.growNeighbors(Math.max(2 * nbr.length, m + candidates));
              nbr = this.neighbors;
            }
            const xi = P[3 * i]!;
            const yi = P[3 * i + 1]!;
            const zi = P[3 * i + 2]!;
            starts[0] = i + 1;
            // Branch-free: every candidate is written, and kept by advancing m when within
            // the cutoff (a branch on a ~20% condition mispredicts too often).
            for (let q = 0; q < used; q++) {
              const end = ends[q]!;
              for (let j = starts[q]!; j < end; j++) {
                const jx = (3 * j) | 0;
                const dx = P[jx]! - xi;
                const dy = P[(jx + 1) | 0]! - yi;
                const dz = P[(jx + 2) | 0]! - zi;
                nbr[m] = j;
                m += +(dx * dx + dy * dy + dz * dz < cut2);
              }
            }
          }
        }
      }
    }
    rowStart[row] = m;
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
 * pairs within `cutoff2` (Å²) of a half list after its `update`. A separate pass from the
 * force kernels: MD rarely asks for these, so the hot loops stay free of them.
 */
export function accumulatePerAtom(
  pairs: HalfPairList,
  cutoff2: number,
  term: PairTerm,
  energies: Float64Array | null,
  stresses: Float64Array | null,
): void {
  const out = new Float64Array(2);
  const rowEntry = pairs.rowEntry;
  const rowStart = pairs.rowStart;
  const nbr = pairs.neighbors;
  const owner = pairs.owner;
  const pos = pairs.positions;
  for (let row = 0; row < pairs.atomCount; row++) {
    const ie = rowEntry[row]!;
    const i = owner[ie]!;
    for (let k = rowStart[row]!; k < rowStart[row + 1]!; k++) {
      const je = nbr[k]!;
      const j = owner[je]!;
      const dx = pos[3 * je]! - pos[3 * ie]!;
      const dy = pos[3 * je + 1]! - pos[3 * ie + 1]!;
      const dz = pos[3 * je + 2]! - pos[3 * ie + 2]!;
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
}
