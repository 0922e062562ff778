import { units } from '@mlff-distiller/core';
import { describe, expect, it } from 'vitest';
import { argonLiquid, LIQUID_RC } from './__fixtures__/canonical.js';
import { argonLJ, blockAverage } from './__fixtures__/systems.js';
import { instantaneousPressure, pressureDiagonal } from './pressure.js';
import { StochasticCellRescaling } from './stochastic-cell-rescaling.js';

/** Runs `steps` steps and returns the instantaneous pressure (GPa) and volume (Å³) after each. */
async function sample(md: StochasticCellRescaling, steps: number) {
  const pressure: number[] = [];
  const volume: number[] = [];
  const diagonal: [number, number, number][] = [];
  const detach = md.attach((m) => {
    const stress = m.results!.stress!;
    pressure.push(instantaneousPressure(m.atoms, stress) / units.GPa);
    diagonal.push(
      pressureDiagonal(m.atoms, stress).map((p) => p / units.GPa) as [number, number, number],
    );
    volume.push(m.atoms.getVolume());
  }, 1);
  await md.run(steps);
  detach();
  return { pressure: pressure.slice(1), volume: volume.slice(1), diagonal: diagonal.slice(1) };
}

describe('StochasticCellRescaling (NPT)', () => {
  it('holds the mean instantaneous pressure at the target, and the volume follows a new target', async () => {
    const atoms = await argonLiquid(41);
    const md = new StochasticCellRescaling(atoms, argonLJ({ rc: LIQUID_RC }), {
      timestep: 5,
      temperature: 100,
      pressure: 0.05,
      compressibility: 1,
      taup: 500,
      taut: 100,
      seed: 5,
    });
    await md.run(2000);
    const low = await sample(md, 30000);
    const p1 = blockAverage(low.pressure);
    const v1 = blockAverage(low.volume);
    md.pressure = 0.25;
    await md.run(2000);
    const high = await sample(md, 30000);
    const p2 = blockAverage(high.pressure);
    const v2 = blockAverage(high.volume);
    console.log(
      `SCR isotropic, 64 Ar at 100 K: target 0.05 GPa → <P> = ${p1.mean.toFixed(4)} ± ${p1.standardError.toFixed(4)} GPa, <V> = ${v1.mean.toFixed(1)} ± ${v1.standardError.toFixed(1)} Å³; ` +
        `target 0.25 GPa → <P> = ${p2.mean.toFixed(4)} ± ${p2.standardError.toFixed(4)} GPa, <V> = ${v2.mean.toFixed(1)} ± ${v2.standardError.toFixed(1)} Å³`,
    );
    // The mean instantaneous pressure equals the target in the isothermal–isobaric ensemble;
    // four block-averaging standard errors, as for the thermostats.
    expect(Math.abs(p1.mean - 0.05)).toBeLessThan(4 * p1.standardError);
    expect(Math.abs(p2.mean - 0.25)).toBeLessThan(4 * p2.standardError);
    // And the test can tell 0.05 from 0.25 GPa many times over.
    expect(p1.standardError).toBeLessThan(0.01);
    expect(v2.mean).toBeLessThan(v1.mean - 10 * Math.hypot(v1.standardError, v2.standardError));
  });

  it('drives each diagonal pressure component to its own target with anisotropic coupling', async () => {
    const atoms = await argonLiquid(43);
    const md = new StochasticCellRescaling(atoms, argonLJ({ rc: LIQUID_RC }), {
      timestep: 5,
      temperature: 100,
      pressure: 0.1,
      compressibility: 1,
      taup: 500,
      taut: 100,
      coupling: 'anisotropic',
      seed: 6,
    });
    await md.run(2000);
    const s = await sample(md, 30000);
    for (let k = 0; k < 3; k++) {
      const p = blockAverage(s.diagonal.map((d) => d[k]!));
      console.log(
        `SCR anisotropic, target 0.1 GPa: <P_${'xyz'[k]}${'xyz'[k]}> = ${p.mean.toFixed(4)} ± ${p.standardError.toFixed(4)} GPa`,
      );
      expect(Math.abs(p.mean - 0.1)).toBeLessThan(4 * p.standardError);
    }
    const c = atoms.cell;
    // A liquid has no preferred axis; the box stays orthorhombic (off-diagonal entries untouched).
    expect([c[1], c[2], c[3], c[5], c[6], c[7]]).toEqual([0, 0, 0, 0, 0, 0]);
  });
});
