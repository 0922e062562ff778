import { kB, Random } from '@mlff-distiller/core';
import { describe, expect, it } from 'vitest';
import {
  argonLiquid,
  describeStatistics,
  kineticStatistics,
  LIQUID_RC,
  LIQUID_T,
} from './__fixtures__/canonical.js';
import { argonLJ } from './__fixtures__/systems.js';
import { Bussi, bussiScalingFactor } from './bussi.js';
import { EnergyRecorder } from './energy-recorder.js';
import { totalMomentum } from './momentum.js';

describe('Bussi stochastic velocity rescaling', () => {
  it('samples the canonical kinetic energy of a 64-atom LJ liquid with Nf = 3N − 3', async () => {
    const atoms = await argonLiquid(21);
    const md = new Bussi(atoms, argonLJ({ rc: LIQUID_RC }), {
      timestep: 5,
      temperature: LIQUID_T,
      taut: 50,
      seed: 77,
    });
    await md.run(500);
    // Rescaling keeps the total momentum zero and velocity Verlet conserves it: 3 degrees of
    // freedom are frozen, Nf = 3N − 3.
    const dof = 3 * atoms.length - 3;
    expect(md.degreesOfFreedom).toBe(dof);
    const recorder = new EnergyRecorder();
    md.attach(recorder, 10);
    const s = await kineticStatistics(md, 40000, dof, LIQUID_T);
    console.log(describeStatistics('Bussi', s));
    const p = totalMomentum(atoms);
    expect(Math.hypot(...p)).toBeLessThan(1e-9);
    expect(s.meanError / s.expectedMean).toBeLessThan(0.004); // a 3-dof error (1.6 %) is then ≥ 4 SE
    expect(Math.abs(s.mean - s.expectedMean)).toBeLessThan(4 * s.meanError);
    expect(Math.abs(s.variance - s.expectedVariance)).toBeLessThan(4 * s.varianceError);
    // The effective energy (total energy plus the heat given to the bath) is conserved up to
    // the integration error of velocity Verlet.
    const drift = recorder.drift('conserved');
    console.log(
      `Bussi effective energy over ${drift.durationPs.toFixed(0)} ps: drift ${drift.driftMeVPerAtomPerPs.toExponential(2)} meV/atom/ps, fluctuation ${drift.fluctuationMeVPerAtom.toExponential(2)} meV/atom`,
    );
    // Bounds: production MD tolerates ~1 meV/atom/ps; a 64-atom liquid's kinetic energy
    // itself fluctuates by ~1.3 meV/atom, so a bookkeeping error in the bath energy would
    // show up as a fluctuation of that size. Measured: a few µeV/atom.
    expect(Math.abs(drift.driftMeVPerAtomPerPs)).toBeLessThan(0.05);
    expect(drift.fluctuationMeVPerAtom).toBeLessThan(0.05);
  });

  it('draws the exact kinetic-energy distribution for τ = 0 (mean and variance of a Nf/2-shape gamma)', () => {
    // With decay c = 0 the new kinetic energy is K̄·χ²(Nf)/Nf whatever K was.
    const rng = new Random(9);
    const dof = 30;
    const target = 1.5;
    const n = 200000;
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const k = 0.7 * bussiScalingFactor(0.7, target, dof, 0, rng) ** 2;
      s1 += k;
      s2 += k * k;
    }
    const mean = s1 / n;
    const variance = s2 / n - mean * mean;
    const expectedVar = (2 * target * target) / dof;
    // Standard errors of independent samples: √(Var/n) for the mean, ≈ Var·√(2/n)·√(1 + 6/Nf) for the variance.
    expect(Math.abs(mean - target)).toBeLessThan(4 * Math.sqrt(expectedVar / n));
    expect(Math.abs(variance - expectedVar)).toBeLessThan(
      4 * expectedVar * Math.sqrt((2 / n) * (1 + 6 / dof)),
    );
  });

  it('relaxes the kinetic energy towards its target with time constant τ (exact mean)', () => {
    // E[K(t + Δt)] = K̄ + (K − K̄)·e^{−Δt/τ}.
    const rng = new Random(10);
    const dof = 90;
    const target = (dof / 2) * kB * 300;
    const k0 = 3 * target;
    const c = Math.exp(-0.2);
    const n = 100000;
    let s = 0;
    for (let i = 0; i < n; i++) s += k0 * bussiScalingFactor(k0, target, dof, c, rng) ** 2;
    const expected = target + (k0 - target) * c;
    const sd = Math.sqrt(
      ((4 * k0 * target) / dof) * c * (1 - c) + ((2 * target * target) / dof) * (1 - c) ** 2,
    );
    expect(Math.abs(s / n - expected)).toBeLessThan((4 * sd) / Math.sqrt(n));
  });
});
