import { fccCrystal, LennardJones } from '@mlff-distiller/core';
import { describe, expect, it } from 'vitest';
import { TimingCalculator } from './timing-calculator.js';

describe('TimingCalculator', () => {
  it('forwards the Calculator contract and counts time and calls', async () => {
    const inner = new LennardJones({ epsilon: 0.0104, sigma: 3.405, rc: 8.5 });
    const calc = new TimingCalculator(inner);
    const atoms = fccCrystal('Ar', 5.26, 3, { rattle: 0.05, seed: 2 });
    expect(calc.name).toBe('lj');
    expect(calc.implementedProperties).toEqual(inner.implementedProperties);
    const e = await calc.getPotentialEnergy(atoms);
    const f = await calc.getForces(atoms);
    expect(e).toBe(await inner.getPotentialEnergy(atoms));
    expect(f).toEqual(inner.results.forces);
    expect(f).not.toBe(inner.results.forces);
    expect(calc.results).toBe(inner.results);
    expect(calc.parameters).toBe(inner.parameters);
    expect(calc.calls).toBe(2);
    expect(calc.totalMs).toBeGreaterThan(0);
    calc.resetTiming();
    expect([calc.calls, calc.totalMs]).toEqual([0, 0]);
  });
});
