import { Atoms, BaseCalculator, type CalculatorResults, Morse } from '@mlff-distiller/core';
import { describe, expect, it } from 'vitest';
import { BondStability } from './bond-stability.js';
import { validateNve } from './validate-student.js';

/** Pulls the two atoms of a dimer apart with a constant 5 eV/Å: no bond survives that. */
class Tearing extends BaseCalculator {
  readonly name = 'tearing';
  readonly implementedProperties = ['energy', 'forces'] as const;
  protected doCalculate(atoms: Atoms): CalculatorResults {
    const dx = atoms.positions[3]! - atoms.positions[0]!;
    return { energy: -5 * dx, forces: Float64Array.of(-5, 0, 0, 5, 0, 0) };
  }
}

const dimer = () => new Atoms({ symbols: ['H', 'H'], positions: [0, 0, 0, 0.74, 0, 0] });
const options = {
  time: 0.2,
  timestep: 0.25,
  temperature: 300,
  maxBondChange: 0.5,
  maxTemperature: 1e6,
  seed: 3,
};

describe('validateNve', () => {
  it('passes a bound dimer, with small drift, and fails one torn apart, saying why', async () => {
    // ASE's Morse with r0 = 0.74 Å: a stiff, smooth H2-like bond.
    const morse = new Morse({ epsilon: 4.7, rho0: 1.9 * 0.74, r0: 0.74, rcut1: 2.5, rcut2: 3.0 });
    const bound = await validateNve('H2', dimer(), morse, options);
    expect(bound.stable).toBe(true);
    expect(bound.largestBondChange).toBeLessThan(0.2);
    expect(Math.abs(bound.driftMeVPerAtomPerPs)).toBeLessThan(1);
    expect(bound.series.time.length).toBe(bound.series.energy.length);

    const torn = await validateNve('H2', dimer(), new Tearing(), {
      ...options,
      maxTemperature: 1e12,
    });
    expect(torn.stable).toBe(false);
    expect(torn.failure).toMatch(/a bond moved [\d.]+ Å from its mean length/);
  });

  it('watches the bonds of the start structure only', () => {
    const water = new Atoms({
      symbols: ['O', 'H', 'H'],
      positions: [0, 0, 0, 0.96, 0, 0, -0.24, 0.93, 0],
    });
    expect(new BondStability(water).bonds).toBe(2);
  });
});
