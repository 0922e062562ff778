import { Atoms, type AtomsInit } from '@mlff-distiller/core';
import { StudentCalculator } from '@mlff-distiller/models';
import { readDataset } from '../dataset-io.js';
import type { ForceFieldMetrics } from '../force-field-metrics.js';
import { type SplitOptions, splitDataset } from '../split-dataset.js';
import { type TrainOptions, trainStudent } from '../train-student.js';
import { type NveValidation, type NveValidationOptions, validateNve } from './validate-student.js';

/** Train a student on the training and validation parts of a dataset file. */
export interface TrainTask {
  kind: 'train';
  /** Dataset (extxyz) and how it is split; the task reads it itself. */
  dataset: string;
  split: SplitOptions;
  /** Everything {@link trainStudent} needs but the data and the progress stream. */
  options: Omit<TrainOptions, 'train' | 'validation' | 'progress' | 'runtime'>;
  /** Prefix of progress lines on stderr, or null for none. */
  progress: string | null;
}

/** What a {@link TrainTask} gives back (the checkpoints are in its `outDir`). */
export interface TrainTaskResult {
  steps: number;
  validation: ForceFieldMetrics;
}

/** One NVE validation run of a student ONNX file from one start structure. */
export interface NveTask {
  kind: 'nve';
  onnxPath: string;
  name: string;
  /** The start structure as plain data ({@link atomsData}). */
  atoms: AtomsInit;
  options: NveValidationOptions;
}

export type StudentTask = TrainTask | NveTask;
export type StudentTaskResult<T extends StudentTask> = T extends TrainTask
  ? TrainTaskResult
  : NveValidation;

/** `atoms` as plain data it can be rebuilt from in another thread. */
export function atomsData(atoms: Atoms): AtomsInit {
  return {
    numbers: Array.from(atoms.numbers),
    positions: Array.from(atoms.positions),
    masses: Array.from(atoms.masses),
    cell: Array.from(atoms.cell),
    pbc: [...atoms.pbc],
    info: structuredClone(atoms.info),
  };
}

/** Prefixes every line written to it and passes it on to stderr. */
function prefixedStderr(prefix: string): { write(line: string): boolean } {
  return { write: (line) => process.stderr.write(line.replace(/^(?=.)/gm, prefix)) };
}

/**
 * Runs a student task in this thread. `threads` sets ONNX Runtime's intra-op threads
 * (undefined: its default); student calculators are cached by file in `calculators`;
 * `shouldStop`, checked every training or MD step, abandons the task with an error.
 */
export async function runStudentTask(
  task: StudentTask,
  threads: number | undefined,
  calculators: Map<string, Promise<StudentCalculator>>,
  shouldStop: () => boolean,
): Promise<TrainTaskResult | NveValidation> {
  const runtime = threads === undefined ? {} : { intraOpNumThreads: threads };
  if (task.kind === 'train') {
    const { train, validation } = splitDataset(await readDataset(task.dataset), task.split);
    const result = await trainStudent({
      ...task.options,
      train,
      validation,
      runtime,
      progress: task.progress === null ? null : prefixedStderr(task.progress),
      shouldStop,
    });
    if (!result.finished) throw new Error(`training in ${task.options.outDir} was cancelled`);
    return { steps: result.steps, validation: result.validation };
  }
  let calculator = calculators.get(task.onnxPath);
  if (!calculator) {
    calculator = StudentCalculator.load(task.onnxPath, { runtime });
    calculators.set(task.onnxPath, calculator);
  }
  return validateNve(task.name, new Atoms(task.atoms), await calculator, task.options, shouldStop);
}
