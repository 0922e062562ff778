/**
 * Regenerates the embedded teacher of `mlffd distill` (packages/distill/data/gfn2-molecules):
 * GFN2-xTB (Debian's libxtb6, in process) samples and labels water, methane, ethanol and
 * alanine dipeptide with this project's own sampler and labeler, and the teacher's cost per
 * MD step is measured. Needs libxtb (apt-get install libxtb6). About 20 minutes on 2 cores.
 *
 *   node --conditions=source --import tsx scripts/make-embedded-teacher.ts
 */

import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { XtbCalculator, xtbAvailability } from '@mlff-distiller/backend-xtb';
import { buildSystem } from '@mlff-distiller/bench';
import { calculatorPool, readExtxyz, writeExtxyz, writeFileAtomic } from '@mlff-distiller/core';
import {
  datasetStatistics,
  embeddedTeacherDirectory,
  labelStructures,
  mdStepTime,
  readDataset,
  sampleStructures,
} from '@mlff-distiller/distill';

const MOLECULES = ['water', 'methane', 'ethanol', 'alanine-dipeptide'];
const SAMPLING = {
  md: { temperatures: [300, 450, 600], steps: 20000, timestep: 0.5, stride: 10, maxFrames: 400 },
  rattle: { count: 200 },
  seed: 2026,
};
/** Teacher workers side by side (one libxtb thread each). */
const WORKERS = Math.min(2, cpus().length);
const teachers = (restart: boolean) =>
  calculatorPool(
    Array.from({ length: WORKERS }, () => new XtbCalculator({ ...XTB, threads: 1, restart })),
  );
const XTB = {
  method: 'GFN2-xTB',
  accuracy: 1,
  electronicTemperature: 300,
  maxIterations: 250,
} as const;

const out = embeddedTeacherDirectory();
await mkdir(out, { recursive: true });
const work = await mkdtemp(join(tmpdir(), 'mlffd-embedded-'));
const starts = MOLECULES.map((name) => {
  const atoms = buildSystem(name);
  atoms.info = { name };
  return atoms;
});
await writeExtxyz(
  join(out, 'starts.extxyz'),
  starts.map((atoms) => ({ atoms })),
);

const t0 = performance.now();
const samples = join(work, 'samples.extxyz');
await sampleStructures({
  starts,
  pool: teachers(true),
  output: samples,
  ...SAMPLING,
  onProgress: (p) => {
    if (p.evaluations % 5000 === 0)
      console.error(`sample: ${p.evaluations}/${p.totalEvaluations} evaluations`);
  },
});
const sampleSeconds = (performance.now() - t0) / 1000;
const structures = (await readExtxyz(samples)).map((f) => f.atoms);
const labelled = await labelStructures({
  structures,
  pool: teachers(false),
  output: join(out, 'dataset.extxyz'),
  journal: join(work, 'dataset.journal'),
});
const msPerStep: Record<string, number> = {};
for (const start of starts) {
  const teacher = new XtbCalculator({ ...XTB, threads: 1 });
  msPerStep[start.info.name as string] = await mdStepTime(start, teacher, 300);
  await teacher.dispose();
}
const data = await readDataset(join(out, 'dataset.extxyz'));
const perMolecule: Record<string, number> = {};
for (const s of data) {
  const key = String(s.atoms.info.system ?? s.atoms.getChemicalFormula());
  perMolecule[key] = (perMolecule[key] ?? 0) + 1;
}
const availability = await xtbAvailability();
const provenance = {
  description:
    'GFN2-xTB labels of water, methane, ethanol and alanine dipeptide, sampled and labelled by MLFF Distiller (sampleStructures, labelStructures) for the embedded default of mlffd distill',
  command: 'node --conditions=source --import tsx scripts/make-embedded-teacher.ts',
  created: new Date().toISOString(),
  teacher: {
    ...XTB,
    charge: 0,
    library: availability.library.available
      ? `${availability.library.path} (C API ${availability.library.apiVersion})`
      : null,
    program: availability.program.available ? availability.program.version : null,
    scfRestartWhileLabeling: false,
  },
  sampling: { ...SAMPLING, workers: WORKERS },
  structures: { total: data.length, perMolecule, labelFailures: labelled.failures.length },
  statistics: datasetStatistics(data),
  msPerStep,
  msPerStepMethod:
    'velocity Verlet 0.5 fs from 300 K, 300 timed steps after 20, XtbCalculator in process, 1 thread (SCF restart between steps)',
  machine: `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}`,
  seconds: { sampling: sampleSeconds, labeling: labelled.seconds },
};
await writeFileAtomic(join(out, 'provenance.json'), `${JSON.stringify(provenance, null, 2)}\n`);
await rm(work, { recursive: true, force: true });
console.log(`${data.length} structures in ${out}; teacher ms/step ${JSON.stringify(msPerStep)}`);
