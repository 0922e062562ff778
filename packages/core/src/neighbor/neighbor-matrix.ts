import type { NeighborList } from './neighbor-list.js';

/**
 * A padded per-atom view of a {@link NeighborList} (JAX-MD style fixed capacity): row i
 * holds the neighbours of atom i in slots `i*capacity .. i*capacity+count[i]`, the rest is
 * padding. Dense gathers over this matrix plus a masked reduce replace scatter-adds in
 * model graphs (see DESIGN.md: 6.5 ms against 86 ms on ONNX Runtime).
 */
export interface NeighborMatrix {
  nAtoms: number;
  /** Slots per atom. */
  capacity: number;
  /** Neighbour atom index per slot, length nAtoms·capacity; padding slots hold the atom itself. */
  neighbors: Int32Array;
  /** Pair index (into the NeighborList) per slot, −1 for padding. */
  pairIndex: Int32Array;
  /** 1 for a real slot, 0 for padding, length nAtoms·capacity. */
  mask: Float32Array;
  /** Neighbour count per atom, length nAtoms. */
  count: Int32Array;
  /** The largest neighbour count; when it exceeds `capacity` the matrix overflowed. */
  maxCount: number;
  /** True when some atom had more neighbours than `capacity` (the extra ones are dropped). */
  overflow: boolean;
}

/**
 * Packs a neighbor list into a padded matrix. With no capacity, the capacity is the
 * largest neighbour count; with one that is too small, `overflow` is set so the caller can
 * reallocate (never silently wrong: check `overflow`).
 */
export function toNeighborMatrix(list: NeighborList, capacity?: number): NeighborMatrix {
  const n = list.nAtoms;
  const count = new Int32Array(n);
  let maxCount = 0;
  for (let i = 0; i < n; i++) {
    count[i] = list.rowStart[i + 1]! - list.rowStart[i]!;
    if (count[i]! > maxCount) maxCount = count[i]!;
  }
  const cap = capacity ?? maxCount;
  const neighbors = new Int32Array(n * cap);
  const pairIndex = new Int32Array(n * cap).fill(-1);
  const mask = new Float32Array(n * cap);
  for (let i = 0; i < n; i++) {
    const start = list.rowStart[i]!;
    const m = Math.min(count[i]!, cap);
    for (let s = 0; s < cap; s++) {
      const slot = i * cap + s;
      if (s < m) {
        neighbors[slot] = list.second[start + s]!;
        pairIndex[slot] = start + s;
        mask[slot] = 1;
      } else {
        neighbors[slot] = i;
      }
    }
  }
  return {
    nAtoms: n,
    capacity: cap,
    neighbors,
    pairIndex,
    mask,
    count,
    maxCount,
    overflow: maxCount > cap,
  };
}

/**
 * For each pair p = (i, j, S) of a full list, the index q of the reverse pair (j, i, −S),
 * length nPairs. The backward pass of a neighbour gather is a gather through this index
 * followed by a dense reduce, which keeps scatter-adds out of force and training graphs.
 * Throws if the list is not symmetric (it always is when built by buildNeighborList).
 */
export function reversePairIndex(list: NeighborList): Int32Array {
  const reverse = new Int32Array(list.nPairs);
  for (let p = 0; p < list.nPairs; p++) {
    const i = list.first[p]!;
    const j = list.second[p]!;
    const s0 = -list.shifts[3 * p]!;
    const s1 = -list.shifts[3 * p + 1]!;
    const s2 = -list.shifts[3 * p + 2]!;
    let found = -1;
    for (let q = list.rowStart[j]!, end = list.rowStart[j + 1]!; q < end; q++) {
      if (
        list.second[q] === i &&
        list.shifts[3 * q] === s0 &&
        list.shifts[3 * q + 1] === s1 &&
        list.shifts[3 * q + 2] === s2
      ) {
        found = q;
        break;
      }
    }
    if (found < 0)
      throw new Error(`neighbor list is not symmetric: pair ${p} (${i} → ${j}) has no reverse`);
    reverse[p] = found;
  }
  return reverse;
}

/**
 * For each slot of a neighbour matrix, the flat slot (row·capacity + column) of the reverse
 * pair; padding slots point at themselves. Together with `matrix.neighbors` this is the
 * `reverse` operand of the graph ops `neighborGather` / `neighborSum`: the gradient of a
 * neighbour gather becomes a gather through this index and a dense sum (no scatter-add).
 * `reverse` is {@link reversePairIndex} of the same list (computed when omitted). Throws
 * when the matrix overflowed (a dropped pair leaves its reverse without a slot).
 */
export function reverseSlotIndex(
  list: NeighborList,
  matrix: NeighborMatrix,
  reverse: Int32Array = reversePairIndex(list),
): Int32Array {
  if (matrix.overflow) {
    throw new Error(
      `neighbor matrix overflowed (capacity ${matrix.capacity} < ${matrix.maxCount} neighbours): rebuild it with a larger capacity`,
    );
  }
  const cap = matrix.capacity;
  const slots = new Int32Array(matrix.nAtoms * cap);
  for (let slot = 0; slot < slots.length; slot++) {
    const p = matrix.pairIndex[slot]!;
    if (p < 0) {
      slots[slot] = slot;
      continue;
    }
    const q = reverse[p]!;
    const row = list.first[q]!;
    slots[slot] = row * cap + (q - list.rowStart[row]!);
  }
  return slots;
}

/**
 * Keeps one pair of each (i, j, S) / (j, i, −S) couple: a half list for pair potentials
 * that add each interaction to both atoms. Returns the indices of the kept pairs.
 */
export function halfPairIndices(list: NeighborList): Int32Array {
  const kept: number[] = [];
  for (let p = 0; p < list.nPairs; p++) {
    const i = list.first[p]!;
    const j = list.second[p]!;
    if (i < j) kept.push(p);
    else if (i === j) {
      const s0 = list.shifts[3 * p]!;
      const s1 = list.shifts[3 * p + 1]!;
      const s2 = list.shifts[3 * p + 2]!;
      if (s0 > 0 || (s0 === 0 && (s1 > 0 || (s1 === 0 && s2 > 0)))) kept.push(p);
    }
  }
  return Int32Array.from(kept);
}
