import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type Atoms,
  type CalculatorPool,
  formatDuration,
  InvalidInputError,
  PoolCalculator,
  readExtxyz,
  writeFileAtomic,
} from '@mlff-distiller/core';
import {
  exportStudentOnnx,
  loadCheckpoint,
  PAINN_PRESETS,
  painnParameterCount,
  StudentCalculator,
} from '@mlff-distiller/models';
import { readDataset } from '../dataset-io.js';
import { labelStructures } from '../labeling/label-structures.js';
import type { LabelledStructure } from '../labelled-structure.js';
import { sampleStructures } from '../sampling/sample-structures.js';
import { splitDataset } from '../split-dataset.js';
import type { EpochRecord } from '../training-state.js';
import type { DistillConfig } from './distill-config.js';
import { type DistillReport, type StudentReport, writeDistillReport } from './distill-report.js';
import { mdStepTime } from './md-step-time.js';
import { StudentTaskPool } from './student-task-pool.js';
import { validateNveOnPool } from './validate-in-workers.js';
import { testErrors } from './validate-student.js';

/** A teacher that was recorded: its labelled dataset, and what one MD step of it cost. */
export interface RecordedTeacher {
  /** The labelled dataset (extxyz). */
  dataset: string;
  /** Teacher's ms per MD step for each start structure, by `info.name` or formula. */
  msPerStep: Record<string, number>;
  /** Where the recording came from (program, version, settings, command). */
  provenance: Record<string, unknown>;
}

/** The teacher of a run: live (a pool of workers) or recorded. */
export interface DistillTeacher {
  /** Name for logs and the report ("GFN2-xTB (libxtb)", "recorded GFN2-xTB"). */
  name: string;
  /** Live teacher for sampling (MD). */
  pool?: CalculatorPool;
  /** Live teacher for labeling; default `pool` (xtb labels without SCF restart). */
  labelPool?: CalculatorPool;
  recorded?: RecordedTeacher;
}

/** Options of {@link runDistillation}. */
export interface RunDistillationOptions {
  config: DistillConfig;
  /** Start structures: sampled from (live teacher), validated and benchmarked on. */
  starts: readonly Atoms[];
  teacher: DistillTeacher;
  /** Progress lines (stage starts, skips, results). */
  log?: (line: string) => void;
  /** Print training progress (epochs, steps/s, ETA) on stderr, each line prefixed by the student; default false. */
  trainingProgress?: boolean;
}

/** A start structure's name: `info.name`, else its formula. */
export function structureName(atoms: Atoms): string {
  return typeof atoms.info.name === 'string' ? atoms.info.name : atoms.getChemicalFormula();
}

async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * The whole distillation in one run directory, every stage resumable: data (sample and
 * label with a live teacher, or copy a recorded teacher's labels), split, training of each
 * student, ONNX export, validation (held-out errors, NVE drift and stability on every start
 * structure), benchmark (ms per MD step against the teacher), and `report.json` /
 * `report.html`. A stage whose output exists is skipped; a killed run continues where it
 * stopped (training from its last state). A run directory made with other settings is
 * refused rather than mixed.
 */
export async function runDistillation(options: RunDistillationOptions): Promise<DistillReport> {
  const { config, starts, teacher } = options;
  const log = options.log ?? (() => undefined);
  const dir = config.run_dir;
  await mkdir(dir, { recursive: true });
  await checkRunDirectory(dir, config, teacher);

  // 1–2. Data.
  const datasetPath = join(dir, 'dataset.extxyz');
  if (existsSync(datasetPath)) log(`data: ${datasetPath} (done)`);
  else if (teacher.recorded) {
    log(`data: recorded teacher labels from ${teacher.recorded.dataset}`);
    await copyFile(teacher.recorded.dataset, `${datasetPath}.tmp`);
    await rename(`${datasetPath}.tmp`, datasetPath);
  } else if (teacher.pool) {
    const samplesPath = join(dir, 'samples.extxyz');
    if (!existsSync(samplesPath)) {
      log(
        `sample: teacher MD at ${config.sampling.temperatures.join(', ')} K and rattle-and-relax`,
      );
      await sampleStructures({
        starts,
        pool: teacher.pool,
        output: samplesPath,
        md: {
          temperatures: config.sampling.temperatures,
          steps: config.sampling.steps,
          timestep: config.sampling.timestep,
          stride: config.sampling.stride,
          maxFrames: config.sampling.max_frames,
        },
        ...(config.sampling.rattle > 0 ? { rattle: { count: config.sampling.rattle } } : {}),
        seed: config.sampling.seed,
      });
    }
    const structures = (await readExtxyz(samplesPath)).map((f) => f.atoms);
    log(`label: ${structures.length} structures with ${teacher.name}`);
    const labelled = await labelStructures({
      structures,
      pool: teacher.labelPool ?? teacher.pool,
      output: datasetPath,
    });
    if (labelled.failures.length > 0)
      log(`label: ${labelled.failures.length} structures failed and were left out`);
  } else {
    throw new InvalidInputError('runDistillation needs a live (pool) or recorded teacher');
  }
  const data = await readDataset(datasetPath);
  const { train, validation, test } = splitDataset(data, config.split);
  const species = [...new Set(data.flatMap((s) => Array.from(s.atoms.numbers)))].sort(
    (a, b) => a - b,
  );
  log(
    `data: ${data.length} structures (${train.length} train, ${validation.length} validation, ${test.length} test), elements ${species.join(' ')}`,
  );

  // Teacher cost per MD step, for the speed-ups.
  const teacherMs = await teacherStepTimes(dir, starts, teacher, config, log);

  // 3–5. Train, export and validate the students side by side on `workers` threads; then
  // 6. benchmark them one at a time once nothing else runs.
  const context: StudentContext = {
    dir,
    datasetPath,
    trainSize: train.length,
    config,
    species,
    test,
    starts,
    log,
    progress: options.trainingProgress ?? false,
  };
  const pool = new StudentTaskPool(config.workers);
  let validated: Omit<StudentReport, 'speed'>[];
  try {
    validated = await Promise.all(
      config.students.map((preset) => trainAndValidate(preset, context, pool)),
    );
  } catch (e) {
    await pool.close(true);
    throw e;
  }
  await pool.close();
  const students: StudentReport[] = [];
  for (const student of validated) {
    students.push({ ...student, speed: await benchmark(student.name, context, teacherMs) });
  }
  const report: DistillReport = {
    format: 'mlff-distiller/distill-report',
    version: 1,
    created: new Date().toISOString(),
    teacher: {
      name: teacher.name,
      msPerStep: teacherMs,
      ...(teacher.recorded ? { provenance: teacher.recorded.provenance } : {}),
    },
    data: {
      structures: data.length,
      train: train.length,
      validation: validation.length,
      test: test.length,
      species,
    },
    config,
    students,
  };
  await writeDistillReport(dir, report);
  log(`report: ${join(dir, 'report.html')}`);
  return report;
}

interface StudentContext {
  dir: string;
  datasetPath: string;
  /** Structures in the training split. */
  trainSize: number;
  config: DistillConfig;
  species: number[];
  test: LabelledStructure[];
  starts: readonly Atoms[];
  log: (line: string) => void;
  progress: boolean;
}

/** Steps 3–5 for one student: train (a pool task), export to ONNX, validate (pool tasks). */
async function trainAndValidate(
  preset: DistillConfig['students'][number],
  c: StudentContext,
  pool: StudentTaskPool,
): Promise<Omit<StudentReport, 'speed'>> {
  const { config, log } = c;
  const out = join(c.dir, 'students', preset);
  const donePath = join(out, 'done.json');
  // 3. Train.
  if (existsSync(donePath)) log(`train ${preset}: done`);
  else {
    const stepsPerEpoch = Math.max(1, Math.floor(c.trainSize / config.training.batch_size));
    const epochs = Math.max(1, Math.round(config.training.steps[preset] / stepsPerEpoch));
    let started = performance.now();
    const result = await pool.run(
      {
        kind: 'train',
        dataset: c.datasetPath,
        split: config.split,
        options: {
          config: { species: c.species, ...PAINN_PRESETS[preset] },
          outDir: out,
          epochs,
          batchSize: config.training.batch_size,
          lr: config.training.learning_rate,
          lossWeights: {
            energy: config.training.energy_weight,
            forces: config.training.force_weight,
            ...(config.training.force_loss === 'huber'
              ? { huberDelta: config.training.huber_delta }
              : {}),
          },
          seed: config.training.seed,
          resume: true,
        },
        progress: c.progress ? `${preset}: ` : null,
      },
      () => {
        started = performance.now();
        log(`train ${preset}: ${epochs} epochs of ${stepsPerEpoch} steps`);
      },
    );
    await writeJson(donePath, result);
    log(
      `train ${preset}: validation force MAE ${(1000 * result.validation.forces.mae).toFixed(1)} meV/Å (${formatDuration((performance.now() - started) / 1000)})`,
    );
  }
  const checkpoint = await loadCheckpoint(join(out, 'best.json'));
  const parameters = painnParameterCount(checkpoint.config);
  // 4. Export.
  const onnxPath = join(out, 'student.onnx');
  if (!existsSync(onnxPath)) await exportStudentOnnx(checkpoint, onnxPath);
  // 5. Validate (the exported model, as users will run it).
  const validationPath = join(out, 'validation.json');
  if (existsSync(validationPath)) {
    log(`validate ${preset}: done`);
    return { name: preset, parameters, ...(await readJson<StudentValidation>(validationPath)) };
  }
  const started = performance.now();
  log(
    `validate ${preset}: ${c.test.length} held-out structures, ${config.validation.nve_time} ps NVE on ${c.starts.length} structures`,
  );
  const calculator = await StudentCalculator.load(onnxPath, {
    runtime: { intraOpNumThreads: 1 },
  });
  const { metrics, predictions } = await testErrors(calculator, c.test);
  await calculator.dispose();
  const nve = await validateNveOnPool(
    pool,
    onnxPath,
    c.starts.map((atoms) => ({ name: structureName(atoms), atoms })),
    {
      time: config.validation.nve_time,
      timestep: config.validation.timestep,
      temperature: config.validation.temperature,
      maxBondChange: config.validation.max_bond_change,
      maxTemperature: config.validation.max_temperature,
      seed: config.validation.seed,
    },
    (r) =>
      log(
        `validate ${preset}: NVE ${r.structure}: drift ${r.driftMeVPerAtomPerPs.toExponential(2)} meV/atom/ps, ${r.stable ? 'stable' : `unstable (${r.failure})`}`,
      ),
  );
  const validation: StudentValidation = {
    test: metrics,
    parity: {
      energy: c.test.map((s, k) => [
        s.energy / s.atoms.length,
        predictions[k]!.energy / s.atoms.length,
      ]),
      forces: subsample(
        c.test.flatMap((s, k) => Array.from(s.forces, (f, i) => [f, predictions[k]!.forces[i]!])),
        4000,
      ),
    },
    nve,
    history: (await readJson<{ history: EpochRecord[] }>(join(out, 'metrics.json'))).history,
  };
  await writeJson(validationPath, validation);
  log(
    `validate ${preset}: test force MAE ${(1000 * metrics.forces.mae).toFixed(1)} meV/Å (${formatDuration((performance.now() - started) / 1000)})`,
  );
  return { name: preset, parameters, ...validation };
}

/** What validation finds of a student (`validation.json`). */
type StudentValidation = Omit<StudentReport, 'name' | 'parameters' | 'speed'>;

/**
 * Step 6 for one student: ms per MD step on every start structure (one ONNX Runtime
 * thread, the fastest at these sizes) and the speed-up over the teacher (`speed.json`).
 */
async function benchmark(
  preset: string,
  c: StudentContext,
  teacherMs: Record<string, number>,
): Promise<StudentReport['speed']> {
  const path = join(c.dir, 'students', preset, 'speed.json');
  if (existsSync(path)) return readJson(path);
  const calculator = await StudentCalculator.load(join(c.dir, 'students', preset, 'student.onnx'), {
    runtime: { intraOpNumThreads: 1 },
  });
  const speed: StudentReport['speed'] = [];
  for (const start of c.starts) {
    const name = structureName(start);
    const ms = await mdStepTime(start, calculator, c.config.benchmark.steps);
    const teacher = teacherMs[name];
    speed.push({ structure: name, msPerStep: ms, ...(teacher ? { speedUp: teacher / ms } : {}) });
  }
  await calculator.dispose();
  c.log(
    `benchmark ${preset}: ${speed.map((p) => `${p.structure} ${p.msPerStep.toFixed(2)} ms/step`).join(', ')}`,
  );
  await writeJson(path, speed);
  return speed;
}

/** At most `n` items, evenly spaced. */
function subsample<T>(items: T[], n: number): T[] {
  if (items.length <= n) return items;
  return Array.from({ length: n }, (_, k) => items[Math.floor((k * items.length) / n)]!);
}

/** The teacher's ms per MD step on each start structure: recorded, or measured once. */
async function teacherStepTimes(
  dir: string,
  starts: readonly Atoms[],
  teacher: DistillTeacher,
  config: DistillConfig,
  log: (line: string) => void,
): Promise<Record<string, number>> {
  if (teacher.recorded) return teacher.recorded.msPerStep;
  const path = join(dir, 'teacher-speed.json');
  if (existsSync(path)) return readJson(path);
  const times: Record<string, number> = {};
  const calculator = new PoolCalculator(teacher.pool!);
  for (const start of starts) {
    times[structureName(start)] = await mdStepTime(
      start,
      calculator,
      Math.min(50, config.benchmark.steps),
      5,
    );
  }
  log(
    `teacher speed: ${Object.entries(times)
      .map(([n, ms]) => `${n} ${ms.toFixed(2)} ms/step`)
      .join(', ')}`,
  );
  await writeJson(path, times);
  return times;
}

/** Refuses a run directory made with other settings or another teacher (worker counts may change). */
async function checkRunDirectory(
  dir: string,
  config: DistillConfig,
  teacher: DistillTeacher,
): Promise<void> {
  const path = join(dir, 'run.json');
  // What decides the results: everything but where the run lives and how many workers run it.
  const { run_dir: _, labeling: __, workers: ___, ...settings } = config;
  const current = JSON.stringify({ config: settings, teacher: teacher.name });
  if (existsSync(path)) {
    if (JSON.stringify(await readJson(path)) !== current) {
      throw new InvalidInputError(
        `${dir} holds a run with other settings or another teacher (see ${path}); continue it with the same config, or choose another run_dir`,
      );
    }
    return;
  }
  await writeJson(path, JSON.parse(current));
}
