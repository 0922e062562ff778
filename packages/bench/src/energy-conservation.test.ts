import { LennardJones } from '@mlff-distiller/core';
import { energyDrift } from '@mlff-distiller/md';
import { describe, expect, it } from 'vitest';
import { AlteredCalculator } from './__fixtures__/offset-calculator.js';
import { type BenchmarkOptions, runBenchmark } from './run-benchmark.js';
import { buildSystem } from './systems/index.js';

const ARGON = { epsilon: 0.0104, sigma: 3.405, rc: 8.5, skin: 0.3 };
const N = 256;
const DT = 2; // fs

function options(calculator: BenchmarkOptions['calculator']): BenchmarkOptions {
  // A perfect lattice with Maxwell–Boltzmann velocities: Epot rises steeply while Ekin
  // falls (equipartition), so Epot alone drifts by orders of magnitude more than Etot.
  return {
    calculator,
    system: { name: `lj-fcc:${N}`, atoms: buildSystem(`lj-fcc:${N}`) },
    protocol: 'nve',
    steps: 200,
    warmup: 5,
    timestep: DT,
    temperature: 94.4,
    seed: 11,
    energyInterval: 1,
    memoryInterval: 50,
    forceGc: false,
  };
}

describe('NVE energy conservation from the total energy (acceptance 3)', () => {
  it('a constant energy offset does not change the drift; a linear-in-time term adds exactly its slope', async () => {
    const plain = await runBenchmark(options(new LennardJones(ARGON)));
    const offset = await runBenchmark(
      options(new AlteredCalculator(new LennardJones(ARGON), { offset: 1000 })),
    );
    // 1e-4 eV per calculation = one per step of 2 fs: dE/dt = 5e-5 eV/fs, i.e.
    // 5e-5 · 1e6 / N meV/atom/ps.
    const perCall = 1e-4;
    const linear = await runBenchmark(
      options(new AlteredCalculator(new LennardJones(ARGON), { perCall })),
    );
    const expectedExtra = ((perCall / DT) * 1e6) / N;

    expect(plain.energy.quantity).toBe('total');
    const d0 = plain.energy.drift!.driftMeVPerAtomPerPs;
    const d1 = offset.energy.drift!.driftMeVPerAtomPerPs;
    const d2 = linear.energy.drift!.driftMeVPerAtomPerPs;
    // The offset cancels: same trajectory, same drift (up to rounding of E ≈ 1000 eV).
    expect(Math.abs(d1 - d0)).toBeLessThan(1e-6);
    expect(offset.energy.drift!.fluctuationMeVPerAtom).toBeCloseTo(
      plain.energy.drift!.fluctuationMeVPerAtom,
      5,
    );
    // The linear term shows up as exactly its slope.
    expect(d2 - d0).toBeCloseTo(expectedExtra, 6);
    expect(expectedExtra).toBeGreaterThan(100 * Math.abs(d0));
    // The integrator is sound: the plain run conserves its total energy.
    expect(Math.abs(d0)).toBeLessThan(0.05);

    // Epot alone would have given a wrong answer, off by far more than the drift.
    const e = plain.series.energy;
    const fromEpot = energyDrift(e.timeFs, e.potentialEv, N).driftMeVPerAtomPerPs;
    expect(Math.abs(fromEpot - d0)).toBeGreaterThan(1000 * Math.abs(d0));
    expect(Math.abs(fromEpot)).toBeGreaterThan(1);
    const fromEpotLinear = energyDrift(
      linear.series.energy.timeFs,
      linear.series.energy.potentialEv,
      N,
    ).driftMeVPerAtomPerPs;
    expect(Math.abs(fromEpotLinear - (d0 + expectedExtra))).toBeGreaterThan(0.5 * expectedExtra);
    console.log(
      `drift meV/atom/ps: plain ${d0.toExponential(3)}, +1000 eV offset ${d1.toExponential(3)}, ` +
        `+linear ${d2.toExponential(3)} (expected extra ${expectedExtra.toExponential(3)}); Epot alone ${fromEpot.toExponential(3)}`,
    );
  });
});
