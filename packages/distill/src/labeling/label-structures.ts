import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  type Atoms,
  type CalculatorPool,
  type CalculatorResults,
  PoolUnavailableError,
  type PropertyName,
} from '@mlff-distiller/core';
import { writeDataset } from '../dataset-io.js';
import type { LabelledStructure } from '../labelled-structure.js';
import { runConcurrently } from '../run-concurrently.js';
import {
  LABEL_JOURNAL_FORMAT,
  LABEL_JOURNAL_VERSION,
  LabelJournal,
  type LabelJournalEntry,
} from './label-journal.js';
import { structuresFingerprint } from './structures-fingerprint.js';

/** Failures in a row, with no success in the run, after which labeling stops. */
const FAILURES_BEFORE_GIVING_UP = 5;

/** Progress of a labeling job, reported after every finished structure. */
export interface LabelProgress {
  /** Structures finished (labelled or failed), including those of earlier runs. */
  done: number;
  /** Structures in the job. */
  total: number;
  /** Structures finished by this run. */
  doneThisRun: number;
  /** Structures that the teacher failed on so far. */
  failed: number;
  /** Workers the pool has right now. */
  workers: number;
  /** Seconds since this run started. */
  elapsed: number;
}

/** Options of {@link labelStructures}. */
export interface LabelOptions {
  /** The structures to label, in the order the dataset keeps. */
  structures: readonly Atoms[];
  /** The teacher's workers; structures go to whichever is free. */
  pool: CalculatorPool;
  /** The labelled dataset (extxyz), written atomically once every structure is done. */
  output: string;
  /** The journal; default `<output>.journal`. */
  journal?: string;
  /** Properties to label; default energy and forces (plus stress when `stress` is set). */
  stress?: boolean;
  /** Called after every finished structure. */
  onProgress?: (progress: LabelProgress) => void;
  /**
   * Give structures that failed in an earlier run another try (a teacher that was
   * misconfigured, a client that died). Default false: a failure is recorded and kept.
   */
  retryFailed?: boolean;
}

/** What {@link labelStructures} did. */
export interface LabelResult {
  /** Structures in the dataset. */
  labelled: number;
  /** Structures the teacher failed on (left out of the dataset), with the reason. */
  failures: Array<{ index: number; error: string }>;
  /** Structures computed by this run (the rest came from the journal). */
  computedThisRun: number;
  /** Wall time of this run in s. */
  seconds: number;
}

/**
 * Labels structures with a teacher: spreads them over the pool's workers, appends every
 * result to a journal as it arrives, and, when all are done, writes the dataset (input
 * order, ASE extxyz) atomically. A kill at any moment loses at most the structures in
 * flight; running again with the same structures resumes from the journal without
 * relabeling or duplicating anything, and yields the same dataset as an uninterrupted run.
 * A structure the teacher fails on (SCF not converging, an error from the model) is
 * recorded with its error, left out of the dataset and reported; the job goes on.
 */
export async function labelStructures(options: LabelOptions): Promise<LabelResult> {
  const { structures, pool, output } = options;
  const properties: PropertyName[] = options.stress
    ? ['energy', 'forces', 'stress']
    : ['energy', 'forces'];
  const started = performance.now();
  await mkdir(dirname(output), { recursive: true });
  const journal = LabelJournal.open(options.journal ?? `${output}.journal`, {
    journal: LABEL_JOURNAL_FORMAT,
    version: LABEL_JOURNAL_VERSION,
    input: structuresFingerprint(structures, properties),
    count: structures.length,
    teacher: pool.name,
  });
  try {
    const pending: number[] = [];
    for (let i = 0; i < structures.length; i++) {
      const entry = journal.entries.get(i);
      if (!entry || (options.retryFailed && 'error' in entry)) pending.push(i);
    }
    let doneThisRun = 0;
    const report = () =>
      options.onProgress?.({
        done: journal.entries.size,
        total: structures.length,
        doneThisRun,
        failed: [...journal.entries.values()].filter((e) => 'error' in e).length,
        workers: pool.concurrency,
        elapsed: (performance.now() - started) / 1000,
      });
    report();
    // Failures are held back until the teacher has labelled something in this run: a
    // teacher that fails on everything (misconfigured, wrong species) stops the job
    // instead of filling the journal with failures a rerun would keep.
    const heldFailures: LabelJournalEntry[] = [];
    let teacherWorks = false;
    const record = (entry: LabelJournalEntry) => {
      journal.append(entry);
      doneThisRun++;
      report();
    };
    await runConcurrently(
      pending,
      () => pool.concurrency,
      async (i) => {
        const entry = await labelOne(pool, structures[i]!, i, properties);
        if ('error' in entry && !teacherWorks) {
          heldFailures.push(entry);
          if (heldFailures.length >= FAILURES_BEFORE_GIVING_UP) {
            throw new Error(
              `${pool.name} failed on the first ${heldFailures.length} structures it was given; the last: structure ${entry.i}: ${entry.error}`,
            );
          }
          return;
        }
        if (!('error' in entry) && !teacherWorks) {
          teacherWorks = true;
          for (const held of heldFailures.splice(0)) record(held);
        }
        record(entry);
      },
    );
    for (const held of heldFailures.splice(0)) record(held);
    const dataset: LabelledStructure[] = [];
    const failures: LabelResult['failures'] = [];
    for (let i = 0; i < structures.length; i++) {
      const entry = journal.entries.get(i)!;
      if ('error' in entry) failures.push({ index: i, error: entry.error });
      else dataset.push(toLabelled(structures[i]!, entry));
    }
    await writeDataset(output, dataset);
    return {
      labelled: dataset.length,
      failures,
      computedThisRun: doneThisRun,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    journal.close();
  }
}

async function labelOne(
  pool: CalculatorPool,
  atoms: Atoms,
  i: number,
  properties: readonly PropertyName[],
): Promise<LabelJournalEntry> {
  let results: CalculatorResults;
  try {
    results = await pool.compute(atoms, properties);
  } catch (error) {
    if (isPoolFailure(error)) throw error;
    return { i, error: error instanceof Error ? error.message : String(error) };
  }
  const { energy, forces, stress } = results;
  if (energy === undefined || !forces) {
    return { i, error: `${pool.name} returned no ${energy === undefined ? 'energy' : 'forces'}` };
  }
  if (!Number.isFinite(energy) || forces.some((f) => !Number.isFinite(f))) {
    return { i, error: `${pool.name} returned a non-finite energy or force` };
  }
  return {
    i,
    energy,
    forces: Array.from(forces),
    ...(properties.includes('stress') && stress ? { stress: Array.from(stress) } : {}),
  };
}

/** Errors that stop the job instead of marking one structure failed. */
function isPoolFailure(error: unknown): boolean {
  return error instanceof PoolUnavailableError;
}

function toLabelled(
  atoms: Atoms,
  entry: Extract<LabelJournalEntry, { energy: number }>,
): LabelledStructure {
  return {
    atoms,
    energy: entry.energy,
    forces: Float64Array.from(entry.forces),
    ...(entry.stress ? { stress: Float64Array.from(entry.stress) } : {}),
  };
}
