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
  uniformStream,
} from './__fixtures__/systems.js';
import { LennardJones, type LennardJonesOptions } from './lennard-jones.js';

// Argon-like, none of them ASE's defaults (ε = σ = 1, rc = 3σ).
const ARGON = { epsilon: 0.0104, sigma: 3.405, rc: 8.5 };
const SMOOTH = { ...ARGON, smooth: true, ro: 6.5 };
const ALL: PropertyName[] = ['energy', 'free_energy', 'energies', 'forces', 'stress', 'stresses'];
const NO_STRESS: PropertyName[] = ['energy', 'free_energy', 'energies', 'forces'];

interface Case {
  name: string;
  atoms: () => Atoms;
  /** Whether ASE gives a stress (a cell with three non-zero vectors). */
  stress: boolean;
}

const CASES: Case[] = [
  {
    name: 'periodic fcc argon (108 atoms, 0.1 Å thermal noise)',
    atoms: () => fcc('Ar', 5.26, 3, 0.1, 1),
    stress: true,
  },
  {
    name: 'non-periodic cluster, no cell (43 atoms)',
    atoms: () => cluster('Ar', 3.75, 43, 0.15, 2),
    stress: false,
  },
  {
    name: 'non-periodic cluster in a 3-D box (ASE still gives a stress)',
    atoms: () => {
      const a = cluster('Ar', 3.75, 19, 0.15, 3);
      a.setCell([30, 31, 32]);
      return a;
    },
    stress: true,
  },
  {
    name: 'skewed triclinic cell (50°, 70°, 100°; rc 8.5 Å > every height, 4.5–4.9 Å: several images)',
    atoms: () => randomInCell('Ar', skewedCell(1), [true, true, true], 3, 3.3, 4),
    stress: true,
  },
  {
    name: 'mixed pbc (T, F, T) in a triclinic cell',
    atoms: () => randomInCell('Ar', skewedCell(1.4), [true, false, true], 8, 3.3, 5),
    stress: true,
  },
  {
    name: 'slab (T, T, F) with a zero third vector (cell rank 2: no stress)',
    atoms: () => {
      const a = randomInCell('Ar', toCell([9, 10, 12]), [true, true, false], 10, 3.3, 6);
      a.setCell([
        [9, 0, 0],
        [2, 10, 0],
        [0, 0, 0],
      ]);
      return a;
    },
    stress: false,
  },
];

describe('LennardJones against ASE 3.22.1 (ase.calculators.lj.LennardJones)', () => {
  const variants: {
    label: string;
    params: LennardJonesOptions & Record<string, number | boolean>;
  }[] = [
    { label: 'energy shifted at rc', params: ARGON },
    { label: 'smooth cutoff (ro 6.5 Å)', params: SMOOTH },
  ];
  let reference: AseResults[] = [];
  beforeAll(() => {
    const jobs: AseJob[] = [];
    for (const v of variants) {
      for (const c of CASES)
        jobs.push({ atoms: c.atoms(), calculator: 'lj', parameters: v.params });
    }
    reference = aseReference(jobs);
  });

  variants.forEach((v, vi) => {
    CASES.forEach((c, ci) => {
      // Relative error = max |ours − ASE| / max |ASE| over each array (|ΔE|/|E| for the
      // energy): a norm-wise measure, since single components may be ~0 and rounding
      // noise of a reordered sum is relative to the largest terms, not to each component.
      it(`${v.label}: ${c.name}: energy, energies, forces, stress, stresses to 1e-10`, async () => {
        const ase = reference[vi * CASES.length + ci]!;
        expect(ase.stress !== undefined, 'ASE gives a stress exactly for a 3-D cell').toBe(
          c.stress,
        );
        const calc = new LennardJones(v.params);
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
});

describe('LennardJones', () => {
  it('has ASE 3.22.1 defaults: ε = σ = 1, rc = 3σ, ro = 0.66·rc, smooth off; records parameters', () => {
    const calc = new LennardJones({ sigma: 2 });
    expect(calc.epsilon).toBe(1);
    expect(calc.rc).toBe(6);
    expect(calc.ro).toBeCloseTo(3.96, 14);
    expect(calc.smooth).toBe(false);
    expect(calc.parameters).toMatchObject({
      epsilon: 1,
      sigma: 2,
      rc: 6,
      smooth: false,
      skin: 0.3,
    });
  });

  it('rejects non-finite parameters and a negative skin', () => {
    expect(() => new LennardJones({ epsilon: Number.NaN })).toThrow(/epsilon/);
    expect(() => new LennardJones({ skin: -0.1 })).toThrow(/skin/);
    expect(() => new LennardJones({ rc: 0 })).toThrow(/cutoff/);
    expect(() => new LennardJones({ rc: 3, ro: 3, smooth: true })).toThrow(/ro < rc/);
  });

  it('a pair exactly at rc has zero energy and no force; beyond rc, nothing', async () => {
    const calc = new LennardJones({ epsilon: 1, sigma: 1, rc: 2.5 });
    const pair = (r: number) => new Atoms({ symbols: ['Ar', 'Ar'], positions: [0, 0, 0, r, 0, 0] });
    expect(await calc.getPotentialEnergy(pair(2.5))).toBeCloseTo(0, 15);
    expect(await calc.getPotentialEnergy(pair(2.5000001))).toBe(0);
    expect(Array.from(await calc.getForces(pair(2.6)))).toEqual([0, 0, 0, 0, 0, 0]);
    // At the minimum 2^(1/6)σ the force vanishes and the energy is −ε − u(rc).
    const rmin = 2 ** (1 / 6);
    const shift = 4 * (2.5 ** -12 - 2.5 ** -6);
    expect(await calc.getPotentialEnergy(pair(rmin))).toBeCloseTo(-1 - shift, 14);
    expect(Math.abs((await calc.getForces(pair(rmin)))[0]!)).toBeLessThan(1e-12);
  });

  it('reuses its Verlet list for moves below skin/2 and rebuilds beyond, with results equal to a fresh calculator', async () => {
    const atoms = fcc('Ar', 5.26, 3, 0.1, 7);
    const calc = new LennardJones({ ...ARGON, skin: 0.4 });
    await calc.getForces(atoms);
    expect(calc.neighborList.builds).toBe(1);
    const check = async () => {
      const fresh = new LennardJones({ ...ARGON, skin: 0 });
      const [e, f] = [await calc.getPotentialEnergy(atoms), await calc.getForces(atoms)];
      expect(e).toBeCloseTo(await fresh.getPotentialEnergy(atoms), 12);
      const ref = await fresh.getForces(atoms);
      for (let k = 0; k < f.length; k++) expect(f[k]).toBeCloseTo(ref[k]!, 12);
    };
    // Every atom moves 0.19 Å (< skin/2 = 0.2 Å) in small steps: no rebuild.
    for (let step = 0; step < 19; step++) {
      for (let a = 0; a < atoms.length; a++) atoms.positions[3 * a + (a % 3)]! += 0.01;
      await calc.getForces(atoms);
    }
    expect(calc.neighborList.builds).toBe(1);
    await check();
    // One atom 0.21 Å from where the list was built: rebuild.
    atoms.positions[0]! += 0.02;
    await calc.getForces(atoms);
    expect(calc.neighborList.builds).toBe(2);
    expect(calc.parameters.neighborBuilds).toBe(2);
    await check();
    // A small strain keeps the list (its images follow the cell), with the atoms scaled
    // along (affine, as a barostat) or left in place; the results stay those of a fresh list.
    atoms.setCell(
      Array.from(atoms.cell, (x) => x * 1.001),
      true,
    );
    await calc.getForces(atoms);
    expect(calc.neighborList.builds).toBe(2);
    await check();
    atoms.setCell(Float64Array.of(15.8, 0.02, 0, 0, 15.78, 0.01, 0.03, 0, 15.79));
    await calc.getForces(atoms);
    expect(calc.neighborList.builds).toBe(2);
    await check();
    // A large one rebuilds.
    atoms.setCell(
      Array.from(atoms.cell, (x) => x * 1.03),
      true,
    );
    await calc.getForces(atoms);
    expect(calc.neighborList.builds).toBe(3);
    await check();
  });

  it('over an NPT-like run (strain every step), reuses the list and matches a skin-0 calculator with stress', async () => {
    const atoms = fcc('Ar', 5.26, 3, 0.1, 21);
    atoms.setCell(skewCell(atoms.cell), true);
    const calc = new LennardJones({ ...ARGON, skin: 0.5 });
    const fresh = new LennardJones({ ...ARGON, skin: 0 });
    const rng = uniformStream(5);
    for (let step = 0; step < 40; step++) {
      const s = step < 20 ? -0.0015 : 0.0015;
      const cell = Array.from(
        atoms.cell,
        (x, k) => x * (1 + s) + (k % 4 === 1 ? 0.01 * (rng() - 0.5) : 0),
      );
      atoms.setCell(cell, true);
      for (let k = 0; k < atoms.positions.length; k++) atoms.positions[k]! += 0.01 * (rng() - 0.5);
      const [f, stress, e] = [
        await calc.getForces(atoms),
        await calc.getStress(atoms),
        await calc.getPotentialEnergy(atoms),
      ];
      const [f0, stress0, e0] = [
        await fresh.getForces(atoms),
        await fresh.getStress(atoms),
        await fresh.getPotentialEnergy(atoms),
      ];
      expect(Math.abs(e - e0)).toBeLessThan(1e-11 * Math.abs(e0));
      const fmax = Math.max(...Array.from(f0, Math.abs));
      for (let k = 0; k < f.length; k++)
        expect(Math.abs(f[k]! - f0[k]!)).toBeLessThan(1e-11 * fmax);
      const smax = Math.max(...Array.from(stress0, Math.abs));
      for (let k = 0; k < 6; k++)
        expect(Math.abs(stress[k]! - stress0[k]!)).toBeLessThan(1e-11 * smax);
    }
    expect(fresh.neighborList.builds).toBe(40);
    expect(calc.neighborList.builds).toBeGreaterThan(1);
    expect(calc.neighborList.builds).toBeLessThan(15);
  });

  it('folds the forces on periodic images back onto their atoms (cell shorter than rc)', async () => {
    // A brute-force sum over images as the reference: every image within rc of every atom.
    const atoms = randomInCell('Ar', skewedCell(1), [true, true, true], 3, 3.3, 31);
    const calc = new LennardJones(ARGON);
    const forces = await calc.getForces(atoms);
    const energy = await calc.getPotentialEnergy(atoms);
    const { epsilon, sigma, rc } = ARGON;
    const e0 = 4 * epsilon * ((sigma / rc) ** 12 - (sigma / rc) ** 6);
    const c = atoms.cell;
    const n = atoms.length;
    const ref = new Float64Array(3 * n);
    let eRef = 0;
    const range = 4;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        for (let a = -range; a <= range; a++) {
          for (let b = -range; b <= range; b++) {
            for (let g = -range; g <= range; g++) {
              if (i === j && a === 0 && b === 0 && g === 0) continue;
              const d = [0, 1, 2].map(
                (k) =>
                  atoms.positions[3 * j + k]! +
                  a * c[k]! +
                  b * c[3 + k]! +
                  g * c[6 + k]! -
                  atoms.positions[3 * i + k]!,
              );
              const r2 = d[0]! ** 2 + d[1]! ** 2 + d[2]! ** 2;
              if (r2 > rc * rc) continue;
              const c6 = ((sigma * sigma) / r2) ** 3;
              eRef += 0.5 * (4 * epsilon * (c6 * c6 - c6) - e0);
              const du = (-24 * epsilon * (2 * c6 * c6 - c6)) / r2;
              for (let k = 0; k < 3; k++) ref[3 * i + k]! += du * d[k]!;
            }
          }
        }
      }
    }
    expect(calc.neighborList.entryCount).toBeGreaterThan(50 * n);
    expect(Math.abs(energy - eRef)).toBeLessThan(1e-12 * Math.abs(eRef));
    const fmax = Math.max(...Array.from(ref, Math.abs));
    for (let k = 0; k < 3 * n; k++)
      expect(Math.abs(forces[k]! - ref[k]!)).toBeLessThan(1e-12 * fmax);
  });

  it('computes the stress alongside the forces once it has been asked for (no second pass)', async () => {
    const atoms = fcc('Ar', 5.26, 2, 0.1, 8);
    const calc = new LennardJones(ARGON);
    const calls = { count: 0 };
    const original = (calc as unknown as { doCalculate: (...a: unknown[]) => unknown }).doCalculate;
    (calc as unknown as { doCalculate: (...a: unknown[]) => unknown }).doCalculate = function (
      ...a: unknown[]
    ) {
      calls.count++;
      return original.apply(this, a);
    };
    await calc.getForces(atoms);
    expect(calc.results.stress).toBeUndefined();
    await calc.getStress(atoms);
    expect(calls.count).toBe(2);
    atoms.positions[0]! += 0.01;
    await calc.getForces(atoms);
    await calc.getStress(atoms);
    expect(calls.count).toBe(3);
  });
});

/** A cell sheared a little off cubic (rows of three), to exercise a triclinic strain. */
function skewCell(cell: Float64Array): Float64Array {
  const out = cell.slice();
  out[3]! += 0.08 * cell[0]!;
  out[6]! += 0.05 * cell[0]!;
  out[7]! += 0.04 * cell[4]!;
  return out;
}

// Small systems for the finite-difference checks. With the shifted energy the forces jump
// at rc: these seeds keep every pair farther than the force step (1e-4 Å) from rc.
const conformanceSystems = () => [
  fcc('Ar', 5.26, 2, 0.1, 11),
  cluster('Ar', 3.75, 13, 0.15, 12),
  randomInCell('Ar', skewedCell(1), [true, true, true], 3, 3.3, 13),
  randomInCell('Ar', skewedCell(1.4), [true, false, true], 6, 3.3, 14),
];

describeCalculatorConformance('LennardJones (shifted)', {
  create: () => new LennardJones(ARGON),
  systems: conformanceSystems,
});

describeCalculatorConformance('LennardJones (smooth)', {
  create: () => new LennardJones(SMOOTH),
  systems: conformanceSystems,
});

describeCalculatorConformance('LennardJones (skin 0: list rebuilt at every move)', {
  create: () => new LennardJones({ ...ARGON, skin: 0 }),
  systems: conformanceSystems,
});
