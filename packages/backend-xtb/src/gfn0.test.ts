import { type Atoms, cellVolume } from '@mlff-distiller/core';
import { describe, expect, it } from 'vitest';
import { displaced, inXtbUnits, maxAbs, maxAbsDifference } from './__fixtures__/compare.js';
import { ethanol } from './__fixtures__/molecules.js';
import { waterBox } from './__fixtures__/water.js';
import { createXtbCalculator } from './create-xtb-calculator.js';
import { XtbCalculator } from './xtb-calculator.js';
import { XtbError } from './xtb-error.js';
import { XtbProgramCalculator } from './xtb-program-calculator.js';

/**
 * GFN0-xTB, in its own file (own process): setting it up through libxtb spoils later
 * GFN2-xTB setups in the process. The first test sets GFN2-xTB up before any GFN0-xTB.
 */

function scaled(atoms: Atoms, factor: number): Atoms {
  const out = atoms.copy();
  out.setCell(
    Array.from(atoms.cell, (x) => x * factor),
    true,
  );
  return out;
}

const early = new XtbCalculator({ threads: 1 });

describe('GFN0-xTB', () => {
  it('(a GFN2-xTB calculator is set up before any GFN0-xTB)', async () => {
    await early.getPotentialEnergy(ethanol());
  });

  it('agrees with the xtb program: a molecule and a periodic box', async () => {
    for (const atoms of [displaced(ethanol()), waterBox()]) {
      const lib = await inXtbUnits(new XtbCalculator({ method: 'GFN0-xTB', threads: 1 }), atoms);
      const prog = await inXtbUnits(new XtbProgramCalculator({ method: 'GFN0-xTB' }), atoms);
      expect(Math.abs(lib.energy - prog.energy)).toBeLessThan(1e-7);
      expect(maxAbsDifference(lib.gradient, prog.gradient)).toBeLessThan(1e-6);
      expect(maxAbs(prog.gradient)).toBeGreaterThan(1e-3);
    }
  });

  it('analytic stress from libxtb’s virial equals finite differences of strain', async () => {
    // xtb's lattice sums stop at cutoffs, so E(ε) has µeV steps where lattice points cross
    // them (measured: ~2.5 µeV every ~3e-4 of strain for this box). Central differences over
    // ±1e-3 average them and agree with the analytic virial to ~1.5e-5 eV/Å³ (measured);
    // 5e-5 eV/Å³ (8 MPa) is the tolerance. A sign or Voigt-order error would be ~1e-2.
    const atoms = waterBox();
    const analytic = new XtbCalculator({ method: 'GFN0-xTB', threads: 1 });
    const numeric = new XtbCalculator({
      method: 'GFN0-xTB',
      stress: 'finite-difference',
      strainStep: 1e-3,
      threads: 1,
    });
    const a = await analytic.getStress(atoms);
    const n = await numeric.getStress(atoms);
    expect(maxAbsDifference(a, n)).toBeLessThan(5e-5);
    expect(maxAbs(a)).toBeGreaterThan(1e-3);
  });

  it('stress has ASE’s sign: compressed → positive pressure, stretched → negative', async () => {
    const calc = new XtbCalculator({ method: 'GFN0-xTB', threads: 1 });
    const pressure = async (factor: number) => {
      const s = await calc.getStress(scaled(waterBox(), factor));
      return -(s[0]! + s[1]! + s[2]!) / 3;
    };
    expect(await pressure(0.9)).toBeGreaterThan(0);
    expect(await pressure(1.15)).toBeLessThan(0);
  });

  it('the virial comes with every single point: stress is cached with the energy', async () => {
    const calc = new XtbCalculator({ method: 'GFN0-xTB', threads: 1 });
    const atoms = waterBox();
    await calc.getPotentialEnergy(atoms);
    expect(calc.results.stress).toHaveLength(6);
    const volume = cellVolume(atoms.cell);
    expect(volume).toBeGreaterThan(200);
  });

  it('refuses GFN2-xTB setups afterwards (libxtb’s shared D4 reference charges)', async () => {
    const error = await new XtbCalculator({ threads: 1 })
      .getPotentialEnergy(ethanol())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(XtbError);
    expect((error as Error).message).toMatch(
      /GFN2-xTB cannot be set up in a process that has set up GFN0-xTB.*separate processes/,
    );
    // `auto` takes the program instead.
    const auto = await createXtbCalculator({ mode: 'auto' });
    expect(auto.name).toBe('xtb-program');
  });

  it('a GFN2-xTB calculator set up before GFN0-xTB keeps giving right results', async () => {
    const atoms = displaced(ethanol());
    const lib = await inXtbUnits(early, atoms);
    const prog = await inXtbUnits(new XtbProgramCalculator(), atoms);
    expect(Math.abs(lib.energy - prog.energy)).toBeLessThan(1e-7);
    expect(maxAbsDifference(lib.gradient, prog.gradient)).toBeLessThan(1e-6);
  });
});
