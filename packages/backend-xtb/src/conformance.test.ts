import { describeCalculatorConformance } from '@mlff-distiller/core/testing';
import { displaced } from './__fixtures__/compare.js';
import { ethanol, methyl, water } from './__fixtures__/molecules.js';
import { XtbCalculator } from './xtb-calculator.js';

// ASE semantics and physics checks on molecules (GFN2-xTB, radical included). accuracy 0.01
// makes the SCF tight: restarts from another structure's wavefunction (translation,
// rotation, permutation) then agree to ~1e-12 Eh; 1e-8 eV is the suite's default. Forces
// against central differences: SCF-limited at ~3e-7 eV/Å (measured), so 2e-6 eV/Å.
// Periodic stress is checked in xtb-periodic.test.ts and gfn0.test.ts: xtb's truncated
// lattice sums make E(ε) step by µeV, beyond the suite's 1e-5 strain / 1e-8 eV/Å³ setting.
describeCalculatorConformance('XtbCalculator (GFN2-xTB)', {
  create: () => new XtbCalculator({ accuracy: 0.01, threads: 1 }),
  systems: () => [displaced(water()), displaced(ethanol()), displaced(methyl())],
  tolerance: { energy: 1e-8, forces: 2e-6 },
});
