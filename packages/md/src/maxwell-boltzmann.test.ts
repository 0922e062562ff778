import { Atoms, kB } from '@mlff-distiller/core';
import { describe, expect, it } from 'vitest';
import { argonCluster, fccArgon } from './__fixtures__/systems.js';
import { maxwellBoltzmann } from './maxwell-boltzmann.js';
import { angularMomentum, totalMomentum } from './momentum.js';

describe('maxwellBoltzmann', () => {
  it('gives zero total momentum and, for a periodic crystal, keeps the rotation (3N − 3 degrees of freedom)', () => {
    const atoms = fccArgon(5.26, 3, 0, 1);
    const r = maxwellBoltzmann(atoms, 300, { seed: 1 });
    expect(r.degreesOfFreedom).toBe(3 * 108 - 3);
    // Momenta are ~40 amu × 0.03 Å/fs ≈ 1 per atom; rounding leaves ~1e-15 of that.
    expect(Math.hypot(...totalMomentum(atoms))).toBeLessThan(1e-12);
    expect(Math.hypot(...angularMomentum(atoms))).toBeGreaterThan(1e-3);
  });

  it('gives zero angular momentum for a cluster (3N − 6) and for a linear molecule (3N − 5)', () => {
    const cluster = argonCluster(13);
    const r = maxwellBoltzmann(cluster, 50, { seed: 2 });
    expect(r.degreesOfFreedom).toBe(3 * 13 - 6);
    expect(Math.hypot(...totalMomentum(cluster))).toBeLessThan(1e-12);
    // Angular momenta are ~40 amu × 4 Å × 0.015 Å/fs ≈ 2 per atom before removal.
    expect(Math.hypot(...angularMomentum(cluster))).toBeLessThan(1e-12);

    const co2 = new Atoms({
      symbols: ['O', 'C', 'O'],
      positions: [
        [-1.16, 0.1, 0.2],
        [0, 0.1, 0.2],
        [1.16, 0.1, 0.2],
      ],
    });
    const m = maxwellBoltzmann(co2, 300, { seed: 3, exactTemperature: true });
    expect(m.degreesOfFreedom).toBe(4);
    expect(Math.hypot(...angularMomentum(co2))).toBeLessThan(1e-12);
    // 3N − 3 − 2 = 4: the two stretches and the two bends (rotation about the molecular axis
    // does not exist for point masses).
    expect(m.temperature).toBeCloseTo(300, 9);
    expect(Math.hypot(...totalMomentum(co2))).toBeLessThan(1e-12);
  });

  it('is reproducible with a seed, differs with another, and reports the seed it used', () => {
    const a = fccArgon(5.26, 2, 0, 1);
    const b = fccArgon(5.26, 2, 0, 1);
    const c = fccArgon(5.26, 2, 0, 1);
    maxwellBoltzmann(a, 100, { seed: 42 });
    maxwellBoltzmann(b, 100, { seed: 42 });
    maxwellBoltzmann(c, 100, { seed: 43 });
    expect(Array.from(a.velocities!)).toEqual(Array.from(b.velocities!));
    expect(Array.from(a.velocities!)).not.toEqual(Array.from(c.velocities!));
    const d = fccArgon(5.26, 2, 0, 1);
    const r = maxwellBoltzmann(d, 100);
    const e = fccArgon(5.26, 2, 0, 1);
    maxwellBoltzmann(e, 100, { seed: r.seed });
    expect(Array.from(d.velocities!)).toEqual(Array.from(e.velocities!));
  });

  it('draws the canonical temperature: within its statistical spread, or exactly on request', () => {
    // 4000 atoms (fcc 10³): the temperature of a canonical draw has relative spread √(2/Nf) ≈ 1.3 %.
    const atoms = fccArgon(5.26, 10, 0, 1);
    const r = maxwellBoltzmann(atoms, 250, { seed: 7 });
    const spread = 250 * Math.sqrt(2 / r.degreesOfFreedom);
    expect(Math.abs(r.temperature - 250)).toBeLessThan(4 * spread);
    expect(r.temperature).toBeCloseTo(
      (2 * atoms.getKineticEnergy()) / (r.degreesOfFreedom * kB),
      9,
    );
    const exact = maxwellBoltzmann(atoms, 250, { seed: 8, exactTemperature: true });
    expect(exact.temperature).toBeCloseTo(250, 9);
    expect(atoms.getTemperature(exact.degreesOfFreedom)).toBeCloseTo(250, 9);
  });

  it('gives zero velocities at 0 K', () => {
    const atoms = fccArgon(5.26, 2, 0, 1);
    const r = maxwellBoltzmann(atoms, 0, { seed: 1, exactTemperature: true });
    expect(r.temperature).toBe(0);
    expect(atoms.velocities!.every((v) => v === 0)).toBe(true);
  });
});
