import { describe, expect, it } from 'vitest';
import {
  argonLiquid,
  describeStatistics,
  kineticStatistics,
  LIQUID_RC,
  LIQUID_T,
} from './__fixtures__/canonical.js';
import { argonLJ } from './__fixtures__/systems.js';
import { EnergyRecorder } from './energy-recorder.js';
import { totalMomentum } from './momentum.js';
import { NoseHooverChain } from './nose-hoover-chain.js';

describe('NoseHooverChain', () => {
  it('samples the canonical kinetic energy of a 64-atom LJ liquid with Nf = 3N − 3 and conserves its extended energy', async () => {
    const atoms = await argonLiquid(31);
    const md = new NoseHooverChain(atoms, argonLJ({ rc: LIQUID_RC }), {
      timestep: 5,
      temperature: LIQUID_T,
      tdamp: 100,
      chainLength: 3,
    });
    await md.run(1000);
    // Deterministic dynamics with pairwise forces: the total momentum (set to zero) is
    // conserved, Nf = 3N − 3.
    const dof = 3 * atoms.length - 3;
    expect(md.degreesOfFreedom).toBe(dof);
    const recorder = new EnergyRecorder();
    md.attach(recorder, 10);
    const s = await kineticStatistics(md, 40000, dof, LIQUID_T);
    console.log(describeStatistics('Nose-Hoover chain', s));
    expect(Math.hypot(...totalMomentum(atoms))).toBeLessThan(1e-9);
    expect(s.meanError / s.expectedMean).toBeLessThan(0.004);
    expect(Math.abs(s.mean - s.expectedMean)).toBeLessThan(4 * s.meanError);
    expect(Math.abs(s.variance - s.expectedVariance)).toBeLessThan(4 * s.varianceError);
    const drift = recorder.drift('conserved');
    console.log(
      `NHC extended energy over ${drift.durationPs.toFixed(0)} ps: drift ${drift.driftMeVPerAtomPerPs.toExponential(2)} meV/atom/ps, fluctuation ${drift.fluctuationMeVPerAtom.toExponential(2)} meV/atom`,
    );
    // Bounds: production MD tolerates ~1 meV/atom/ps; a 64-atom liquid's kinetic energy
    // itself fluctuates by ~1.3 meV/atom, so a bookkeeping error in the bath energy would
    // show up as a fluctuation of that size. Measured: a few µeV/atom.
    expect(Math.abs(drift.driftMeVPerAtomPerPs)).toBeLessThan(0.05);
    expect(drift.fluctuationMeVPerAtom).toBeLessThan(0.05);
  });
});
