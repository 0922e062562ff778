import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type Atoms,
  type CalculatorPool,
  InvalidInputError,
  PoolCalculator,
  readExtxyz,
  writeExtxyz,
  writeFileAtomic,
} from '@mlff-distiller/core';
import { structuresFingerprint } from '../labeling/structures-fingerprint.js';
import { runConcurrently } from '../run-concurrently.js';
import { deriveSeed } from './derive-seed.js';
import { type MdSamplingOptions, sampleTrajectory } from './md-sampling.js';
import { type RattleOptions, rattleAndRelax } from './rattle-and-relax.js';
import { type StrainOptions, sampleStrains } from './strain-sampling.js';

/** Options of {@link sampleStructures}. */
export interface SampleOptions {
  /** Start structures (molecules or periodic cells) in Å. */
  starts: readonly Atoms[];
  /** The teacher's workers: trajectories and relaxations run side by side on them. */
  pool: CalculatorPool;
  /** The sampled structures (extxyz, unlabelled), written atomically at the end. */
  output: string;
  /** Teacher MD at several temperatures; omitted: no MD. */
  md?: MdSamplingOptions;
  /** Rattle-and-relax augmentation; omitted: none. */
  rattle?: RattleOptions;
  /** Random strains of periodic starts; omitted: none. */
  strain?: StrainOptions;
  /** Seed of every random choice; the same seed and inputs give the same structures. */
  seed: number;
  /** Structures with two atoms closer than this (Å) are rejected; default 0.5. */
  minDistance?: number;
  /** Called whenever a teacher evaluation finishes (MD steps, relaxation steps). */
  onProgress?: (progress: SampleProgress) => void;
}

/** Progress of a sampling job. */
export interface SampleProgress {
  /** Teacher evaluations done (MD steps and relaxation steps), earlier runs' tasks included. */
  evaluations: number;
  /** Teacher evaluations the whole job takes (an upper bound for rattling). */
  totalEvaluations: number;
  /** Tasks (trajectories, rattle or strain sets) finished. */
  tasksDone: number;
  /** Tasks in the job. */
  tasks: number;
  /** Structures kept so far. */
  frames: number;
}

/** What {@link sampleStructures} produced. */
export interface SampleResult {
  /** Structures written. */
  frames: number;
  /** Per task: what it was and what it gave. */
  tasks: Array<{ kind: SampleTask['kind']; start: number; temperature?: number; frames: number }>;
  /** Tasks finished by earlier runs (read from their checkpoints). */
  resumedTasks: number;
}

type SampleTask =
  | { index: number; kind: 'md'; start: number; temperature: number }
  | { index: number; kind: 'rattle'; start: number }
  | { index: number; kind: 'strain'; start: number };

/**
 * Samples structures for distillation with the teacher: Langevin MD from every start at
 * every temperature (decorrelated subsampling), rattle-and-relax, and strains of periodic
 * cells. Tasks run side by side over the pool's workers. Each finished task is written
 * atomically to `<output>.parts/`, so a killed job resumes with the unfinished tasks only;
 * the output (every task's frames in task order, with `sample*` tags in `info`) is
 * written atomically at the end and is the same however often the job was interrupted.
 */
export async function sampleStructures(options: SampleOptions): Promise<SampleResult> {
  const { starts, pool, output } = options;
  const minDistance = options.minDistance ?? 0.5;
  if (starts.length === 0)
    throw new InvalidInputError('sampling needs at least one start structure');
  const tasks = planTasks(options);
  if (tasks.length === 0) {
    throw new InvalidInputError(
      'nothing to sample: enable MD, rattle-and-relax or strain sampling',
    );
  }
  const partsDir = `${output}.parts`;
  const { md, rattle, strain, seed } = options;
  const jobKey = structuresFingerprint(starts, [
    JSON.stringify({ md, rattle, strain, seed, minDistance }),
  ]);
  await preparePartsDir(partsDir, jobKey);
  const costOf = (task: SampleTask): number => {
    if (task.kind === 'md') {
      const md = options.md!;
      return md.steps + (md.equilibrationSteps ?? Math.floor(md.steps / 5));
    }
    if (task.kind === 'rattle')
      return 3 * options.rattle!.count * (options.rattle!.relaxSteps ?? 3);
    return 0;
  };
  const progress: SampleProgress = {
    evaluations: 0,
    totalEvaluations: tasks.reduce((sum, t) => sum + costOf(t), 0),
    tasksDone: 0,
    tasks: tasks.length,
    frames: 0,
  };
  const framesOf = new Map<number, Atoms[]>();
  const todo: SampleTask[] = [];
  for (const task of tasks) {
    const part = partPath(partsDir, task);
    if (existsSync(part)) {
      framesOf.set(
        task.index,
        (await readExtxyz(part)).map((f) => f.atoms),
      );
      progress.tasksDone++;
      progress.evaluations += costOf(task);
      progress.frames += framesOf.get(task.index)!.length;
    } else todo.push(task);
  }
  const resumedTasks = progress.tasksDone;
  options.onProgress?.({ ...progress });
  await runConcurrently(
    todo,
    () => pool.concurrency,
    async (task) => {
      const calculator = new PoolCalculator(pool);
      const seed = deriveSeed(options.seed, task.index);
      const start = starts[task.start]!;
      let spent = 0;
      const spend = (n: number) => {
        spent += n;
        progress.evaluations += n;
        options.onProgress?.({ ...progress });
      };
      let frames: Atoms[];
      if (task.kind === 'md') {
        frames = (
          await sampleTrajectory(
            start,
            calculator,
            task.temperature,
            { ...options.md!, seed, minDistance },
            spend,
          )
        ).frames;
      } else if (task.kind === 'rattle') {
        frames = (
          await rattleAndRelax(start, calculator, { ...options.rattle!, seed, minDistance }, () =>
            spend(1),
          )
        ).frames;
      } else {
        frames = sampleStrains(start, { ...options.strain!, seed, minDistance }).frames;
      }
      for (const frame of frames) frame.info = { ...frame.info, sample_start: task.start };
      const part = partPath(partsDir, task);
      await writeExtxyz(
        part,
        frames.map((atoms) => ({ atoms })),
      );
      // Read back what was written so a resumed job and an uninterrupted one agree to the bit.
      framesOf.set(
        task.index,
        (await readExtxyz(part)).map((f) => f.atoms),
      );
      progress.evaluations += costOf(task) - spent;
      progress.tasksDone++;
      progress.frames += frames.length;
      options.onProgress?.({ ...progress });
    },
  );
  const all = tasks.flatMap((task) => framesOf.get(task.index)!);
  await writeExtxyz(
    output,
    all.map((atoms) => ({ atoms })),
  );
  await rm(partsDir, { recursive: true, force: true });
  return {
    frames: all.length,
    tasks: tasks.map((task) => ({
      kind: task.kind,
      start: task.start,
      ...(task.kind === 'md' ? { temperature: task.temperature } : {}),
      frames: framesOf.get(task.index)!.length,
    })),
    resumedTasks,
  };
}

function planTasks(options: SampleOptions): SampleTask[] {
  const tasks: SampleTask[] = [];
  for (let start = 0; start < options.starts.length; start++) {
    for (const temperature of options.md?.temperatures ?? []) {
      tasks.push({ index: tasks.length, kind: 'md', start, temperature });
    }
    if (options.rattle && options.rattle.count > 0)
      tasks.push({ index: tasks.length, kind: 'rattle', start });
    if (options.strain && options.strain.count > 0 && options.starts[start]!.pbc.some(Boolean)) {
      tasks.push({ index: tasks.length, kind: 'strain', start });
    }
  }
  return tasks;
}

function partPath(dir: string, task: SampleTask): string {
  return join(dir, `task-${String(task.index).padStart(5, '0')}-${task.kind}.extxyz`);
}

/** Creates the checkpoint folder, or empties it when it belongs to another job. */
async function preparePartsDir(dir: string, jobKey: string): Promise<void> {
  const keyFile = join(dir, 'job');
  if (existsSync(dir)) {
    const key = existsSync(keyFile) ? await readFile(keyFile, 'utf8') : '';
    if (key.trim() === jobKey) return;
    for (const name of await readdir(dir))
      await rm(join(dir, name), { force: true, recursive: true });
  }
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(keyFile, `${jobKey}\n`);
}
