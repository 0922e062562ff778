/**
 * LJ fcc argon, 4000 atoms, NVE: µs per atom-step of the project's LennardJones +
 * VelocityVerlet, next to LAMMPS (`lmp`, Debian's lammps, single-threaded) on the same
 * system, cutoff, skin and timestep, run side by side in this script. Prints the ratio.
 *
 *   pnpm bench:lj [--steps 500] [--repeat 10]
 */
import { parseArgs } from 'node:util';
import { fccCrystal, LennardJones } from '@mlff-distiller/core';
import { EnergyRecorder, maxwellBoltzmann, VelocityVerlet } from '@mlff-distiller/md';
import { runLammpsLj } from './lammps.js';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '500' },
    repeat: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '50' },
  },
});
const steps = Number(values.steps);
const repeat = Number(values.repeat);
const warmup = Number(values.warmup);
const params = { epsilon: 0.0104, sigma: 3.405, rc: 8.5, skin: 0.3 };
const a = 5.26;
const temperature = 94.4;
const dtFs = 1;

const atoms = fccCrystal('Ar', a, repeat);
maxwellBoltzmann(atoms, temperature, { seed: 4928459 });
const calc = new LennardJones(params);
const md = new VelocityVerlet(atoms, calc, { timestep: dtFs });
await md.run(warmup);
const energies = new EnergyRecorder();
md.attach(energies, 10);
const t0 = performance.now();
await md.run(steps);
const seconds = (performance.now() - t0) / 1000;
const drift = energies.drift();
const ours = (1e6 * seconds) / (steps * atoms.length);

console.log(
  `LJ fcc argon, ${atoms.length} atoms, NVE, rc ${params.rc} Å, skin ${params.skin} Å, dt ${dtFs} fs, ${steps} steps`,
);
console.log(
  `mlffd   : ${ours.toFixed(3)} µs/atom-step  (${(steps / seconds).toFixed(1)} steps/s, ${calc.parameters.neighborBuilds ?? '?'} list builds, NVE drift ${drift.driftMeVPerAtomPerPs.toExponential(2)} meV/atom/ps, fluctuation ${drift.fluctuationMeVPerAtom.toExponential(2)} meV/atom)`,
);

const lammps = runLammpsLj({ repeat, a, ...params, temperature, steps, dtFs });
if (!lammps) {
  console.log('LAMMPS  : not installed (apt-get install lammps) — no ratio');
} else {
  console.log(
    `LAMMPS  : ${lammps.usPerAtomStep.toFixed(3)} µs/atom-step  (${lammps.version}, ${lammps.neighborBuilds} list builds, 1 thread)`,
  );
  const ratio = ours / lammps.usPerAtomStep;
  console.log(
    `ratio mlffd / LAMMPS: ${ratio.toFixed(2)}×  (target ≤ 1.5×: ${ratio <= 1.5 ? 'met' : 'not met'})`,
  );
}
