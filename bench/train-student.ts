/**
 * One student trained alone with `trainStudent` on a labelled dataset, split as
 * `mlffd distill` splits it (10 % validation, 10 % test, seed 1), with its settings
 * (batch 16, peak lr 0.005, loss weights 1 / 10, seed 1) unless told otherwise; prints the
 * force MAE on the training, validation and test parts (the first tells overfitting) and
 * the learning curve. The runs behind "how the defaults were chosen" in docs/benchmarks.md
 * used the embedded dataset of commit b211bdf.
 *
 *   pnpm bench:train-student [--preset original] [--epochs 40] [--batch 16] [--lr 0.005]
 *                            [--huber DELTA] [--dataset FILE] [--out out/train-student]
 */
import { parseArgs } from 'node:util';
import {
  embeddedTeacher,
  readDataset,
  splitDataset,
  testErrors,
  trainStudent,
} from '@mlff-distiller/distill';
import { PAINN_PRESETS, type PainnPreset, StudentCalculator } from '@mlff-distiller/models';

const { values } = parseArgs({
  options: {
    preset: { type: 'string', default: 'original' },
    epochs: { type: 'string', default: '40' },
    batch: { type: 'string', default: '16' },
    lr: { type: 'string', default: '0.005' },
    huber: { type: 'string' },
    dataset: { type: 'string' },
    out: { type: 'string', default: 'out/train-student' },
  },
});
const preset = values.preset as PainnPreset;
const data = await readDataset(values.dataset ?? (await embeddedTeacher()).teacher.dataset);
const { train, validation, test } = splitDataset(data, { validation: 0.1, test: 0.1, seed: 1 });
const species = [...new Set(data.flatMap((s) => Array.from(s.atoms.numbers)))].sort(
  (a, b) => a - b,
);
const t0 = performance.now();
const result = await trainStudent({
  config: { species, ...PAINN_PRESETS[preset] },
  train,
  validation,
  outDir: `${values.out}/${preset}`,
  epochs: Number(values.epochs),
  batchSize: Number(values.batch),
  lr: Number(values.lr),
  lossWeights: {
    energy: 1,
    forces: 10,
    ...(values.huber ? { huberDelta: Number(values.huber) } : {}),
  },
  seed: 1,
  resume: false,
});
const seconds = (performance.now() - t0) / 1000;
const calculator = await StudentCalculator.fromCheckpoint(result.best);
const mae = async (part: typeof train) =>
  (1000 * (await testErrors(calculator, part)).metrics.forces.mae).toFixed(1);
console.log(
  `${preset}, ${values.epochs} epochs, batch ${values.batch}, lr ${values.lr}${values.huber ? `, pseudo-Huber δ ${values.huber} eV/Å` : ''}: ` +
    `force MAE train ${await mae(train)}, validation ${await mae(validation)}, test ${await mae(test)} meV/Å ` +
    `(${train.length}/${validation.length}/${test.length} structures, ${seconds.toFixed(0)} s)`,
);
console.log(
  `validation force MAE by epoch: ${result.history.map((h) => (1000 * h.validationForceMae).toFixed(1)).join(' ')}`,
);
