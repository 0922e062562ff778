/**
 * Why `mlffd distill` runs its students on worker threads with single-threaded ONNX Runtime
 * sessions, measured side by side in this script:
 * 1. training: ms per step of a PaiNN preset (batch 16 of the embedded GFN2-xTB dataset, the
 *    same batches for both) with ONNX Runtime on 2 intra-op threads and on 1;
 * 2. NVE validation of a trained student on the four embedded molecules, one worker thread
 *    against two (`validateNveInWorkers`), wall time.
 *
 *   pnpm bench:student-workers [--preset original] [--onnx runs/distill/students/original/student.onnx]
 *                              [--ps 1] [--steps 12]
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { OnnxTrainingStep } from '@mlff-distiller/backend-onnx';
import {
  embeddedTeacher,
  readDataset,
  splitDataset,
  trainingFeeds,
  validateNveInWorkers,
} from '@mlff-distiller/distill';
import { simplify } from '@mlff-distiller/graph';
import {
  initPainnParameters,
  PAINN_PRESETS,
  type PainnPreset,
  painnTrainingGraph,
} from '@mlff-distiller/models';

const { values } = parseArgs({
  options: {
    preset: { type: 'string', default: 'original' },
    onnx: { type: 'string', default: 'runs/distill/students/original/student.onnx' },
    ps: { type: 'string', default: '1' },
    steps: { type: 'string', default: '12' },
  },
});
const preset = values.preset as PainnPreset;
const { teacher, starts } = await embeddedTeacher();

// 1. Training steps, 2 threads against 1, on the same batches.
const data = await readDataset(teacher.dataset);
const { train } = splitDataset(data, { validation: 0.1, test: 0.1, seed: 1 });
const config = { species: [1, 6, 7, 8], ...PAINN_PRESETS[preset] };
const { graph: raw, trainable } = painnTrainingGraph(config);
const graph = simplify(raw);
const batchSize = 16;
const steps = Number(values.steps);
const capacity = 21;
const batches = Array.from({ length: steps + 3 }, (_, k) =>
  trainingFeeds(train.slice(k * batchSize, (k + 1) * batchSize), { ...config, capacity }),
);
const msPerStep: Record<number, number> = {};
for (const threads of [2, 1]) {
  const trainer = await OnnxTrainingStep.create(graph, {
    parameters: initPainnParameters(graph, 1) as Record<string, Float32Array>,
    gradients: Object.fromEntries(trainable.map((t) => [t, `grad:${t}`])),
    lr: 1e-3,
    runtime: { intraOpNumThreads: threads },
  });
  for (const feeds of batches.slice(0, 3)) await trainer.step(feeds);
  const t0 = performance.now();
  for (const feeds of batches.slice(3)) await trainer.step(feeds);
  msPerStep[threads] = (performance.now() - t0) / steps;
  await trainer.dispose();
}
const perCore = (msPerStep[2]! * 2) / msPerStep[1]!;
console.log(
  `training ${preset}, batch ${batchSize}: 2 threads ${msPerStep[2]!.toFixed(1)} ms/step, 1 thread ${msPerStep[1]!.toFixed(1)} ms/step; ` +
    `a second thread speeds one session up ×${(msPerStep[1]! / msPerStep[2]!).toFixed(2)}, ` +
    `one single-threaded session per core does ×${perCore.toFixed(2)} the work`,
);

// 2. NVE validation, one worker against two.
if (!existsSync(values.onnx)) {
  console.log(`NVE: ${values.onnx} not found (run pnpm mlffd distill first, or pass --onnx)`);
} else {
  const named = starts.map((atoms) => ({ name: String(atoms.info.name), atoms }));
  const options = {
    time: Number(values.ps),
    timestep: 0.5,
    temperature: 300,
    maxBondChange: 0.5,
    maxTemperature: 3000,
    seed: 7,
  };
  const seconds: Record<number, number> = {};
  for (const workers of [1, 2]) {
    const t0 = performance.now();
    await validateNveInWorkers(values.onnx, named, options, workers);
    seconds[workers] = (performance.now() - t0) / 1000;
  }
  console.log(
    `NVE ${options.time} ps on ${named.map((s) => s.name).join(', ')}: 1 worker ${seconds[1]!.toFixed(1)} s, 2 workers ${seconds[2]!.toFixed(1)} s (×${(seconds[1]! / seconds[2]!).toFixed(2)})`,
  );
}
