import { describe, expect, it } from 'vitest';
import type { Pbc } from '../atoms.js';
import { cellFromParameters, cellHeights, toCell } from '../cell.js';
import { buildNeighborList } from '../neighbor/neighbor-list.js';
import { halfPairIndices } from '../neighbor/neighbor-matrix.js';
import { mulberry32 } from './__fixtures__/systems.js';
import { HalfPairList } from './half-pair-list.js';

/**
 * The couples (i, j, S) / (j, i, −S) of a list as canonical strings: i < j, or i = j with S
 * lexicographically positive. Integer shifts are recovered from the Cartesian image vectors.
 */
function couples(list: HalfPairList, inverse: (v: number[]) => number[]): string[] {
  const out: string[] = [];
  for (let p = 0; p < list.count; p++) {
    let i = list.first[p]!;
    let j = list.second[p]!;
    let s = inverse([
      list.shiftVectors[3 * p]!,
      list.shiftVectors[3 * p + 1]!,
      list.shiftVectors[3 * p + 2]!,
    ]);
    const positive = s[0]! > 0 || (s[0] === 0 && (s[1]! > 0 || (s[1] === 0 && s[2]! > 0)));
    if (i > j || (i === j && !positive)) {
      [i, j] = [j, i];
      s = s.map((x) => -x);
    }
    out.push(`${i},${j},${s.join(',')}`);
  }
  return out.sort();
}

function reference(
  positions: Float64Array,
  cell: Float64Array,
  pbc: Pbc,
  cutoff: number,
): string[] {
  const full = buildNeighborList({ positions, cell, pbc }, cutoff);
  return Array.from(halfPairIndices(full), (p) => {
    const s = [full.shifts[3 * p]!, full.shifts[3 * p + 1]!, full.shifts[3 * p + 2]!];
    return `${full.first[p]},${full.second[p]},${s.join(',')}`;
  }).sort();
}

/** Integer shifts from S·cell, solving against the periodic rows only (others are zero). */
function shiftSolver(cell: Float64Array, pbc: Pbc): (v: number[]) => number[] {
  const rows = [0, 1, 2].filter((k) => pbc[k]);
  return (v) => {
    const s = [0, 0, 0];
    if (rows.length === 0) return s;
    // Least squares on the periodic rows: (A Aᵀ) s = A v with A the periodic rows.
    const a = rows.map((k) => [cell[3 * k]!, cell[3 * k + 1]!, cell[3 * k + 2]!]);
    const g = a.map((r) => a.map((q) => r[0]! * q[0]! + r[1]! * q[1]! + r[2]! * q[2]!));
    const b = a.map((r) => r[0]! * v[0]! + r[1]! * v[1]! + r[2]! * v[2]!);
    const x = solve(g, b);
    rows.forEach((k, idx) => {
      s[k] = Math.round(x[idx]!);
    });
    return s;
  };
}

function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((r, i) => [...r, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((r, i) => r[n]! / r[i]!);
}

describe('HalfPairList', () => {
  const rng = mulberry32(2024);
  const pbcs: Pbc[] = [
    [true, true, true],
    [true, true, false],
    [false, true, false],
    [true, false, true],
    [false, false, false],
  ];
  for (const pbc of pbcs) {
    it(`equals buildNeighborList + halfPairIndices on random triclinic cells, pbc ${pbc.map(Number).join('')}, cutoffs up to 2× the shortest height`, () => {
      for (let trial = 0; trial < 8; trial++) {
        const cell = cellFromParameters(
          4 + 4 * rng(),
          4 + 4 * rng(),
          4 + 4 * rng(),
          60 + 50 * rng(),
          65 + 45 * rng(),
          55 + 60 * rng(),
        );
        const n = 4 + Math.floor(40 * rng());
        const positions = new Float64Array(3 * n);
        for (let a = 0; a < n; a++) {
          // Partly outside the cell, to exercise wrapping and the image bookkeeping.
          const s = [rng() * 1.6 - 0.3, rng() * 1.6 - 0.3, rng() * 1.6 - 0.3];
          for (let k = 0; k < 3; k++)
            positions[3 * a + k] = s[0]! * cell[k]! + s[1]! * cell[3 + k]! + s[2]! * cell[6 + k]!;
        }
        const cutoff = Math.min(...cellHeights(cell)) * (0.2 + 1.8 * rng());
        const skin = 0.3 * rng();
        const list = new HalfPairList(
          cutoff - skin > 0 ? cutoff - skin : cutoff,
          cutoff - skin > 0 ? skin : 0,
        );
        list.update({ positions, cell, pbc });
        expect(couples(list, shiftSolver(cell, pbc))).toEqual(
          reference(positions, cell, pbc, list.cutoff + list.skin),
        );
      }
    });
  }

  it('handles a slab with a zero third vector and a molecule without a cell', () => {
    const rng2 = mulberry32(7);
    const slab = toCell([
      [5, 0, 0],
      [1, 6, 0],
      [0, 0, 0],
    ]);
    const positions = Float64Array.from({ length: 60 }, () => 8 * rng2());
    for (const [cell, pbc] of [
      [slab, [true, true, false]],
      [new Float64Array(9), [false, false, false]],
    ] as [Float64Array, Pbc][]) {
      const list = new HalfPairList(4, 0.5);
      list.update({ positions, cell, pbc });
      expect(couples(list, shiftSolver(cell, pbc))).toEqual(reference(positions, cell, pbc, 4.5));
      expect(list.count).toBeGreaterThan(0);
    }
  });

  it('rebuilds only past skin/2, or when the cell, pbc or atom count change', () => {
    const cell = toCell([10, 10, 10]);
    const positions = Float64Array.of(1, 1, 1, 3, 1, 1, 5, 5, 5);
    const list = new HalfPairList(3, 0.4);
    const atoms = { positions, cell, pbc: [true, true, true] as Pbc };
    expect(list.update(atoms)).toBe(true);
    expect(list.update(atoms)).toBe(false);
    positions[0] = 1.19;
    expect(list.update(atoms)).toBe(false);
    positions[0] = 1.21;
    expect(list.update(atoms)).toBe(true);
    expect(list.update({ ...atoms, cell: toCell([10, 10, 10.001]) })).toBe(true);
    expect(
      list.update({ ...atoms, cell: toCell([10, 10, 10.001]), pbc: [true, true, false] }),
    ).toBe(true);
    expect(
      list.update({
        ...atoms,
        positions: positions.subarray(0, 6),
        cell: toCell([10, 10, 10.001]),
        pbc: [true, true, false],
      }),
    ).toBe(true);
    list.invalidate();
    expect(
      list.update({
        ...atoms,
        positions: positions.subarray(0, 6),
        cell: toCell([10, 10, 10.001]),
        pbc: [true, true, false],
      }),
    ).toBe(true);
    expect(list.builds).toBe(6);
  });
});
