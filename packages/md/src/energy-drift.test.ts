import { InvalidInputError } from '@mlff-distiller/core';
import { describe, expect, it } from 'vitest';
import { energyDrift } from './energy-drift.js';

describe('energyDrift', () => {
  it('recovers slope, intercept-free fluctuation and extremes of a synthetic series exactly', () => {
    // E(t) = −500 eV + 2e-6 eV/fs · t + a ±1e-4 eV square wave, 100 atoms, t in fs.
    const times: number[] = [];
    const energies: number[] = [];
    for (let i = 0; i < 1000; i++) {
      times.push(i * 5);
      energies.push(-500 + 2e-6 * i * 5 + (i % 2 === 0 ? 1e-4 : -1e-4));
    }
    const d = energyDrift(times, energies, 100);
    // Slope 2e-6 eV/fs = 2e-6 ·1e3 meV · 1e3 fs/ps / 100 atoms = 0.02 meV/atom/ps. The square
    // wave is almost uncorrelated with t: it tilts the fit by −1.2e-10 eV/fs (6e-5 relative).
    expect(d.driftMeVPerAtomPerPs).toBeCloseTo(0.02, 5);
    // Residuals are the ±1e-4 eV wave: RMS 1e-4 eV = 1e-3 meV/atom.
    expect(d.fluctuationMeVPerAtom).toBeCloseTo(1e-3, 6);
    // About the mean, the linear trend adds its own spread: 2e-6·5·1000/√12 eV ≈ 2.9e-3 eV.
    expect(d.rmsFromMeanMeVPerAtom).toBeGreaterThan(d.fluctuationMeVPerAtom);
    expect(d.netChangeMeVPerAtom).toBeCloseTo(((2e-6 * 4995 - 2e-4) * 1000) / 100, 9);
    expect(d.durationPs).toBeCloseTo(4.995, 12);
    expect(d.samples).toBe(1000);
  });

  it('gives zero drift and zero fluctuation for a constant series', () => {
    const d = energyDrift([0, 1, 2, 3], [-7, -7, -7, -7], 4);
    expect(d.driftMeVPerAtomPerPs).toBe(0);
    expect(d.fluctuationMeVPerAtom).toBe(0);
    expect(d.maxDeviationMeVPerAtom).toBe(0);
  });

  it('rejects series it cannot fit', () => {
    expect(() => energyDrift([0], [1], 1)).toThrow(InvalidInputError);
    expect(() => energyDrift([0, 1], [1], 1)).toThrow(InvalidInputError);
    expect(() => energyDrift([1, 1], [1, 2], 1)).toThrow(InvalidInputError);
    expect(() => energyDrift([0, 1], [1, Number.NaN], 1)).toThrow(InvalidInputError);
    expect(() => energyDrift([0, 1], [1, 2], 0)).toThrow(InvalidInputError);
  });
});
