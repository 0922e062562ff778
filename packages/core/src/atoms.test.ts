import { describe, expect, it } from 'vitest';
import { Atoms } from './atoms.js';
import { cellFromParameters, cellVolume } from './cell.js';
import { parseFormula } from './elements.js';
import { InvalidInputError, UnknownElementError } from './errors.js';
import { runAsePython } from './testing/python.js';

describe('Atoms', () => {
  it('takes symbols, default masses, and computes formula and centre of mass', () => {
    const w = new Atoms({
      symbols: ['O', 'H', 'H'],
      positions: [
        [0, 0, 0],
        [0.96, 0, 0],
        [-0.24, 0.93, 0],
      ],
    });
    expect(w.length).toBe(3);
    expect(w.getChemicalFormula()).toBe('H2O');
    expect(w.masses[0]).toBeCloseTo(15.999, 3);
    const com = w.getCenterOfMass();
    const mt = w.getTotalMass();
    expect(com[0]).toBeCloseTo((w.masses[1]! * 0.96 - w.masses[2]! * 0.24) / mt, 14);
    expect(
      new Atoms({
        symbols: ['C', 'C', 'H', 'O'],
        positions: new Float64Array(12),
      }).getChemicalFormula(),
    ).toBe('C2HO');
  });

  it('kinetic energy and temperature equal ASE for the same momenta', () => {
    const atoms = new Atoms({ symbols: ['Ar', 'Ar', 'He'], positions: new Float64Array(9) });
    atoms.setVelocities([0.01, -0.02, 0.003, 0, 0.005, 0, -0.001, 0.002, 0.004]);
    const momentaAse = atoms.getMomenta().map((p) => p / 0.09822694788464063); // amu·Å/(ASE time)
    const out = JSON.parse(
      runAsePython(
        `
import json, sys, numpy as np
from ase import Atoms
p = np.array(json.loads(sys.stdin.read())).reshape(-1, 3)
a = Atoms('Ar2He', positions=np.zeros((3, 3)))
a.set_momenta(p)
print(json.dumps([a.get_kinetic_energy(), a.get_temperature()]))
`,
        JSON.stringify(Array.from(momentaAse)),
      ),
    ) as [number, number];
    expect(atoms.getKineticEnergy()).toBeCloseTo(out[0], 14);
    expect(Math.abs(atoms.getTemperature() - out[1]) / out[1]).toBeLessThan(1e-13);
  });

  it('wraps into the cell along periodic axes only', () => {
    const cell = cellFromParameters(5, 6, 7, 70, 80, 100);
    const a = new Atoms({
      numbers: [1, 1],
      positions: [
        [-1, 2, 3],
        [12, -5, 30],
      ],
      cell,
      pbc: [true, false, true],
    });
    const before = a.getScaledPositions();
    a.wrap();
    const after = a.getScaledPositions();
    for (let i = 0; i < 2; i++) {
      expect(after[3 * i]!).toBeGreaterThanOrEqual(0);
      expect(after[3 * i]!).toBeLessThan(1);
      expect(after[3 * i + 1]!).toBeCloseTo(before[3 * i + 1]!, 12);
      expect(after[3 * i + 2]!).toBeGreaterThanOrEqual(0);
    }
    expect(cellVolume(a.cell)).toBeGreaterThan(0);
  });

  it('copy is deep', () => {
    const a = new Atoms({ numbers: [1], positions: [0, 0, 0], info: { tag: { x: 1 } } });
    const b = a.copy();
    b.positions[0] = 5;
    (b.info.tag as { x: number }).x = 2;
    expect(a.positions[0]).toBe(0);
    expect((a.info.tag as { x: number }).x).toBe(1);
  });

  it('rejects bad input with a clear error', () => {
    expect(() => new Atoms({ symbols: ['Xx'], positions: [0, 0, 0] })).toThrow(UnknownElementError);
    expect(() => new Atoms({ numbers: [1, 1], positions: [0, 0, 0] })).toThrow(InvalidInputError);
    const nan = new Atoms({ numbers: [1], positions: [Number.NaN, 0, 0] });
    expect(() => nan.validate()).toThrow(/non-finite coordinate/);
    const flat = new Atoms({
      numbers: [1],
      positions: [0, 0, 0],
      cell: [
        [1, 0, 0],
        [2, 0, 0],
        [0, 0, 1],
      ],
      pbc: true,
    });
    expect(() => flat.validate()).toThrow(/singular/);
    expect(() => parseFormula('H2Qq')).toThrow(UnknownElementError);
    expect(parseFormula('CH4')).toEqual([6, 1, 1, 1, 1]);
  });
});
