import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '@mlff-distiller/core';
import type { Normalisation } from '@mlff-distiller/models';
import type { PlateauState } from './learning-rate.js';

/** Version of the training-state file; a newer one is refused. */
export const TRAINING_STATE_VERSION = 1;

/** One epoch of the training history. */
export interface EpochRecord {
  epoch: number;
  /** Mean training loss over the epoch's steps. */
  trainLoss: number;
  /** Validation errors with the averaged weights: force MAE eV/Å, energy MAE eV/atom. */
  validationForceMae: number;
  validationEnergyMae: number;
  learningRate: number;
  seconds: number;
}

/** Everything needed to continue a run exactly where it stopped. */
export interface TrainingState {
  version: number;
  /** Epoch in progress (0-based) and steps of it already taken. */
  epoch: number;
  stepInEpoch: number;
  /** Optimisation steps taken in total. */
  step: number;
  parameters: Record<string, Float32Array>;
  average: { values: Record<string, Float32Array>; updates: number };
  optimizer: { step: number; m: Record<string, Float32Array>; v: Record<string, Float32Array> };
  normalisation: Normalisation;
  plateau: PlateauState;
  /** Best validation force MAE so far (eV/Å), its epoch, epochs since it improved. */
  best: { forceMae: number; epoch: number; staleEpochs: number };
  /** Sum and count of the losses of the epoch in progress. */
  epochLoss: { sum: number; count: number };
  history: EpochRecord[];
}

type Arrays = Record<string, Float32Array>;

const encode = (a: Arrays) =>
  Object.fromEntries(
    Object.entries(a).map(([k, v]) => [
      k,
      Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64'),
    ]),
  );

function decode(a: Record<string, string>): Arrays {
  return Object.fromEntries(
    Object.entries(a).map(([k, s]) => {
      const bytes = Buffer.from(s, 'base64');
      const v = new Float32Array(bytes.byteLength / 4);
      new Uint8Array(v.buffer).set(bytes);
      return [k, v];
    }),
  );
}

/** Writes a training state atomically (float32 arrays exactly, as base64). */
export async function saveTrainingState(path: string, s: TrainingState): Promise<void> {
  const stored = {
    ...s,
    parameters: encode(s.parameters),
    average: { values: encode(s.average.values), updates: s.average.updates },
    optimizer: { step: s.optimizer.step, m: encode(s.optimizer.m), v: encode(s.optimizer.v) },
    best: { ...s.best, forceMae: Number.isFinite(s.best.forceMae) ? s.best.forceMae : null },
    plateau: { ...s.plateau, best: Number.isFinite(s.plateau.best) ? s.plateau.best : null },
  };
  await writeFileAtomic(path, JSON.stringify(stored));
}

/** Reads a training state; errors name the file. */
export async function loadTrainingState(path: string): Promise<TrainingState> {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`cannot resume from ${path}: ${(e as Error).message}`);
  }
  if (raw.version !== TRAINING_STATE_VERSION) {
    throw new Error(
      `cannot resume from ${path}: training-state version ${raw.version}, this code reads ${TRAINING_STATE_VERSION}`,
    );
  }
  const s = raw as unknown as TrainingState & {
    parameters: Record<string, string>;
    average: { values: Record<string, string>; updates: number };
    optimizer: { step: number; m: Record<string, string>; v: Record<string, string> };
  };
  return {
    ...s,
    parameters: decode(s.parameters as unknown as Record<string, string>),
    average: {
      values: decode(s.average.values as unknown as Record<string, string>),
      updates: s.average.updates,
    },
    optimizer: {
      step: s.optimizer.step,
      m: decode(s.optimizer.m as unknown as Record<string, string>),
      v: decode(s.optimizer.v as unknown as Record<string, string>),
    },
    best: { ...s.best, forceMae: s.best.forceMae ?? Number.POSITIVE_INFINITY },
    plateau: { ...s.plateau, best: s.plateau.best ?? Number.POSITIVE_INFINITY },
  };
}
