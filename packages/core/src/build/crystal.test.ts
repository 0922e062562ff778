import { describe, expect, it } from 'vitest';
import { runAsePython } from '../testing/python.js';
import { fccCrystal } from './crystal.js';

describe('fccCrystal', () => {
  it("equals ASE's bulk(..., 'fcc', cubic=True).repeat(n), atom for atom", () => {
    const ours = fccCrystal('Cu', 3.61, 3);
    const ase = JSON.parse(
      runAsePython(`
import json
from ase.build import bulk
a = bulk('Cu', 'fcc', a=3.61, cubic=True).repeat(3)
print(json.dumps({'pos': a.positions.ravel().tolist(), 'cell': a.cell.array.ravel().tolist(), 'Z': a.numbers.tolist()}))
`),
    ) as { pos: number[]; cell: number[]; Z: number[] };
    expect(Array.from(ours.numbers)).toEqual(ase.Z);
    expect(Array.from(ours.cell)).toEqual(ase.cell);
    for (let i = 0; i < ours.positions.length; i++)
      expect(Math.abs(ours.positions[i]! - ase.pos[i]!)).toBeLessThan(1e-12);
  });

  it('rattles reproducibly by seed', () => {
    const a = fccCrystal('Ar', 5.26, 2, { rattle: 0.1, seed: 3 });
    const b = fccCrystal('Ar', 5.26, 2, { rattle: 0.1, seed: 3 });
    const c = fccCrystal('Ar', 5.26, 2, { rattle: 0.1, seed: 4 });
    expect(a.positions).toEqual(b.positions);
    expect(a.positions).not.toEqual(c.positions);
  });
});
