import { describe, expect, it } from 'vitest';
import { cellHeights } from '../cell.js';
import { Random } from '../random.js';
import { randomTriclinicSystem } from './__fixtures__/random-system.js';
import { buildNeighborList, type NeighborList } from './neighbor-list.js';
import {
  halfPairIndices,
  reversePairIndex,
  reverseSlotIndex,
  toNeighborMatrix,
} from './neighbor-matrix.js';

/** Brute force over every image that can be within the cutoff. */
function bruteForce(
  positions: Float64Array,
  cell: Float64Array,
  pbc: boolean[],
  cutoff: number,
): Set<string> {
  const n = positions.length / 3;
  const h = cellHeights(cell);
  const range = [0, 1, 2].map((k) => (pbc[k] ? Math.ceil(cutoff / h[k]!) + 1 : 0));
  const out = new Set<string>();
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      for (let a = -range[0]!; a <= range[0]!; a++) {
        for (let b = -range[1]!; b <= range[1]!; b++) {
          for (let c = -range[2]!; c <= range[2]!; c++) {
            if (i === j && a === 0 && b === 0 && c === 0) continue;
            let r2 = 0;
            for (let k = 0; k < 3; k++) {
              const d =
                positions[3 * j + k]! -
                positions[3 * i + k]! +
                a * cell[k]! +
                b * cell[3 + k]! +
                c * cell[6 + k]!;
              r2 += d * d;
            }
            if (r2 < cutoff * cutoff) out.add(`${i},${j},${a},${b},${c}`);
          }
        }
      }
    }
  }
  return out;
}

function asSet(nl: NeighborList): Set<string> {
  const out = new Set<string>();
  for (let p = 0; p < nl.nPairs; p++) {
    const key = `${nl.first[p]},${nl.second[p]},${nl.shifts[3 * p]},${nl.shifts[3 * p + 1]},${nl.shifts[3 * p + 2]}`;
    expect(out.has(key), `duplicate pair ${key}`).toBe(false);
    out.add(key);
  }
  return out;
}

describe('buildNeighborList', () => {
  const random = new Random(12345);
  const rng = () => random.uniform();
  const cases: { name: string; pbc: boolean[] }[] = [
    { name: 'fully periodic', pbc: [true, true, true] },
    { name: 'slab', pbc: [true, true, false] },
    { name: 'wire', pbc: [false, true, false] },
    { name: 'mixed', pbc: [true, false, true] },
    { name: 'non-periodic', pbc: [false, false, false] },
  ];
  for (const { name, pbc } of cases) {
    it(`equals brute force on random triclinic cells (${name}), cutoffs up to 2× the shortest height`, () => {
      for (let trial = 0; trial < 6; trial++) {
        const { cell, positions, minHeight } = randomTriclinicSystem(random, 5, 20);
        const cutoff = minHeight * (0.2 + 1.8 * rng());
        const nl = buildNeighborList({ positions, cell, pbc }, cutoff);
        const expected = bruteForce(positions, cell, pbc, cutoff);
        expect(asSet(nl)).toEqual(expected);
        // Sorted by the first atom and rows consistent.
        for (let p = 1; p < nl.nPairs; p++)
          expect(nl.first[p]!).toBeGreaterThanOrEqual(nl.first[p - 1]!);
        const reverse = reversePairIndex(nl);
        for (let p = 0; p < nl.nPairs; p++) {
          const q = reverse[p]!;
          expect(nl.first[q]).toBe(nl.second[p]);
          expect(nl.second[q]).toBe(nl.first[p]);
          expect(reverse[q]).toBe(p);
        }
        expect(halfPairIndices(nl).length * 2).toBe(nl.nPairs);
      }
    });
  }

  it('handles a molecule without a cell', () => {
    const positions = Float64Array.of(0, 0, 0, 0.96, 0, 0, -0.24, 0.93, 0);
    const nl = buildNeighborList(
      { positions, cell: new Float64Array(9), pbc: [false, false, false] },
      1.2,
    );
    expect(asSet(nl)).toEqual(
      bruteForce(positions, Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1), [false, false, false], 1.2),
    );
  });
});

describe('toNeighborMatrix', () => {
  it('pads rows, masks padding and flags overflow', () => {
    const positions = Float64Array.of(0, 0, 0, 1, 0, 0, 2, 0, 0, 10, 0, 0);
    const nl = buildNeighborList(
      { positions, cell: new Float64Array(9), pbc: [false, false, false] },
      1.5,
    );
    const m = toNeighborMatrix(nl);
    expect(m.capacity).toBe(2);
    expect(Array.from(m.count)).toEqual([1, 2, 1, 0]);
    expect(Array.from(m.mask)).toEqual([1, 0, 1, 1, 1, 0, 0, 0]);
    expect(m.neighbors[1]).toBe(0); // padding points at the atom itself
    expect(m.neighbors[7]).toBe(3);
    expect(m.overflow).toBe(false);
    expect(toNeighborMatrix(nl, 1).overflow).toBe(true);
  });
});

describe('reverseSlotIndex', () => {
  it('is an involution pairing each slot with the slot of its reverse pair', () => {
    // Two atoms in a small skewed periodic cell: cutoff beyond the cell gives self-images.
    const cell = Float64Array.of(2.1, 0, 0, 0.4, 2.3, 0, 0.2, 0.3, 2.5);
    const positions = Float64Array.of(0.1, 0.2, 0.3, 1.2, 1.1, 0.9);
    const nl = buildNeighborList({ positions, cell, pbc: [true, true, true] }, 3.1);
    const m = toNeighborMatrix(nl, nl.nPairs);
    const rev = reverseSlotIndex(nl, m);
    const cap = m.capacity;
    for (let s = 0; s < rev.length; s++) {
      const q = rev[s]!;
      expect(rev[q]).toBe(s);
      expect(Math.floor(q / cap)).toBe(m.neighbors[s]); // the reverse lives in the neighbour's row
      expect(m.neighbors[q]).toBe(Math.floor(s / cap)); // and points back at this row
      if (m.mask[s] === 0) expect(q).toBe(s);
    }
    expect(() => reverseSlotIndex(nl, toNeighborMatrix(nl, 2))).toThrow(/overflowed/);
  });
});
