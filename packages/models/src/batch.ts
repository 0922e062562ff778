import {
  buildNeighborList,
  InvalidInputError,
  reverseSlotIndex,
  toNeighborMatrix,
} from '@mlff-distiller/core';
import type { HostTensor } from '@mlff-distiller/graph';

/** One structure as a model sees it. */
export interface ModelStructure {
  /** Atomic numbers, length N. */
  numbers: ArrayLike<number>;
  /** Cartesian positions, Å, length 3N. */
  positions: ArrayLike<number>;
  /** Cell rows, Å, length 9 (zeros for a molecule). */
  cell: ArrayLike<number>;
  pbc: readonly boolean[];
}

/** Options of {@link prepareBatch}. */
export interface PrepareBatchOptions {
  /** Atomic numbers the model knows, in embedding order. */
  species: readonly number[];
  /** Neighbour cutoff, Å. */
  cutoff: number;
  /** Float type of the float inputs (default float32). */
  dtype?: 'float32' | 'float64';
  /**
   * Neighbour slots per atom (default: the largest neighbour count in the batch). Keeping
   * it fixed across calls keeps tensor shapes, and so backend plans, stable.
   */
  capacity?: number;
}

/**
 * Packs structures into the inputs of a model graph (see `PainnEnergyNodes`): atoms
 * concatenated, one padded neighbour matrix with reverse slots, Cartesian image shifts,
 * zero strain. Throws an {@link InvalidInputError} for an element the model does not know
 * or a capacity too small for a structure.
 */
export function prepareBatch(
  structures: readonly ModelStructure[],
  options: PrepareBatchOptions,
): Record<string, HostTensor> {
  const Float = options.dtype === 'float64' ? Float64Array : Float32Array;
  const index = new Map(options.species.map((z, i) => [z, i]));
  const lists = structures.map((s) => buildNeighborList(s, options.cutoff));
  let capacity = options.capacity ?? 1;
  if (options.capacity === undefined) {
    for (const nl of lists) {
      for (let i = 0; i < nl.nAtoms; i++) {
        capacity = Math.max(capacity, nl.rowStart[i + 1]! - nl.rowStart[i]!);
      }
    }
  }
  const total = lists.reduce((n, nl) => n + nl.nAtoms, 0);
  const positions = new Float(3 * total);
  const species = new Int32Array(total);
  const structure = new Int32Array(total);
  const neighbors = new Int32Array(total * capacity);
  const reverse = new Int32Array(total * capacity);
  const mask = new Float(total * capacity);
  const shifts = new Float(3 * total * capacity);
  let offset = 0;
  structures.forEach((s, k) => {
    const nl = lists[k]!;
    const m = toNeighborMatrix(nl, capacity);
    if (m.overflow) {
      throw new InvalidInputError(
        `structure ${k} has an atom with ${m.maxCount} neighbours within ${options.cutoff} Å, more than the capacity ${capacity}`,
      );
    }
    const rev = reverseSlotIndex(nl, m);
    for (let i = 0; i < nl.nAtoms; i++) {
      const z = s.numbers[i]!;
      const e = index.get(z);
      if (e === undefined) {
        throw new InvalidInputError(
          `structure ${k}, atom ${i}: element Z=${z} is not one the model knows (${options.species.join(', ')})`,
        );
      }
      species[offset + i] = e;
      structure[offset + i] = k;
      for (let c = 0; c < 3; c++) positions[3 * (offset + i) + c] = s.positions[3 * i + c]!;
    }
    const base = offset * capacity;
    for (let slot = 0; slot < nl.nAtoms * capacity; slot++) {
      neighbors[base + slot] = offset + m.neighbors[slot]!;
      reverse[base + slot] = base + rev[slot]!;
      mask[base + slot] = m.mask[slot]!;
      const p = m.pairIndex[slot]!;
      if (p < 0) continue;
      for (let c = 0; c < 3; c++) {
        let v = 0;
        for (let a = 0; a < 3; a++) v += nl.shifts[3 * p + a]! * s.cell[3 * a + c]!;
        shifts[3 * (base + slot) + c] = v;
      }
    }
    offset += nl.nAtoms;
  });
  const n = structures.length;
  return {
    positions: { shape: [total, 3], data: positions },
    species: { shape: [total], data: species },
    structure: { shape: [total], data: structure },
    neighbors: { shape: [total, capacity], data: neighbors },
    reverse: { shape: [total, capacity], data: reverse },
    mask: { shape: [total, capacity], data: mask },
    shifts: { shape: [total, capacity, 3], data: shifts },
    strain: { shape: [n, 3, 3], data: new Float(9 * n) },
  };
}
