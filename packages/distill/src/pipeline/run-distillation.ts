import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type Atoms,
  type CalculatorPool,
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
import { trainStudent } from '../train-student.js';
import type { EpochRecord } from '../training-state.js';
import type { DistillConfig } from './distill-config.js';
import { type DistillReport, type StudentReport, writeDistillReport } from './distill-report.js';
import { mdStepTime } from './md-step-time.js';
import { testErrors, validateNve } from './validate-student.js';

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
  /** Training progress stream (epochs, steps/s, ETA); default none. */
  trainingProgress?: NodeJS.WritableStream | null;
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

  const students: StudentReport[] = [];
  for (const preset of config.students) {
    students.push(
      await runStudent(preset, {
        dir,
        config,
        species,
        train,
        validation,
        test,
        starts,
        teacherMs,
        log,
        progress: options.trainingProgress ?? null,
      }),
    );
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
  config: DistillConfig;
  species: number[];
  train: LabelledStructure[];
  validation: LabelledStructure[];
  test: LabelledStructure[];
  starts: readonly Atoms[];
  teacherMs: Record<string, number>;
  log: (line: string) => void;
  progress: NodeJS.WritableStream | null;
}

async function runStudent(
  preset: DistillConfig['students'][number],
  c: StudentContext,
): Promise<StudentReport> {
  const { config, log } = c;
  const out = join(c.dir, 'students', preset);
  const donePath = join(out, 'done.json');
  // 3. Train.
  if (existsSync(donePath)) log(`train ${preset}: done`);
  else {
    log(`train ${preset}: ${config.training.epochs[preset]} epochs`);
    const result = await trainStudent({
      config: { species: c.species, ...PAINN_PRESETS[preset] },
      train: c.train,
      validation: c.validation,
      outDir: out,
      epochs: config.training.epochs[preset],
      batchSize: config.training.batch_size,
      lr: config.training.learning_rate,
      lossWeights: { energy: config.training.energy_weight, forces: config.training.force_weight },
      seed: config.training.seed,
      resume: true,
      progress: c.progress,
    });
    await writeJson(donePath, { steps: result.steps, validation: result.validation });
  }
  const checkpoint = await loadCheckpoint(join(out, 'best.json'));
  // 4. Export.
  const onnxPath = join(out, 'student.onnx');
  if (!existsSync(onnxPath)) await exportStudentOnnx(checkpoint, onnxPath);
  // 5–6. Validate and benchmark (the exported model, as users will run it).
  const validationPath = join(out, 'validation.json');
  let validation: Omit<StudentReport, 'name' | 'parameters'>;
  if (existsSync(validationPath)) {
    log(`validate ${preset}: done`);
    validation = await readJson(validationPath);
  } else {
    const calculator = await StudentCalculator.load(onnxPath);
    log(
      `validate ${preset}: ${c.test.length} held-out structures, ${config.validation.nve_time} ps NVE on ${c.starts.length} structures`,
    );
    const { metrics, predictions } = await testErrors(calculator, c.test);
    const nve = [];
    for (const start of c.starts) {
      nve.push(
        await validateNve(structureName(start), start, calculator, {
          time: config.validation.nve_time,
          timestep: config.validation.timestep,
          temperature: config.validation.temperature,
          maxBondChange: config.validation.max_bond_change,
          maxTemperature: config.validation.max_temperature,
          seed: config.validation.seed,
        }),
      );
    }
    const speed = [];
    for (const start of c.starts) {
      const name = structureName(start);
      const ms = await mdStepTime(start, calculator, config.benchmark.steps);
      const teacher = c.teacherMs[name];
      speed.push({ structure: name, msPerStep: ms, ...(teacher ? { speedUp: teacher / ms } : {}) });
    }
    await calculator.dispose?.();
    validation = {
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
      speed,
      history: (await readJson<{ history: EpochRecord[] }>(join(out, 'metrics.json'))).history,
    };
    await writeJson(validationPath, validation);
  }
  return { name: preset, parameters: painnParameterCount(checkpoint.config), ...validation };
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

/** Refuses a run directory made with other settings or another teacher. */
async function checkRunDirectory(
  dir: string,
  config: DistillConfig,
  teacher: DistillTeacher,
): Promise<void> {
  const path = join(dir, 'run.json');
  const { run_dir: _, ...settings } = config;
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
