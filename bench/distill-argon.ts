/**
 * Issue 5, acceptance 3: distil a reference calculator that runs here into a PaiNN
 * student, report its force error on held-out structures, and run 10 ps of NVE with it.
 *
 * Teacher: Lennard-Jones argon (ε = 10.4 meV, σ = 3.405 Å, ASE's smooth cutoff at 6 Å).
 * Data: 108-atom fcc argon sampled by Langevin MD with the teacher at 40, 80 and 120 K at
 * lattice constants 5.26 Å ± 1.5 % (every 200 fs), labelled by the teacher. Split by seed
 * into train / validation / test. Student: PaiNN `ultra-tiny` sizes (32 features, 2
 * interactions, 10 radial functions) with the teacher's 6 Å cutoff, trained with
 * `trainStudent`. Then NVE (velocity Verlet, 0.5 fs, 10 ps) of 108 atoms at 80 K with the
 * student, drift from a least-squares fit of the total energy.
 *
 *   pnpm bench:distill-argon [--structures 300] [--epochs 60] [--ps 10] [--out out/distill-argon]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fccCrystal, LennardJones, writeFileAtomic } from '@mlff-distiller/core';
import {
  datasetStatistics,
  forceFieldMetrics,
  type LabelledStructure,
  StudentPredictor,
  splitDataset,
  trainStudent,
  writeDataset,
} from '@mlff-distiller/distill';
import { simplify } from '@mlff-distiller/graph';
import { EnergyRecorder, Langevin, maxwellBoltzmann, VelocityVerlet } from '@mlff-distiller/md';
import {
  checkpointParameters,
  PAINN_PRESETS,
  painnForceGraph,
  StudentCalculator,
} from '@mlff-distiller/models';
import { lineChart, writeSvg } from '@mlff-distiller/plots';

const { values } = parseArgs({
  options: {
    structures: { type: 'string', default: '300' },
    epochs: { type: 'string', default: '60' },
    ps: { type: 'string', default: '10' },
    out: { type: 'string', default: 'out/distill-argon' },
  },
});
const out = values.out;
const teacher = () => new LennardJones({ epsilon: 0.0104, sigma: 3.405, rc: 6.0, smooth: true });

// 1. Sample and label with the teacher.
const t0 = performance.now();
const data: LabelledStructure[] = [];
const wanted = Number(values.structures);
const settings = [40, 80, 120].flatMap((T) => [0.985, 1, 1.015].map((s) => ({ T, s })));
const perSetting = Math.ceil(wanted / settings.length);
for (const [k, { T, s }] of settings.entries()) {
  const atoms = fccCrystal('Ar', 5.26 * s, 3);
  const calc = teacher();
  maxwellBoltzmann(atoms, T, { seed: 100 + k });
  const md = new Langevin(atoms, calc, {
    timestep: 5,
    temperature: T,
    friction: 0.02,
    seed: 200 + k,
  });
  await md.run(400); // 2 ps equilibration
  for (let i = 0; i < perSetting && data.length < wanted; i++) {
    await md.run(40); // 200 fs apart
    const copy = atoms.copy();
    data.push({
      atoms: copy,
      energy: await calc.getPotentialEnergy(copy),
      forces: await calc.getForces(copy),
    });
  }
}
await writeDataset(join(out, 'dataset.extxyz'), data);
const stats = datasetStatistics(data);
console.log(
  `sampled and labelled ${data.length} structures (${stats.atoms} atoms) in ${((performance.now() - t0) / 1000).toFixed(1)} s; force RMS ${(1000 * stats.forces.rms).toFixed(1)} meV/Å`,
);

// 2. Train.
const split = splitDataset(data, { seed: 1, validation: 0.1, test: 0.1 });
const config = { species: [18], ...PAINN_PRESETS['ultra-tiny'], cutoff: 6.0 };
const t1 = performance.now();
const result = await trainStudent({
  config,
  train: split.train,
  validation: split.validation,
  outDir: join(out, 'student'),
  epochs: Number(values.epochs),
  batchSize: 8,
  lr: 5e-3,
  averageDecay: 0.99,
  seed: 1,
  metadata: {
    teacher: 'LennardJones argon ε=0.0104 σ=3.405 rc=6 smooth',
    dataset: 'dataset.extxyz',
  },
});
const trainSeconds = (performance.now() - t1) / 1000;

// 3. Held-out test set.
const graph = simplify(painnForceGraph(config).graph);
const predictor = await StudentPredictor.create(config);
const test = forceFieldMetrics(
  split.test,
  await predictor.predict(split.test, checkpointParameters(result.best, graph)),
);
await predictor.dispose();
console.log(
  `trained ${split.train.length} structures in ${trainSeconds.toFixed(0)} s; held-out test (${split.test.length} structures): force MAE ${(1000 * test.forces.mae).toFixed(2)} meV/Å, RMSE ${(1000 * test.forces.rmse).toFixed(2)} meV/Å, energy MAE ${(1000 * test.energyPerAtom.mae).toFixed(3)} meV/atom, angle ${test.forces.angleDeg.toFixed(1)}°`,
);

// 4. NVE with the student.
const atoms = fccCrystal('Ar', 5.26, 3);
maxwellBoltzmann(atoms, 80, { seed: 7 });
const student = await StudentCalculator.load(join(out, 'student', 'best.json'));
const md = new VelocityVerlet(atoms, student, { timestep: 0.5 });
const energies = new EnergyRecorder();
md.attach(energies, 20);
const steps = Math.round((Number(values.ps) * 1000) / 0.5);
const t2 = performance.now();
await md.run(steps);
const mdSeconds = (performance.now() - t2) / 1000;
const drift = energies.drift();
await student.dispose();
console.log(
  `NVE ${values.ps} ps (${steps} steps of 0.5 fs, 108 atoms, ~80 K) with the student in ${mdSeconds.toFixed(1)} s (${((1000 * mdSeconds) / steps).toFixed(2)} ms/step): drift ${drift.driftMeVPerAtomPerPs.toExponential(2)} ± ${drift.driftStandardErrorMeVPerAtomPerPs.toExponential(1)} meV/atom/ps, fluctuation ${drift.fluctuationMeVPerAtom.toFixed(4)} meV/atom`,
);
await writeSvg(
  join(out, 'nve-energy.svg'),
  lineChart({
    title: 'Student NVE, 108 argon atoms, 0.5 fs',
    subtitle: `drift ${drift.driftMeVPerAtomPerPs.toExponential(2)} meV/atom/ps`,
    xLabel: 'time (ps)',
    yLabel: 'energy − initial (meV/atom)',
    series: [
      {
        name: 'total',
        x: energies.times.map((t) => t / 1000),
        y: energies.total.map((e) => (1000 * (e - energies.total[0]!)) / 108),
      },
      {
        name: 'potential',
        x: energies.times.map((t) => t / 1000),
        y: energies.potential.map((e) => (1000 * (e - energies.total[0]!)) / 108),
      },
    ],
  }),
);
await writeFileAtomic(
  join(out, 'report.json'),
  `${JSON.stringify({ dataset: stats, split: { train: split.train.length, validation: split.validation.length, test: split.test.length }, config, trainSeconds, validation: result.validation, test, nve: { ...drift, msPerStep: (1000 * mdSeconds) / steps } }, null, 2)}\n`,
);
console.log(
  `wrote ${out}/report.json, nve-energy.svg, student/ (checkpoints, learning curve, parity plots)`,
);
