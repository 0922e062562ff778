import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readExtxyz } from '@mlff-distiller/core';
import { runAsePython } from '@mlff-distiller/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { argonLiquid } from './__fixtures__/canonical.js';
import { argonLJ, fccArgon } from './__fixtures__/systems.js';
import { EnergyRecorder } from './energy-recorder.js';
import { maxwellBoltzmann } from './maxwell-boltzmann.js';
import { VelocityVerlet } from './velocity-verlet.js';

// ASE builds periodic fcc argon (108 atoms), rattles it, draws Maxwell–Boltzmann momenta with
// a fixed seed, writes an extxyz file, reads it back (so both codes start from exactly the
// numbers in the file) and runs its VelocityVerlet for 200 steps of 2 fs with its
// LennardJones. We read the same file and do the same.
const ASE_SCRIPT = `
import json, sys
import numpy as np
from ase import units
from ase.build import bulk
from ase.calculators.lj import LennardJones
from ase.io import read, write
from ase.md.velocitydistribution import MaxwellBoltzmannDistribution, Stationary
from ase.md.verlet import VelocityVerlet

args = json.load(sys.stdin)
atoms = bulk('Ar', 'fcc', a=5.26, cubic=True).repeat((3, 3, 3))
atoms.rattle(stdev=0.05, seed=1234)
MaxwellBoltzmannDistribution(atoms, temperature_K=80, rng=np.random.RandomState(7))
Stationary(atoms)
write(args['path'], atoms, format='extxyz')
atoms = read(args['path'], format='extxyz')
atoms.calc = LennardJones(sigma=3.405, epsilon=0.0104, rc=8.5)
e0 = atoms.get_potential_energy() + atoms.get_kinetic_energy()
dyn = VelocityVerlet(atoms, timestep=2 * units.fs)
dyn.run(args['steps'])
print(json.dumps({
    'positions': atoms.positions.ravel().tolist(),
    'velocities': (atoms.get_velocities() * units.fs).ravel().tolist(),
    'e0': e0,
    'e1': atoms.get_potential_energy() + atoms.get_kinetic_energy(),
}))
`;

interface AseRun {
  positions: number[];
  velocities: number[];
  e0: number;
  e1: number;
}

describe('VelocityVerlet against ASE 3.22.1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlffd-md-vv-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reproduces ASE positions to 1e-8 Å after 200 steps of 2 fs on periodic LJ argon', async () => {
    const path = join(dir, 'argon.extxyz');
    const steps = 200;
    const ase = JSON.parse(runAsePython(ASE_SCRIPT, JSON.stringify({ path, steps }))) as AseRun;

    const [frame] = await readExtxyz(path);
    const atoms = frame!.atoms;
    expect(atoms.length).toBe(108);
    expect(atoms.velocities).not.toBeNull();
    const calc = argonLJ();
    const md = new VelocityVerlet(atoms, calc, { timestep: 2 });
    const e0 = (await calc.getPotentialEnergy(atoms)) + atoms.getKineticEnergy();
    await md.run(steps);
    expect(md.nSteps).toBe(steps);
    expect(md.time).toBeCloseTo(2 * steps, 9);

    let dr = 0;
    let dv = 0;
    for (let i = 0; i < atoms.positions.length; i++) {
      dr = Math.max(dr, Math.abs(atoms.positions[i]! - ase.positions[i]!));
      dv = Math.max(dv, Math.abs(atoms.velocities![i]! - ase.velocities[i]!));
    }
    const e1 = md.potentialEnergy + atoms.getKineticEnergy();
    console.log(
      `VV vs ASE after ${steps}×2 fs: max |Δr| = ${dr.toExponential(2)} Å, max |Δv| = ${dv.toExponential(2)} Å/fs; ` +
        `Etot ${e0.toFixed(9)} → ${e1.toFixed(9)} eV (ASE ${ase.e0.toFixed(9)} → ${ase.e1.toFixed(9)} eV)`,
    );
    // Same operations in the same order: the two trajectories differ only by rounding (velocities
    // vs momenta in different time units), which grows by the Lyapunov factor of the
    // dynamics over 400 fs; 1e-8 Å leaves orders of magnitude of room for that.
    expect(dr).toBeLessThan(1e-8);
    expect(dv).toBeLessThan(1e-9);
    expect(Math.abs(e0 - ase.e0)).toBeLessThan(1e-9);
    expect(Math.abs(e1 - ase.e1)).toBeLessThan(1e-9);
  });
});

describe('VelocityVerlet energy conservation', () => {
  it('drifts by less than 1e-3 meV/atom/ps on 108-atom LJ argon at 1 fs (ASE-default shifted cutoff)', async () => {
    const atoms = fccArgon(5.26, 3, 0.05, 3);
    maxwellBoltzmann(atoms, 160, { seed: 3 }); // equipartition brings it to ~100 K
    const md = new VelocityVerlet(atoms, argonLJ(), { timestep: 1 });
    await md.run(1000);
    const recorder = new EnergyRecorder();
    md.attach(recorder, 10);
    await md.run(10000);
    const d = recorder.drift();
    console.log(
      `NVE fcc Ar 108 atoms, ${md.getTemperature().toFixed(0)} K, 1 fs, rc 8.5 Å shifted, ${d.durationPs.toFixed(1)} ps: ` +
        `drift ${d.driftMeVPerAtomPerPs.toExponential(2)} ± ${d.driftStandardErrorMeVPerAtomPerPs.toExponential(1)} meV/atom/ps, ` +
        `fluctuation ${d.fluctuationMeVPerAtom.toExponential(2)} meV/atom, max |ΔE| ${d.maxDeviationMeVPerAtom.toExponential(2)} meV/atom`,
    );
    // Velocity Verlet conserves a shadow energy: no secular drift for a smooth potential. The
    // shifted cutoff has a force jump of ~1e-4 eV/Å at rc, so each pair crossing rc
    // adds an error of random sign: a slow random walk. Production MD is usually judged
    // acceptable below ~1 meV/atom/ps; the reference potential and integrator must be 1000×
    // better, so that a student's drift can be blamed on the student. Measured: ~2e-5.
    expect(Math.abs(d.driftMeVPerAtomPerPs)).toBeLessThan(1e-3);
    // The O(Δt²) fluctuation of the shadow energy: ~3e-5 meV/atom at 1 fs.
    expect(d.fluctuationMeVPerAtom).toBeLessThan(1e-3);
  });

  it('has no drift within noise with a smooth (C¹) cutoff: the remaining drift above comes from the force jump', async () => {
    const atoms = await argonLiquid(51);
    const md = new VelocityVerlet(atoms, argonLJ({ rc: 7, smooth: true, ro: 6 }), { timestep: 1 });
    const recorder = new EnergyRecorder();
    md.attach(recorder, 10);
    await md.run(10000);
    const d = recorder.drift();
    console.log(
      `NVE liquid Ar 64 atoms, 1 fs, smooth cutoff 6–7 Å, ${d.durationPs.toFixed(1)} ps: drift ${d.driftMeVPerAtomPerPs.toExponential(2)} ± ` +
        `${d.driftStandardErrorMeVPerAtomPerPs.toExponential(1)} meV/atom/ps, fluctuation ${d.fluctuationMeVPerAtom.toExponential(2)} meV/atom`,
    );
    // Measured ~3e-7 ± 3e-7 meV/atom/ps; the bound is 1e-5 (the slope's error bar assumes
    // uncorrelated residuals, so it is not used as the bound itself).
    expect(Math.abs(d.driftMeVPerAtomPerPs)).toBeLessThan(1e-5);
  });
});
