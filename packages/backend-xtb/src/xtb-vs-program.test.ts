import { describe, expect, it } from 'vitest';
import { displaced, inXtbUnits, maxAbs, maxAbsDifference } from './__fixtures__/compare.js';
import { ACCEPTANCE_MOLECULES, ethanol, water } from './__fixtures__/molecules.js';
import { waterBox } from './__fixtures__/water.js';
import { XtbCalculator } from './xtb-calculator.js';
import type { XtbOptions } from './xtb-options.js';
import { XtbProgramCalculator } from './xtb-program-calculator.js';

/**
 * The in-process path (libxtb) against the `xtb` program, both from a fresh start with the
 * same settings, compared in xtb's units. Both run the same Fortran code from the same
 * initial guess, so they agree to ~1e-10 Eh and ~1e-9 Eh/Bohr (the program reads
 * coordinates from a text file written with 15 decimals of Bohr, and prints energies with 11
 * decimals); the tolerances of the issue, 1e-7 Eh and 1e-6 Eh/Bohr, are far above that and
 * far below any real difference (a wrong unit, charge or spin state is ≥ 1e-3).
 *
 * GFN0-xTB is compared in its own file: setting it up in a process spoils later GFN2-xTB
 * setups in that process (a libxtb bug, see XtbLibrary.methodLimitation).
 */
const ENERGY_TOLERANCE = 1e-7; // Hartree
const GRADIENT_TOLERANCE = 1e-6; // Hartree/Bohr

async function compare(atoms: ReturnType<typeof water>, options: XtbOptions) {
  const library = new XtbCalculator({ ...options, threads: 1 });
  const program = new XtbProgramCalculator(options);
  try {
    const lib = await inXtbUnits(library, atoms);
    const prog = await inXtbUnits(program, atoms);
    return { lib, prog };
  } finally {
    await library.dispose();
  }
}

describe('acceptance: GFN2-xTB in process equals `xtb --grad`', () => {
  for (const m of ACCEPTANCE_MOLECULES) {
    it(`${m.name} (charge ${m.charge}, uhf ${m.uhf})`, async () => {
      const { lib, prog } = await compare(displaced(m.atoms()), {
        method: 'GFN2-xTB',
        charge: m.charge,
        uhf: m.uhf,
        accuracy: 1,
      });
      expect(Math.abs(lib.energy - prog.energy)).toBeLessThan(ENERGY_TOLERANCE);
      expect(maxAbsDifference(lib.gradient, prog.gradient)).toBeLessThan(GRADIENT_TOLERANCE);
      // Not a trivial agreement: the structures are away from their minima.
      expect(maxAbs(prog.gradient)).toBeGreaterThan(1e-3);
    });
  }

  it('with a tighter accuracy (0.01) passed to both', async () => {
    const { lib, prog } = await compare(displaced(ethanol()), { accuracy: 0.01 });
    expect(Math.abs(lib.energy - prog.energy)).toBeLessThan(ENERGY_TOLERANCE);
    expect(maxAbsDifference(lib.gradient, prog.gradient)).toBeLessThan(GRADIENT_TOLERANCE);
  });
});

describe('other methods and settings agree with the program', () => {
  const cases: [string, XtbOptions][] = [
    ['GFN1-xTB', { method: 'GFN1-xTB' }],
    ['GFN-FF', { method: 'GFN-FF' }],
    ['GFN2-xTB in GBSA water', { solvent: { model: 'gbsa', name: 'water' } }],
    [
      'GFN1-xTB in GBSA methanol',
      { method: 'GFN1-xTB', solvent: { model: 'gbsa', name: 'methanol' } },
    ],
    ['GFN2-xTB at 5000 K electronic temperature', { electronicTemperature: 5000 }],
    ['GFN2-xTB triplet water (uhf 2)', { uhf: 2 }],
  ];
  for (const [name, options] of cases) {
    it(name, async () => {
      const atoms = displaced(name.includes('water (uhf') ? water() : ethanol());
      const { lib, prog } = await compare(atoms, options);
      expect(Math.abs(lib.energy - prog.energy)).toBeLessThan(ENERGY_TOLERANCE);
      expect(maxAbsDifference(lib.gradient, prog.gradient)).toBeLessThan(GRADIENT_TOLERANCE);
    });
  }

  it('periodic GFN1-xTB (8 waters in a triclinic cell)', async () => {
    const { lib, prog } = await compare(waterBox(), { method: 'GFN1-xTB' });
    expect(Math.abs(lib.energy - prog.energy)).toBeLessThan(ENERGY_TOLERANCE);
    expect(maxAbsDifference(lib.gradient, prog.gradient)).toBeLessThan(GRADIENT_TOLERANCE);
  });
});
