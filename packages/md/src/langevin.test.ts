import { describe, expect, it } from 'vitest';
import {
  argonLiquid,
  describeStatistics,
  kineticStatistics,
  LIQUID_RC,
  LIQUID_T,
} from './__fixtures__/canonical.js';
import { argonLJ } from './__fixtures__/systems.js';
import { Langevin } from './langevin.js';

describe('Langevin (BAOAB)', () => {
  it('samples the canonical kinetic energy of a 64-atom LJ liquid: mean (3N/2)kT and variance (3N/2)(kT)²', async () => {
    const atoms = await argonLiquid(11);
    const md = new Langevin(atoms, argonLJ({ rc: LIQUID_RC }), {
      timestep: 5,
      temperature: LIQUID_T,
      friction: 0.02,
      seed: 2024,
    });
    await md.run(500);
    // The noise kicks every atom independently: momentum is not conserved, all 3N degrees
    // of freedom are thermalised.
    const dof = 3 * atoms.length;
    const s = await kineticStatistics(md, 40000, dof, LIQUID_T);
    console.log(describeStatistics('Langevin', s));
    // The test must be able to see a 3-degree-of-freedom error (1.6 %): SE(mean) < 0.4 %.
    expect(s.meanError / s.expectedMean).toBeLessThan(0.004);
    // Four standard errors: a false alarm about once in 16 000 runs for a Gaussian
    // estimate, with room for the ±20 % uncertainty of a 20-block error estimate.
    expect(Math.abs(s.mean - s.expectedMean)).toBeLessThan(4 * s.meanError);
    expect(Math.abs(s.variance - s.expectedVariance)).toBeLessThan(4 * s.varianceError);
  });

  it('is reproducible with a seed and differs with another', async () => {
    const run = async (seed: number) => {
      const atoms = await argonLiquid(3);
      const md = new Langevin(atoms, argonLJ({ rc: LIQUID_RC }), {
        timestep: 5,
        temperature: 100,
        friction: 0.01,
        seed,
      });
      await md.run(20);
      return atoms.positions;
    };
    const a = await run(5);
    const b = await run(5);
    const c = await run(6);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });
});
