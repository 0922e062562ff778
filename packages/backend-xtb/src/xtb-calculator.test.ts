import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Atoms, InvalidInputError, PropertyNotImplementedError, units } from '@mlff-distiller/core';
import { describe, expect, it } from 'vitest';
import { displaced, inXtbUnits, maxAbsDifference } from './__fixtures__/compare.js';
import { ethanol, methyl, water } from './__fixtures__/molecules.js';
import { waterBox } from './__fixtures__/water.js';
import { XtbCalculator } from './xtb-calculator.js';
import { StressNeedsBulkError, XtbError, XtbUnavailableError } from './xtb-error.js';
import { XtbLibrary } from './xtb-library.js';
import type { XtbOptions } from './xtb-options.js';
import { XtbProgramCalculator } from './xtb-program-calculator.js';

async function energy(options: XtbOptions, atoms: Atoms): Promise<number> {
  const calc = new XtbCalculator({ ...options, threads: 1 });
  try {
    return await calc.getPotentialEnergy(atoms);
  } finally {
    await calc.dispose();
  }
}

/** max |F − (−∂E/∂x)| over all coordinates, central differences with step h (Å). */
async function finiteDifferenceError(calc: XtbCalculator, original: Atoms, h: number) {
  const atoms = original.copy();
  const forces = await calc.getForces(atoms);
  let worst = 0;
  for (let i = 0; i < atoms.positions.length; i++) {
    const x = atoms.positions[i]!;
    atoms.positions[i] = x + h;
    const plus = await calc.getPotentialEnergy(atoms);
    atoms.positions[i] = x - h;
    const minus = await calc.getPotentialEnergy(atoms);
    atoms.positions[i] = x;
    worst = Math.max(worst, Math.abs(-(plus - minus) / (2 * h) - forces[i]!));
  }
  return worst;
}

describe('forces are −∂E/∂x (central differences, step 1e-4 Å)', () => {
  // Error budget: truncation h²/6·E''' ≈ 1e-8 eV/Å; float64 rounding 1e-16·|E|/h ≈ 3e-9
  // eV/Å for |E| ≈ 300 eV. The rest is the SCF: at accuracy 0.01 the charges converge to
  // 2e-7 e and the energy to 1e-8 Eh, and the analytic gradient then matches the energy's
  // derivative to ~3e-7 eV/Å (measured); 2e-6 eV/Å leaves room and still catches a wrong
  // unit or sign (≳ 0.1 eV/Å). At the default accuracy 1 the analytic forces and the
  // energy's slope differ by ~6e-5 eV/Å (SCF-limited, independent of h), hence 2e-4 there.
  it('GFN2-xTB, accuracy 0.01: within 2e-6 eV/Å', async () => {
    const calc = new XtbCalculator({ accuracy: 0.01, threads: 1 });
    expect(await finiteDifferenceError(calc, displaced(ethanol()), 1e-4)).toBeLessThan(2e-6);
  });

  it('GFN2-xTB, default accuracy: within 2e-4 eV/Å (SCF-limited)', async () => {
    const calc = new XtbCalculator({ threads: 1 });
    expect(await finiteDifferenceError(calc, displaced(ethanol()), 1e-4)).toBeLessThan(2e-4);
  });

  it('GFN1-xTB, accuracy 0.01, a radical: within 2e-6 eV/Å', async () => {
    const calc = new XtbCalculator({ method: 'GFN1-xTB', accuracy: 0.01, threads: 1 });
    expect(await finiteDifferenceError(calc, displaced(methyl()), 1e-4)).toBeLessThan(2e-6);
  });

  it('GFN-FF (no SCF): within 1e-6 eV/Å', async () => {
    const calc = new XtbCalculator({ method: 'GFN-FF', threads: 1 });
    expect(await finiteDifferenceError(calc, displaced(ethanol()), 1e-4)).toBeLessThan(1e-6);
  });
});

describe('options change the results', () => {
  const atoms = displaced(ethanol());

  it('charge', async () => {
    const neutral = await energy({}, atoms);
    const cation = await energy({ charge: 1 }, atoms);
    // The ionisation energy of ethanol, roughly (GFN2 includes an empirical shift).
    expect(cation - neutral).toBeGreaterThan(5);
    expect(cation - neutral).toBeLessThan(20);
  });

  it('unpaired electrons (uhf)', async () => {
    const singlet = await energy({ uhf: 0 }, water());
    const triplet = await energy({ uhf: 2 }, water());
    expect(triplet - singlet).toBeGreaterThan(5);
  });

  it('electronic temperature', async () => {
    const cold = await energy({}, atoms);
    const hot = await energy({ electronicTemperature: 20000 }, atoms);
    expect(Math.abs(hot - cold)).toBeGreaterThan(1e-4);
  });

  it('GBSA solvent', async () => {
    const gas = await energy({}, atoms);
    const solvated = await energy({ solvent: { model: 'gbsa', name: 'water' } }, atoms);
    // Hydration free energy of ethanol: about −0.2 eV.
    expect(solvated - gas).toBeLessThan(-0.05);
    expect(solvated - gas).toBeGreaterThan(-0.5);
    const benzene = await energy({ solvent: { model: 'gbsa', name: 'benzene' } }, atoms);
    expect(Math.abs(benzene - solvated)).toBeGreaterThan(1e-3);
  });

  it('method: GFN2-xTB, GFN1-xTB and GFN-FF differ', async () => {
    const gfn2 = await energy({ method: 'GFN2-xTB' }, atoms);
    const gfn1 = await energy({ method: 'GFN1-xTB' }, atoms);
    const gfnff = await energy({ method: 'GFN-FF' }, atoms);
    expect(Math.abs(gfn2 - gfn1)).toBeGreaterThan(1);
    expect(Math.abs(gfn2 - gfnff)).toBeGreaterThan(1);
    expect(Math.abs(gfn1 - gfnff)).toBeGreaterThan(1);
  });

  it('accuracy (SCF convergence) changes the energy only slightly', async () => {
    const loose = await energy({ accuracy: 100 }, atoms);
    const tight = await energy({ accuracy: 0.001 }, atoms);
    expect(Math.abs(loose - tight)).toBeLessThan(1e-3);
  });

  it('parameters record the settings', () => {
    const calc = new XtbCalculator({
      method: 'GFN1-xTB',
      charge: -1,
      solvent: { model: 'gbsa', name: 'water' },
    });
    expect(calc.parameters).toMatchObject({
      backend: 'libxtb',
      method: 'GFN1-xTB',
      charge: -1,
      uhf: 'auto',
      accuracy: 1,
      electronicTemperature: 300,
      maxIterations: 250,
      solvent: 'gbsa:water',
    });
  });
});

describe('native objects are reused while only positions change', () => {
  // A restarted SCF converges to the same solution within its thresholds: at accuracy 1
  // (energy 1e-6 Eh, charges 2e-5 e) the energy agrees to ~6e-11 Eh and the gradient to
  // ~2e-6 Eh/Bohr (measured); at accuracy 0.01 to ~1e-14 Eh and ~1e-8 Eh/Bohr.
  for (const [accuracy, energyTolerance, gradientTolerance] of [
    [1, 1e-9, 5e-6],
    [0.01, 1e-11, 1e-7],
  ] as const) {
    it(`MD-like steps equal fresh calculations (accuracy ${accuracy})`, async () => {
      const reused = new XtbCalculator({ accuracy, threads: 1 });
      const atoms = ethanol();
      await reused.getForces(atoms);
      for (let step = 0; step < 6; step++) {
        for (let i = 0; i < atoms.positions.length; i++) {
          atoms.positions[i]! += 0.01 * Math.sin(7 * i + step);
        }
        const a = await inXtbUnits(reused, atoms);
        const fresh = new XtbCalculator({ accuracy, threads: 1 });
        const b = await inXtbUnits(fresh, atoms);
        await fresh.dispose();
        expect(Math.abs(a.energy - b.energy)).toBeLessThan(energyTolerance);
        expect(maxAbsDifference(a.gradient, b.gradient)).toBeLessThan(gradientTolerance);
      }
      expect(reused.setups).toBe(1);
      await reused.dispose();
    });
  }

  it('a new composition builds new objects and gives fresh results', async () => {
    const calc = new XtbCalculator({ threads: 1 });
    await calc.getPotentialEnergy(ethanol());
    const e = await calc.getPotentialEnergy(water());
    expect(calc.setups).toBe(2);
    expect(Math.abs(e - (await energy({}, water())))).toBeLessThan(1e-9);
    // Same count, other elements (numbers changed in place): rebuilt too.
    const swapped = water();
    swapped.numbers[0] = 16; // H2S at water's geometry
    const s = await calc.getPotentialEnergy(swapped);
    expect(calc.setups).toBe(3);
    expect(Math.abs(s - (await energy({}, swapped)))).toBeLessThan(1e-9);
  });

  it('dispose frees the objects, is safe twice, and a later call builds new ones', async () => {
    const calc = new XtbCalculator({ threads: 1 });
    const before = await calc.getPotentialEnergy(water());
    await calc.dispose();
    await calc.dispose();
    calc.reset();
    expect(await calc.getPotentialEnergy(water())).toBeCloseTo(before, 9);
    expect(calc.setups).toBe(2);
    await calc.dispose();
  });

  it('concurrent calls on one calculator and on two are serialised and correct', async () => {
    const a = new XtbCalculator({ threads: 1 });
    const b = new XtbCalculator({ method: 'GFN1-xTB', threads: 1 });
    const structures = [water(), ethanol(), displaced(water()), displaced(ethanol())];
    const results = await Promise.all([
      ...structures.map(async (s) => {
        const c = new XtbCalculator({ threads: 1 });
        return c.getPotentialEnergy(s);
      }),
    ]);
    const shared = await Promise.all(structures.map((s) => a.getPotentialEnergy(s.copy())));
    const other = await Promise.all(structures.map((s) => b.getPotentialEnergy(s.copy())));
    for (let i = 0; i < structures.length; i++) {
      expect(Math.abs(shared[i]! - results[i]!)).toBeLessThan(1e-7);
      expect(
        Math.abs(other[i]! - (await energy({ method: 'GFN1-xTB' }, structures[i]!))),
      ).toBeLessThan(1e-7);
    }
  });

  it('threads: two OpenMP threads give the same result as one', async () => {
    const one = await energy({}, ethanol());
    const calc = new XtbCalculator({ threads: 2 });
    expect(Math.abs((await calc.getPotentialEnergy(ethanol())) - one)).toBeLessThan(1e-9);
    expect(calc.getLibrary().maxThreads()).toBe(2);
  });
});

describe('clear errors', () => {
  it('unknown method', () => {
    expect(() => new XtbCalculator({ method: 'GFN3-xTB' as never })).toThrow(InvalidInputError);
    expect(() => new XtbCalculator({ method: 'GFN3-xTB' as never })).toThrow(
      /unknown xtb method "GFN3-xTB"; available: GFN2-xTB, GFN1-xTB, GFN0-xTB, GFN-FF/,
    );
  });

  it('bad options', () => {
    expect(() => new XtbCalculator({ charge: 0.5 })).toThrow(/charge must be an integer/);
    expect(() => new XtbCalculator({ accuracy: 1e-6 })).toThrow(/accuracy/);
    expect(() => new XtbCalculator({ maxIterations: 0 })).toThrow(/maxIterations/);
    expect(() => new XtbCalculator({ electronicTemperature: -1 })).toThrow(/electronicTemperature/);
    expect(() => new XtbCalculator({ threads: 0 })).toThrow(/threads/);
    expect(
      () => new XtbCalculator({ solvent: { model: 'cosmo' as never, name: 'water' } }),
    ).toThrow(/solvent model/);
  });

  it('SCF failure (maxIterations 1) becomes an XtbError naming the cause', async () => {
    const calc = new XtbCalculator({ maxIterations: 1, threads: 1 });
    const error = await calc.getPotentialEnergy(ethanol()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(XtbError);
    expect((error as XtbError).message).toMatch(/Self consistent charge iterator did not converge/);
    expect((error as XtbError).message).toMatch(/maxIterations 1/);
    expect((error as XtbError).xtbMessage).toMatch(
      /scf: Self consistent charge iterator did not converge/,
    );
    expect(calc.results.energy).toBeUndefined();
    // The calculator still works afterwards for a structure that converges in one step? No:
    // one iteration never converges, so it fails again, cleanly.
    await expect(calc.getPotentialEnergy(water())).rejects.toBeInstanceOf(XtbError);
  });

  it('a library that is not there: which one, and how to install it', async () => {
    expect(() => XtbLibrary.load({ path: '/nonexistent/libxtb.so.6' })).toThrow(
      XtbUnavailableError,
    );
    expect(() => XtbLibrary.load({ path: '/nonexistent/libxtb.so.6' })).toThrow(
      /libxtb could not be loaded \(tried \/nonexistent\/libxtb\.so\.6: .*\)\. Install it with "apt-get install libxtb6"/,
    );
    const calc = new XtbCalculator({ library: { path: '/nonexistent/libxtb.so.6' } });
    await expect(calc.getPotentialEnergy(water())).rejects.toThrow(/apt-get install libxtb6/);
  });

  it('ALPB through libxtb 6.5: says GBSA or the program', async () => {
    const calc = new XtbCalculator({ solvent: { model: 'alpb', name: 'water' } });
    await expect(calc.getPotentialEnergy(water())).rejects.toThrow(
      /ALPB solvation is not available through libxtb's C API version 10000.*always builds a GBSA model.*xtb program/,
    );
  });

  it("a solvent xtb does not know: xtb's reason", async () => {
    const calc = new XtbCalculator({ solvent: { model: 'gbsa', name: 'octanol' } });
    await expect(calc.getPotentialEnergy(water())).rejects.toThrow(
      /xtb_setSolvent failed: .*'octanol' is not parametrized/,
    );
  });

  it('unpaired electrons of the wrong parity', async () => {
    const calc = new XtbCalculator({ uhf: 0 });
    await expect(calc.getPotentialEnergy(methyl())).rejects.toThrow(
      /uhf 0 is impossible with 9 electrons .* must be odd/,
    );
  });

  it('elements beyond radon never reach libxtb (it would stop the process)', async () => {
    const fermium = new Atoms({
      numbers: [100, 1],
      positions: [
        [0, 0, 0],
        [0, 0, 1.6],
      ],
    });
    for (const method of ['GFN2-xTB', 'GFN1-xTB', 'GFN0-xTB', 'GFN-FF'] as const) {
      await expect(new XtbCalculator({ method }).getPotentialEnergy(fermium)).rejects.toThrow(
        new RegExp(`${method} is parametrised for H to Rn \\(Z 1–86\\); atom 0 is Fm \\(Z 100\\)`),
      );
      await expect(
        new XtbProgramCalculator({ method }).getPotentialEnergy(fermium),
      ).rejects.toBeInstanceOf(InvalidInputError);
    }
    const radon = new Atoms({
      numbers: [86, 1],
      positions: [
        [0, 0, 0],
        [0, 0, 1.9],
      ],
    });
    expect(Number.isFinite(await new XtbCalculator().getPotentialEnergy(radon))).toBe(true);
  });

  it('empty, non-finite and overlapping structures', async () => {
    const calc = new XtbCalculator();
    await expect(
      calc.getPotentialEnergy(new Atoms({ numbers: [], positions: [] })),
    ).rejects.toThrow(/at least one atom/);
    const nan = water();
    nan.positions[4] = Number.NaN;
    await expect(calc.getPotentialEnergy(nan)).rejects.toBeInstanceOf(InvalidInputError);
    const overlapping = water();
    overlapping.positions.set(overlapping.positions.subarray(0, 3), 3);
    await expect(calc.getPotentialEnergy(overlapping)).rejects.toThrow(
      /Could not generate molecular structure \(two atoms closer than 1e-9 Bohr\?\)/,
    );
    // The calculator is still usable after all that.
    expect(Number.isFinite(await calc.getPotentialEnergy(water()))).toBe(true);
  });

  it('stress of a molecule: PropertyNotImplementedError', async () => {
    const calc = new XtbCalculator();
    const error = await calc.getStress(water()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StressNeedsBulkError);
    expect(error).toBeInstanceOf(PropertyNotImplementedError);
    expect((error as Error).message).toMatch(/only for fully periodic structures/);
  });

  it('slabs and wires (mixed pbc) are rejected', async () => {
    const slab = waterBox();
    slab.pbc = [true, true, false];
    await expect(new XtbCalculator().getPotentialEnergy(slab)).rejects.toThrow(
      /xtb handles molecules \(pbc FFF\) and fully periodic cells \(pbc TTT\), not pbc TTF/,
    );
  });

  it('GFN2-xTB and GFN-FF for periodic systems: xtb 6.5 has neither', async () => {
    for (const method of ['GFN2-xTB', 'GFN-FF'] as const) {
      const error = await new XtbCalculator({ method })
        .getPotentialEnergy(waterBox())
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(XtbError);
      expect((error as Error).message).toMatch(
        new RegExp(
          `${method} failed for a periodic structure; xtb 6.5 implements periodic boundary conditions for GFN1-xTB and GFN0-xTB only`,
        ),
      );
    }
    const gfn2 = await new XtbCalculator().getPotentialEnergy(waterBox()).catch((e: Error) => e);
    expect((gfn2 as Error).message).toMatch(/Multipoles not available with PBC/);
  });
});

describe('files in the working directory', () => {
  it('GFN-FF neither reads a stray `charges` file nor leaves files behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xtb-cwd-test-'));
    const previous = process.cwd();
    // Two waters 6 Å apart: two fragments, whose charges libxtb's GFN-FF setup would take
    // from a `charges` file in the working directory (+1 and −1 here: −0.136 Eh instead of
    // −0.655 Eh, measured by running libxtb in such a directory).
    const atoms = new Atoms({
      symbols: ['O', 'H', 'H', 'O', 'H', 'H'],
      positions: [
        [0, 0, 0.119],
        [0, 0.763, -0.477],
        [0, -0.763, -0.477],
        [6, 0, 0.119],
        [6, 0.763, -0.477],
        [6, -0.763, -0.477],
      ],
    });
    try {
      process.chdir(dir);
      writeFileSync(join(dir, 'charges'), '0.4\n0.3\n0.3\n-0.4\n-0.3\n-0.3\n');
      const lib = await inXtbUnits(new XtbCalculator({ method: 'GFN-FF', threads: 1 }), atoms);
      process.chdir(previous);
      const prog = await inXtbUnits(new XtbProgramCalculator({ method: 'GFN-FF' }), atoms);
      expect(Math.abs(lib.energy - prog.energy)).toBeLessThan(1e-7);
      expect(lib.energy).toBeCloseTo(-0.65475, 4);
      expect(readdirSync(dir).sort()).toEqual(['charges']);
    } finally {
      process.chdir(previous);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('units', () => {
  it('energy in eV and forces in eV/Å with ASE’s Hartree and Bohr', async () => {
    const calc = new XtbCalculator({ threads: 1 });
    const atoms = displaced(water());
    await calc.calculate(atoms, ['energy', 'forces']);
    const program = new XtbProgramCalculator();
    const raw = await inXtbUnits(program, atoms);
    expect(calc.results.energy! / units.Hartree).toBeCloseTo(raw.energy, 9);
    expect(calc.results.free_energy).toBe(calc.results.energy);
    // Water's GFN2-xTB energy is about −5.07 Eh = −138 eV.
    expect(calc.results.energy).toBeGreaterThan(-139);
    expect(calc.results.energy).toBeLessThan(-137);
    const f = calc.results.forces!;
    for (let i = 0; i < f.length; i++) {
      expect(f[i]!).toBeCloseTo((-raw.gradient[i]! * units.Hartree) / units.Bohr, 7);
    }
  });
});
