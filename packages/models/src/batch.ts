import {
  buildNeighborList,
  InvalidInputError,
  type NeighborList,
  reverseSlotIndex,
  type StructureBatch,
  toNeighborMatrix,
} from '@mlff-distiller/core';
import type { HostTensor } from '@mlff-distiller/graph';

/** One structure as a model sees it (an `Atoms` fits). */
export interface ModelStructure {
  /** Atomic numbers, length N. */
  numbers: ArrayLike<number>;
  /** Cartesian positions, Å, length 3N. */
  positions: ArrayLike<number>;
  /** Cell rows, Å, length 9 (zeros for a molecule). */
  cell: ArrayLike<number>;
  pbc: readonly boolean[];
}

/** Options of {@link graphInputs} and {@link prepareBatch}. */
export interface GraphInputOptions {
  /** Atomic numbers the model knows, in embedding order. */
  species: readonly number[];
  /** Model cutoff, Å: pairs of the list at or beyond it are left out. */
  cutoff: number;
  /** Float type of the float inputs (default float32). */
  dtype?: 'float32' | 'float64';
  /**
   * At least this many neighbour slots per atom (more when an atom has more neighbours;
   * default: the largest neighbour count). A fixed capacity across calls keeps tensor
   * shapes, and so backend plans, stable. The capacity used is `neighbors.shape[1]`.
   */
  capacity?: number;
}

/**
 * Packs structures into one {@link StructureBatch}: atoms concatenated, one neighbour list
 * per structure (built at `cutoff`) merged with global indices.
 */
export function structureBatch(
  structures: readonly ModelStructure[],
  cutoff: number,
): StructureBatch {
  const lists = structures.map((s) => buildNeighborList(s, cutoff));
  const nAtoms = lists.reduce((n, nl) => n + nl.nAtoms, 0);
  const nPairs = lists.reduce((n, nl) => n + nl.nPairs, 0);
  const B = structures.length;
  const batch: StructureBatch = {
    nStructures: B,
    nAtoms,
    positions: new Float64Array(3 * nAtoms),
    numbers: new Int32Array(nAtoms),
    structureIndex: new Int32Array(nAtoms),
    atomStart: new Int32Array(B + 1),
    cells: new Float64Array(9 * B),
    pbc: new Uint8Array(3 * B),
    neighbors: {
      nAtoms,
      nPairs,
      cutoff,
      first: new Int32Array(nPairs),
      second: new Int32Array(nPairs),
      shifts: new Int32Array(3 * nPairs),
      rowStart: new Int32Array(nAtoms + 1),
    },
  };
  const nl = batch.neighbors;
  let atom = 0;
  let pair = 0;
  structures.forEach((s, b) => {
    const list = lists[b]!;
    batch.atomStart[b] = atom;
    for (let k = 0; k < 9; k++) batch.cells[9 * b + k] = s.cell[k]!;
    for (let k = 0; k < 3; k++) batch.pbc[3 * b + k] = s.pbc[k] ? 1 : 0;
    for (let i = 0; i < list.nAtoms; i++) {
      batch.numbers[atom + i] = s.numbers[i]!;
      batch.structureIndex[atom + i] = b;
      for (let c = 0; c < 3; c++) batch.positions[3 * (atom + i) + c] = s.positions[3 * i + c]!;
      nl.rowStart[atom + i] = pair + list.rowStart[i]!;
    }
    for (let p = 0; p < list.nPairs; p++) {
      nl.first[pair + p] = atom + list.first[p]!;
      nl.second[pair + p] = atom + list.second[p]!;
      for (let c = 0; c < 3; c++) nl.shifts[3 * (pair + p) + c] = list.shifts[3 * p + c]!;
    }
    atom += list.nAtoms;
    pair += list.nPairs;
  });
  batch.atomStart[B] = atom;
  nl.rowStart[nAtoms] = pair;
  return batch;
}

/** Cartesian vector of pair p (r_j − r_i + S·cell) into `out`, and its squared length. */
function pairVector(batch: StructureBatch, p: number, out: Float64Array): number {
  const nl = batch.neighbors;
  const i = nl.first[p]!;
  const j = nl.second[p]!;
  const cell = 9 * batch.structureIndex[i]!;
  let r2 = 0;
  for (let c = 0; c < 3; c++) {
    let shift = 0;
    for (let a = 0; a < 3; a++) shift += nl.shifts[3 * p + a]! * batch.cells[cell + 3 * a + c]!;
    out[c] = shift;
    const d = batch.positions[3 * j + c]! - batch.positions[3 * i + c]! + shift;
    r2 += d * d;
  }
  return r2;
}

/** The pairs of `batch.neighbors` closer than `cutoff` (both directions of a pair go together). */
function withinCutoff(batch: StructureBatch, cutoff: number): NeighborList {
  const nl = batch.neighbors;
  const keep = new Uint8Array(nl.nPairs);
  const v = new Float64Array(3);
  let kept = 0;
  for (let p = 0; p < nl.nPairs; p++) {
    if (pairVector(batch, p, v) < cutoff * cutoff) {
      keep[p] = 1;
      kept++;
    }
  }
  if (kept === nl.nPairs) return nl;
  const out: NeighborList = {
    nAtoms: nl.nAtoms,
    nPairs: kept,
    cutoff,
    first: new Int32Array(kept),
    second: new Int32Array(kept),
    shifts: new Int32Array(3 * kept),
    rowStart: new Int32Array(nl.nAtoms + 1),
  };
  let q = 0;
  for (let i = 0; i < nl.nAtoms; i++) {
    out.rowStart[i] = q;
    for (let p = nl.rowStart[i]!; p < nl.rowStart[i + 1]!; p++) {
      if (!keep[p]) continue;
      out.first[q] = i;
      out.second[q] = nl.second[p]!;
      for (let c = 0; c < 3; c++) out.shifts[3 * q + c] = nl.shifts[3 * p + c]!;
      q++;
    }
  }
  out.rowStart[nl.nAtoms] = q;
  return out;
}

/**
 * Positions with each structure's centroid subtracted (in float64, before any cast): the
 * model sees only differences, so nothing changes but float32 precision, which then does not
 * depend on how far the structure sits from the origin.
 */
function centred(
  batch: StructureBatch,
  Float: Float32ArrayConstructor | Float64ArrayConstructor,
): Float32Array | Float64Array {
  const out = new Float(3 * batch.nAtoms);
  for (let b = 0; b < batch.nStructures; b++) {
    const start = batch.atomStart[b]!;
    const end = batch.atomStart[b + 1]!;
    for (let c = 0; c < 3; c++) {
      let sum = 0;
      for (let i = start; i < end; i++) sum += batch.positions[3 * i + c]!;
      const mean = end > start ? sum / (end - start) : 0;
      for (let i = start; i < end; i++) out[3 * i + c] = batch.positions[3 * i + c]! - mean;
    }
  }
  return out;
}

/**
 * The inputs of a model graph (see `PainnEnergyNodes`) for a batch: positions, species
 * indices, structure index, the padded neighbour matrix of the pairs within the cutoff
 * with its reverse slots and mask, Cartesian image shifts, zero strain. Throws an
 * {@link InvalidInputError} for an element the model does not know.
 */
export function graphInputs(
  batch: StructureBatch,
  options: GraphInputOptions,
): Record<string, HostTensor> {
  const Float = options.dtype === 'float64' ? Float64Array : Float32Array;
  const index = new Map(options.species.map((z, i) => [z, i]));
  const n = batch.nAtoms;
  const species = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const e = index.get(batch.numbers[i]!);
    if (e === undefined) {
      const b = batch.structureIndex[i]!;
      throw new InvalidInputError(
        `structure ${b}, atom ${i - batch.atomStart[b]!}: element Z=${batch.numbers[i]} is not one the model knows (Z = ${options.species.join(', ')})`,
      );
    }
    species[i] = e;
  }
  const list = withinCutoff(batch, options.cutoff);
  let maxCount = 0;
  for (let i = 0; i < n; i++)
    maxCount = Math.max(maxCount, list.rowStart[i + 1]! - list.rowStart[i]!);
  const m = toNeighborMatrix(list, Math.max(options.capacity ?? 1, maxCount, 1));
  const cap = m.capacity;
  const reverse = reverseSlotIndex(list, m);
  const shifts = new Float(3 * n * cap);
  const v = new Float64Array(3);
  const shifted = { ...batch, neighbors: list };
  for (let slot = 0; slot < n * cap; slot++) {
    const p = m.pairIndex[slot]!;
    if (p < 0) continue;
    pairVector(shifted, p, v);
    for (let c = 0; c < 3; c++) shifts[3 * slot + c] = v[c]!;
  }
  const B = batch.nStructures;
  return {
    positions: { shape: [n, 3], data: centred(batch, Float) },
    species: { shape: [n], data: species },
    structure: { shape: [n], data: Int32Array.from(batch.structureIndex) },
    neighbors: { shape: [n, cap], data: m.neighbors },
    reverse: { shape: [n, cap], data: reverse },
    mask: { shape: [n, cap], data: Float.from(m.mask) },
    shifts: { shape: [n, cap, 3], data: shifts },
    strain: { shape: [B, 3, 3], data: new Float(9 * B) },
  };
}

/** {@link graphInputs} of a {@link structureBatch} of `structures`. */
export function prepareBatch(
  structures: readonly ModelStructure[],
  options: GraphInputOptions,
): Record<string, HostTensor> {
  return graphInputs(structureBatch(structures, options.cutoff), options);
}
