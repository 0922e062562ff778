import { InvalidInputError } from '@mlff-distiller/core';
import { describe, expect, it } from 'vitest';
import { displaced } from './__fixtures__/compare.js';
import { ethanol, formate, methyl } from './__fixtures__/molecules.js';
import { structureCharge } from './structure-charge.js';
import { XtbCalculator } from './xtb-calculator.js';
import { XtbProgramCalculator } from './xtb-program-calculator.js';

describe("a structure's own charge and unpaired electrons", () => {
  it('win over the settings, in process and in the program', async () => {
    const anion = formate();
    anion.info.charge = -1;
    const radical = methyl();
    radical.info.uhf = 1;
    const library = new XtbCalculator({ threads: 1 });
    const program = new XtbProgramCalculator();
    for (const [atoms, charge, uhf] of [
      [anion, -1, 0],
      [radical, 0, 1],
    ] as const) {
      const explicit = new XtbCalculator({ charge, uhf, threads: 1 });
      const expected = await explicit.getPotentialEnergy(atoms);
      await explicit.dispose();
      // Both paths print and parse Hartree to ~1e-10: 1e-7 eV is far above that.
      expect(Math.abs((await library.getPotentialEnergy(atoms)) - expected)).toBeLessThan(1e-9);
      expect(Math.abs((await program.getPotentialEnergy(atoms)) - expected)).toBeLessThan(1e-7);
    }
    await library.dispose();
  });

  it('refuses a charge that is not an integer, naming the info key', () => {
    const atoms = formate();
    atoms.info.charge = -0.5;
    expect(() => structureCharge(atoms, { charge: 0, uhf: undefined })).toThrow(InvalidInputError);
    expect(() => structureCharge(atoms, { charge: 0, uhf: undefined })).toThrow(
      /info "charge" must be an integer/,
    );
  });
});

describe('restart: false', () => {
  it('gives results that do not depend on the structure computed before', async () => {
    const a = displaced(ethanol(), 0.05);
    const b = displaced(ethanol(), 0.08);
    const fresh = new XtbCalculator({ threads: 1, restart: false });
    const afterA = new XtbCalculator({ threads: 1, restart: false });
    const bAlone = await fresh.getPotentialEnergy(b);
    const bAloneForces = await fresh.getForces(b);
    await afterA.getPotentialEnergy(a);
    // Bit for bit: the SCF starts from the same guess and runs the same iterations.
    expect(await afterA.getPotentialEnergy(b)).toBe(bAlone);
    expect(await afterA.getForces(b)).toEqual(bAloneForces);
    expect(afterA.setups).toBe(2);
    await fresh.dispose();
    await afterA.dispose();
  });
});
