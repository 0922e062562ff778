import { describe, expect, it } from 'vitest';
import type { Pbc } from '../atoms.js';
import { cellFromParameters, toCell } from '../cell.js';
import { randomTriclinicSystem } from '../neighbor/__fixtures__/random-system.js';
import { buildNeighborList } from '../neighbor/neighbor-list.js';
import { halfPairIndices } from '../neighbor/neighbor-matrix.js';
import { Random } from '../random.js';
import { uniformStream } from './__fixtures__/systems.js';
import { HalfPairList } from './half-pair-list.js';

/**
 * The couples (i, j, S) / (j, i, −S) of a list as canonical strings: i < j, or i = j with S
 * lexicographically positive. Row r joins atom owner[rowEntry[r]] at image S_i to atom
 * owner[e] at image S_e for each neighbour entry e, that is the couple (i, j, S_e − S_i).
 * Also checks that every entry sits at x[owner] + S·cell.
 */
function couples(list: HalfPairList, positions: Float64Array, cell: Float64Array): string[] {
  const out: string[] = [];
  const image = (e: number) => [
    list.images[3 * e]!,
    list.images[3 * e + 1]!,
    list.images[3 * e + 2]!,
  ];
  let deviation = 0;
  for (let e = 0; e < list.entryCount; e++) {
    const a = list.owner[e]!;
    const s = image(e);
    for (let k = 0; k < 3; k++) {
      const expected =
        positions[3 * a + k]! + s[0]! * cell[k]! + s[1]! * cell[3 + k]! + s[2]! * cell[6 + k]!;
      deviation = Math.max(deviation, Math.abs(list.positions[3 * e + k]! - expected));
    }
  }
  expect(deviation).toBeLessThan(1e-12);
  expect(list.atomCount).toBe(positions.length / 3);
  const rows = new Set<number>();
  for (let r = 0; r < list.atomCount; r++) {
    const ie = list.rowEntry[r]!;
    rows.add(list.owner[ie]!);
    const si = image(ie);
    for (let k = list.rowStart[r]!; k < list.rowStart[r + 1]!; k++) {
      const je = list.neighbors[k]!;
      let i = list.owner[ie]!;
      let j = list.owner[je]!;
      let s = image(je).map((x, c) => x - si[c]!);
      const positive = s[0]! > 0 || (s[0] === 0 && (s[1]! > 0 || (s[1] === 0 && s[2]! > 0)));
      if (i > j || (i === j && !positive)) {
        [i, j] = [j, i];
        s = s.map((x) => -x);
      }
      out.push(`${i},${j},${s.join(',')}`);
    }
  }
  // One row per atom.
  expect(rows.size).toBe(list.atomCount);
  expect(list.rowStart[list.atomCount]).toBe(list.count);
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

describe('HalfPairList', () => {
  const random = new Random(2024);
  const rng = () => random.uniform();
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
        const { cell, positions, minHeight } = randomTriclinicSystem(random, 4, 40);
        const cutoff = minHeight * (0.2 + 1.8 * rng());
        const skin = 0.3 * rng();
        const list = new HalfPairList(
          cutoff - skin > 0 ? cutoff - skin : cutoff,
          cutoff - skin > 0 ? skin : 0,
        );
        list.update({ positions, cell, pbc });
        expect(couples(list, positions, cell)).toEqual(
          reference(positions, cell, pbc, list.cutoff + list.skin),
        );
      }
    });
  }

  it('handles a slab with a zero third vector and a molecule without a cell', () => {
    const rng2 = uniformStream(7);
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
      expect(couples(list, positions, cell)).toEqual(reference(positions, cell, pbc, 4.5));
      expect(list.count).toBeGreaterThan(0);
    }
  });

  it('rebuilds past skin/2, on a strain that could bring a pair within the cutoff, or when pbc or the atom count change', () => {
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
    // Strain without moving the atoms: 2·max|x − x·F| + ‖F − I‖·(cutoff + skin) ≤ skin keeps
    // the list (1e-4 here), 5% does not.
    expect(list.update({ ...atoms, cell: toCell([10, 10, 10.001]) })).toBe(false);
    expect(list.update({ ...atoms, cell: toCell([10, 10, 10.5]) })).toBe(true);
    // An affine strain (atoms scaled with the cell) only costs ‖F − I‖·(cutoff + skin):
    // 5% (0.17 Å) keeps the list, 15% (0.51 Å) rebuilds.
    const scaled = (f: number) => Float64Array.from(positions, (x, i) => (i % 3 === 2 ? x * f : x));
    expect(
      list.update({ ...atoms, positions: scaled(1.05), cell: toCell([10, 10, 10.5 * 1.05]) }),
    ).toBe(false);
    expect(
      list.update({ ...atoms, positions: scaled(1.15), cell: toCell([10, 10, 10.5 * 1.15]) }),
    ).toBe(true);
    const moved = scaled(1.15);
    const cell2 = toCell([10, 10, 10.5 * 1.15]);
    expect(list.update({ ...atoms, positions: moved, cell: cell2, pbc: [true, true, false] })).toBe(
      true,
    );
    expect(
      list.update({
        ...atoms,
        positions: moved.subarray(0, 6),
        cell: cell2,
        pbc: [true, true, false],
      }),
    ).toBe(true);
    list.invalidate();
    expect(
      list.update({
        ...atoms,
        positions: moved.subarray(0, 6),
        cell: cell2,
        pbc: [true, true, false],
      }),
    ).toBe(true);
    expect(list.builds).toBe(7);
  });

  it('keeps every couple within the cutoff while it reuses the list under random strains and moves', () => {
    const rng2 = uniformStream(99);
    const cell0 = cellFromParameters(9, 10, 11, 75, 80, 105);
    const n = 40;
    const positions = new Float64Array(3 * n);
    for (let a = 0; a < n; a++) {
      const s = [rng2(), rng2(), rng2()];
      for (let k = 0; k < 3; k++)
        positions[3 * a + k] = s[0]! * cell0[k]! + s[1]! * cell0[3 + k]! + s[2]! * cell0[6 + k]!;
    }
    const cutoff = 5;
    const list = new HalfPairList(cutoff, 0.5);
    const pbc: Pbc = [true, true, true];
    let cell = cell0.slice();
    let reused = 0;
    for (let step = 0; step < 200; step++) {
      // A small strain (positions follow it, as a barostat does), compressing for 100 steps
      // and then expanding, so that strain accumulates between rebuilds, plus a random move.
      const e = Array.from({ length: 9 }, () => 0.002 * (rng2() - 0.5));
      const s = step < 100 ? -0.002 : 0.002;
      const F = [
        1 + s + e[0]!,
        e[1]!,
        e[2]!,
        e[3]!,
        1 + s + e[4]!,
        e[5]!,
        e[6]!,
        e[7]!,
        1 + s + e[8]!,
      ];
      const apply = (v: Float64Array) => {
        const out = new Float64Array(v.length);
        for (let r = 0; r < v.length; r += 3)
          for (let c = 0; c < 3; c++)
            out[r + c] = v[r]! * F[c]! + v[r + 1]! * F[3 + c]! + v[r + 2]! * F[6 + c]!;
        return out;
      };
      cell = apply(cell);
      positions.set(apply(positions));
      for (let k = 0; k < positions.length; k++) positions[k]! += 0.004 * (rng2() - 0.5);
      if (!list.update({ positions, cell, pbc })) reused++;
      // Every couple within the cutoff now is in the list, at its current vector.
      const inList = new Set(couples(list, positions, cell));
      for (const c of reference(positions, cell, pbc, cutoff)) expect(inList.has(c), c).toBe(true);
    }
    expect(reused).toBeGreaterThan(100);
    expect(list.builds).toBeGreaterThan(1);
  });

  it('folds per-entry forces back onto their atoms', () => {
    // A cell shorter than the cutoff: every atom has many ghosts.
    const cell = cellFromParameters(3, 3.5, 4, 80, 95, 110);
    const positions = Float64Array.of(0.2, 0.1, 0.3, 1.5, 1.7, 2.1, -0.4, 2.9, 4.2);
    const list = new HalfPairList(6, 0.2);
    list.update({ positions, cell, pbc: [true, true, true] });
    expect(list.entryCount).toBeGreaterThan(20 * 3);
    const buffer = list.forceBuffer();
    expect(buffer.length).toBeGreaterThanOrEqual(3 * list.entryCount);
    const expected = new Float64Array(9);
    for (let e = 0; e < list.entryCount; e++) {
      for (let k = 0; k < 3; k++) {
        buffer[3 * e + k] = e + 0.25 * k;
        expected[3 * list.owner[e]! + k]! += e + 0.25 * k;
      }
    }
    const forces = new Float64Array(9);
    list.gatherForces(buffer, forces);
    expect(Array.from(forces)).toEqual(Array.from(expected));
    // The buffer comes back zeroed.
    expect(
      list
        .forceBuffer()
        .subarray(0, 3 * list.entryCount)
        .every((x) => x === 0),
    ).toBe(true);
  });
});
