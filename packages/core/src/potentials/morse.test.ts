import { beforeAll, describe, expect, it } from 'vitest';
import { Atoms } from '../atoms.js';
import type { PropertyName } from '../calculator/calculator.js';
import { toCell } from '../cell.js';
import { PropertyNotImplementedError } from '../errors.js';
import { describeCalculatorConformance } from '../testing/conformance.js';
import {
  type AseJob,
  type AseResults,
  aseReference,
  cluster,
  compareWithAse,
  fcc,
  randomInCell,
  skewedCell,
} from './__fixtures__/systems.js';
import { Morse, type MorseOptions } from './morse.js';

// A copper-like Morse, none of them ASE's defaults (ε 1, ρ0 6, r0 1, rcut1 1.9, rcut2 2.7):
// switching between 4.48 Å and 6.44 Å.
const COPPER = { epsilon: 0.42, rho0: 4.4, r0: 2.8, rcut1: 1.6, rcut2: 2.3 };
const ALL: PropertyName[] = ['energy', 'free_energy', 'energies', 'forces', 'stress', 'stresses'];
const NO_STRESS: PropertyName[] = ['energy', 'free_energy', 'energies', 'forces'];

interface Case {
  name: string;
  params: MorseOptions & Record<string, number>;
  atoms: () => Atoms;
  stress: boolean;
}

const CASES: Case[] = [
  {
    name: 'periodic fcc (108 atoms, 0.08 Å thermal noise)',
    params: COPPER,
    atoms: () => fcc('Cu', 3.96, 3, 0.08, 21),
    stress: true,
  },
  {
    name: 'non-periodic cluster (43 atoms)',
    params: COPPER,
    atoms: () => cluster('Cu', 2.8, 43, 0.1, 22),
    stress: false,
  },
  {
    name: 'skewed triclinic cell (50°, 70°, 100°; rcut2·r0 6.44 Å > every height, 4.5–4.9 Å)',
    params: COPPER,
    atoms: () => randomInCell('Cu', skewedCell(1), [true, true, true], 8, 2.4, 23),
    stress: true,
  },
  {
    name: 'mixed pbc (T, F, T) in a triclinic cell',
    params: COPPER,
    atoms: () => randomInCell('Cu', skewedCell(1.2), [true, false, true], 12, 2.4, 24),
    stress: true,
  },
  {
    name: 'slab (T, T, F) with a zero third vector',
    params: COPPER,
    atoms: () => {
      const a = randomInCell('Cu', toCell([7, 8, 10]), [true, true, false], 14, 2.4, 25);
      a.setCell([
        [7, 0, 0],
        [1.5, 8, 0],
        [0, 0, 0],
      ]);
      return a;
    },
    stress: false,
  },
  {
    name: "ASE's default parameters, periodic fcc in reduced units",
    params: {},
    atoms: () => fcc('Cu', Math.SQRT2, 3, 0.03, 26),
    stress: true,
  },
];

describe('Morse against ASE 3.22.1 (ase.calculators.morse.MorsePotential)', () => {
  let reference: AseResults[] = [];
  beforeAll(() => {
    const jobs: AseJob[] = CASES.map((c) => ({
      atoms: c.atoms(),
      calculator: 'morse',
      parameters: c.params,
    }));
    reference = aseReference(jobs);
  });

  CASES.forEach((c, ci) => {
    // Energy and forces are ASE's MorsePotential's. It has no per-atom energies or stress
    // in 3.22.1: those references are built in the Python script from ASE's own pair list
    // (neighbor_list 'ijdD') and pair terms (fcut, fcut_d). Relative error as in the LJ
    // test: max |ours − ASE| / max |ASE| per array.
    it(`${c.name}: energy, forces (ASE), energies, stress, stresses (ASE's pair terms) to 1e-10`, async () => {
      const ase = reference[ci]!;
      const calc = new Morse(c.params);
      const atoms = c.atoms();
      await calc.calculate(atoms, c.stress ? ALL : NO_STRESS);
      const errors = compareWithAse(calc.results, ase);
      for (const [property, error] of Object.entries(errors)) {
        expect(error, `${property} relative error`).toBeLessThan(1e-10);
      }
      expect(Object.keys(errors).sort()).toEqual(
        c.stress
          ? ['energies', 'energy', 'forces', 'stress', 'stresses']
          : ['energies', 'energy', 'forces'],
      );
      if (!c.stress)
        await expect(calc.getStress(atoms)).rejects.toBeInstanceOf(PropertyNotImplementedError);
    });
  });
});

describe('Morse', () => {
  it("has ASE's defaults and records its parameters", () => {
    const calc = new Morse();
    expect(calc.parameters).toMatchObject({
      epsilon: 1,
      rho0: 6,
      r0: 1,
      rcut1: 1.9,
      rcut2: 2.7,
      skin: 0.3,
    });
    expect(calc.cutoff).toBeCloseTo(2.7, 15);
  });

  it('rejects rcut2 ≤ rcut1 and a non-positive r0', () => {
    expect(() => new Morse({ rcut1: 2, rcut2: 2 })).toThrow(/rcut2/);
    expect(() => new Morse({ r0: 0 })).toThrow(/r0/);
  });

  it('gives −ε at r0 with zero force, and exactly zero beyond rcut2·r0', async () => {
    const calc = new Morse(COPPER);
    const pair = (r: number) => new Atoms({ symbols: ['Cu', 'Cu'], positions: [0, 0, 0, 0, 0, r] });
    expect(await calc.getPotentialEnergy(pair(2.8))).toBeCloseTo(-0.42, 15);
    expect(Math.abs((await calc.getForces(pair(2.8)))[2]!)).toBeLessThan(1e-14);
    expect(await calc.getPotentialEnergy(pair(6.44))).toBe(0);
    expect(Array.from(await calc.getForces(pair(6.5)))).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describeCalculatorConformance('Morse', {
  create: () => new Morse(COPPER),
  systems: () => [
    fcc('Cu', 3.96, 2, 0.08, 31),
    cluster('Cu', 2.8, 13, 0.1, 32),
    randomInCell('Cu', skewedCell(1), [true, true, true], 6, 2.4, 33),
    randomInCell('Cu', skewedCell(1.2), [true, false, true], 8, 2.4, 34),
  ],
});
