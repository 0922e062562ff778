import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type OnnxRuntimeOptions, OnnxTrainingStep } from '@mlff-distiller/backend-onnx';
import { InvalidInputError, Random } from '@mlff-distiller/core';
import { type HostTensor, simplify } from '@mlff-distiller/graph';
import {
  checkpointParameters,
  createCheckpoint,
  fitNormalisation,
  initPainnParameters,
  type LossWeights,
  loadCheckpoint,
  type PainnConfig,
  painnTrainingGraph,
  prepareBatch,
  type StudentCheckpoint,
  saveCheckpoint,
} from '@mlff-distiller/models';
import { type ForceFieldMetrics, forceFieldMetrics } from './force-field-metrics.js';
import type { LabelledStructure } from './labelled-structure.js';
import { type DecayKind, PlateauDecay, warmupLearningRate } from './learning-rate.js';
import { StudentPredictor } from './student-predictor.js';
import { trainingFeeds } from './training-feeds.js';
import { writeTrainingReport } from './training-report.js';
import {
  type EpochRecord,
  loadTrainingState,
  saveTrainingState,
  TRAINING_STATE_VERSION,
  type TrainingState,
} from './training-state.js';
import { WeightAverage } from './weight-average.js';

/** Options of {@link trainStudent}. Units: energies eV, forces eV/Å. */
export interface TrainOptions {
  /** Architecture and sizes (species, features, interactions, radial basis, cutoff). */
  config: PainnConfig;
  train: readonly LabelledStructure[];
  validation: readonly LabelledStructure[];
  /** Directory for `state.json`, `best.json`, `last.json`, `metrics.json` and plots. */
  outDir: string;
  epochs: number;
  /** Structures per step (default 16). */
  batchSize?: number;
  /** Peak learning rate (default 2e-3). */
  lr?: number;
  /** AdamW decoupled weight decay (default 0). */
  weightDecay?: number;
  /** Linear warm-up steps (default: one epoch, at most 200). */
  warmupSteps?: number;
  /** Decay after warm-up (default cosine). */
  decay?: DecayKind;
  /** EMA decay of the weights used for validation and checkpoints (default 0.99). */
  averageDecay?: number;
  /** Clip the global gradient norm (default 10). */
  maxGradNorm?: number;
  /** Loss weights (default energy 1, forces 10). */
  lossWeights?: LossWeights;
  /** Stop after this many epochs without a better validation force MAE (default: never). */
  patience?: number;
  /** Seed of weights and batch order (default 0). */
  seed?: number;
  /** Save the training state about every this many steps (default 50; and at the end). */
  saveEverySteps?: number;
  /** Continue from `outDir/state.json` when it exists (default true). */
  resume?: boolean;
  /** Where progress lines go (default stderr); `null` for silence. */
  progress?: { write(line: string): unknown } | null;
  /** Stop (without a final save) after this many steps in this call: simulates a kill in tests. */
  stopAfterSteps?: number;
  /** Checked before every step: true stops training (without a final save), as `stopAfterSteps`. */
  shouldStop?: () => boolean;
  /** Training record copied into the checkpoints (teacher, dataset, …). */
  metadata?: Record<string, unknown>;
  /** onnxruntime options of the training and validation sessions (threads, provider). */
  runtime?: OnnxRuntimeOptions;
}

/** What {@link trainStudent} returns. */
export interface TrainResult {
  /** The best checkpoint (averaged weights at the best validation force MAE). */
  best: StudentCheckpoint;
  history: EpochRecord[];
  /** Validation metrics of the best checkpoint. */
  validation: ForceFieldMetrics;
  /** False when stopped by `stopAfterSteps` or `shouldStop`. */
  finished: boolean;
  /** Steps taken in this call (after a resume, only the new ones). */
  steps: number;
}

const toArrays = (state: Record<string, ArrayLike<number>>) =>
  Object.fromEntries(Object.entries(state).map(([k, v]) => [k, Float32Array.from(v)]));

/** Epoch `epoch`'s batch order: a permutation of the training set fixed by seed and epoch. */
function epochOrder(n: number, seed: number, epoch: number): number[] {
  const random = new Random(seed * 7919 + epoch + 1);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random.uniform() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** Neighbour slots that fit every structure (one fixed capacity keeps ORT's shapes stable). */
function datasetCapacity(data: readonly LabelledStructure[], config: PainnConfig): number {
  let cap = 1;
  for (const s of data) cap = Math.max(cap, prepareBatch([s.atoms], config).neighbors!.shape[1]!);
  return cap;
}

/**
 * Trains a PaiNN student by force matching on ONNX Runtime: loss w_E·(ΔE/N)² + w_F·ΔF² per
 * batch, AdamW, warm-up then cosine (or plateau) decay, gradient clipping, an exponential
 * moving average of the weights for validation and checkpoints, early stopping on the
 * validation force MAE. Writes `best.json` (whenever the validation improves), `last.json`
 * (student checkpoints) and `state.json` (everything needed to resume: weights, average,
 * optimizer moments, counters, schedule, history) atomically at the end of an epoch when
 * `saveEverySteps` steps have passed since the last save, every `saveEverySteps` steps
 * within an epoch, and at the end; a run killed
 * at any point and started again with the same options ends with the same weights as one
 * that was never interrupted (the batch order of an epoch depends only on seed and epoch).
 */
export async function trainStudent(options: TrainOptions): Promise<TrainResult> {
  const { config, train, validation, outDir } = options;
  if (train.length === 0) throw new InvalidInputError('the training set is empty');
  if (validation.length === 0) throw new InvalidInputError('the validation set is empty');
  const batchSize = Math.min(options.batchSize ?? 16, train.length);
  const seed = options.seed ?? 0;
  const stepsPerEpoch = Math.floor(train.length / batchSize);
  const totalSteps = stepsPerEpoch * options.epochs;
  const warmupSteps = options.warmupSteps ?? Math.min(200, stepsPerEpoch);
  const lrOptions = {
    lr: options.lr ?? 2e-3,
    warmupSteps,
    totalSteps,
    decay: options.decay ?? 'cosine',
  };
  const log = (line: string) =>
    options.progress !== null && (options.progress ?? process.stderr).write(`${line}\n`);
  const statePath = join(outDir, 'state.json');

  const { graph: rawGraph, trainable } = painnTrainingGraph(config, options.lossWeights);
  const graph = simplify(rawGraph);
  let state: TrainingState;
  if ((options.resume ?? true) && existsSync(statePath)) {
    state = await loadTrainingState(statePath);
    log(`resuming from ${statePath}: epoch ${state.epoch + 1}, step ${state.step}`);
  } else {
    const normalisation = fitNormalisation(
      train.map((s) => ({ numbers: s.atoms.numbers, energy: s.energy, forces: s.forces })),
      config.species,
    );
    const init = initPainnParameters(graph, seed) as Record<string, Float32Array>;
    init.energy_scale = Float32Array.of(normalisation.energyScale);
    init.reference_energies = Float32Array.from(normalisation.referenceEnergies);
    const trained = Object.fromEntries(trainable.map((t) => [t, init[t]!]));
    state = {
      version: TRAINING_STATE_VERSION,
      epoch: 0,
      stepInEpoch: 0,
      step: 0,
      parameters: init,
      average: { values: toArrays(trained), updates: 0 },
      optimizer: { step: 0, m: {}, v: {} },
      normalisation,
      plateau: { factor: 1, best: Number.POSITIVE_INFINITY, badEpochs: 0 },
      best: { forceMae: Number.POSITIVE_INFINITY, epoch: -1, staleEpochs: 0 },
      epochLoss: { sum: 0, count: 0 },
      history: [],
    };
  }

  const capacity = datasetCapacity([...train, ...validation], config);
  const trainer = await OnnxTrainingStep.create(graph, {
    parameters: state.parameters,
    gradients: Object.fromEntries(trainable.map((t) => [t, `grad:${t}`])),
    lr: lrOptions.lr,
    weightDecay: options.weightDecay ?? 0,
    maxGradNorm: options.maxGradNorm ?? 10,
    ...(options.runtime ? { runtime: options.runtime } : {}),
  });
  if (state.optimizer.step > 0) {
    trainer.loadOptimizerState({
      step: state.optimizer.step,
      m: state.optimizer.m as unknown as Record<string, number[]>,
      v: state.optimizer.v as unknown as Record<string, number[]>,
    });
  }
  const average = new WeightAverage(state.average.values, options.averageDecay ?? 0.99);
  average.updates = state.average.updates;
  const plateau = new PlateauDecay();
  plateau.state = { ...state.plateau };
  const predictor = await StudentPredictor.create(config, options.runtime);
  const withNormalisation = (w: Record<string, Float32Array>) => ({
    ...w,
    energy_scale: Float32Array.of(state.normalisation.energyScale),
    reference_energies: Float32Array.from(state.normalisation.referenceEnergies),
  });
  const checkpoint = (weights: Record<string, Float32Array>, extra: Record<string, unknown>) =>
    createCheckpoint(config, graph, withNormalisation(weights), state.normalisation, {
      ...options.metadata,
      seed,
      batchSize,
      lr: lrOptions.lr,
      ...extra,
    });
  const saveEvery = options.saveEverySteps ?? 50;
  let savedAtStep = state.step;
  const snapshot = async () => {
    savedAtStep = state.step;
    const opt = trainer.optimizerState();
    state.optimizer = { step: opt.step, m: toArrays(opt.m), v: toArrays(opt.v) };
    state.average = { values: average.values, updates: average.updates };
    state.plateau = { ...plateau.state };
    await saveTrainingState(statePath, state);
  };

  let stepsThisCall = 0;
  let stopped = false;
  const t0 = performance.now();
  try {
    while (state.epoch < options.epochs && !stopped) {
      const epochStart = performance.now();
      const order = epochOrder(train.length, seed, state.epoch);
      while (state.stepInEpoch < stepsPerEpoch) {
        if (
          (options.stopAfterSteps !== undefined && stepsThisCall >= options.stopAfterSteps) ||
          options.shouldStop?.()
        ) {
          stopped = true;
          break;
        }
        const ids = order.slice(state.stepInEpoch * batchSize, (state.stepInEpoch + 1) * batchSize);
        const batch = ids.map((i) => train[i]!);
        const feeds = trainingFeeds(batch, { ...config, capacity });
        trainer.optimizer.learningRate =
          warmupLearningRate(state.step, lrOptions) * plateau.state.factor;
        const result = await trainer.step(feeds);
        if (result.updated) average.update(trainer.parameters);
        state.epochLoss.sum += result.loss;
        state.epochLoss.count++;
        state.step++;
        state.stepInEpoch++;
        stepsThisCall++;
        if (state.stepInEpoch % saveEvery === 0) await snapshot();
        if (state.step % 20 === 0) {
          const rate = stepsThisCall / ((performance.now() - t0) / 1000);
          const eta = (totalSteps - state.step) / rate;
          log(
            `epoch ${state.epoch + 1}/${options.epochs} step ${state.step}/${totalSteps} loss ${result.loss.toExponential(3)} ${rate.toFixed(1)} steps/s ETA ${eta.toFixed(0)} s`,
          );
        }
      }
      if (stopped) break;

      // End of epoch: validate the averaged weights, keep the best, maybe stop early.
      const averaged = withNormalisation(average.values);
      const metrics = forceFieldMetrics(
        validation,
        await predictor.predict(validation, averaged, { capacity }),
      );
      const factor =
        options.decay === 'plateau' ? plateau.observe(metrics.forces.mae) : plateau.state.factor;
      const record: EpochRecord = {
        epoch: state.epoch + 1,
        trainLoss: state.epochLoss.sum / Math.max(1, state.epochLoss.count),
        validationForceMae: metrics.forces.mae,
        validationEnergyMae: metrics.energyPerAtom.mae,
        learningRate: warmupLearningRate(Math.max(0, state.step - 1), lrOptions) * factor,
        seconds: (performance.now() - epochStart) / 1000,
      };
      state.history.push(record);
      log(
        `epoch ${record.epoch}/${options.epochs}: loss ${record.trainLoss.toExponential(3)}, validation force MAE ${(1000 * record.validationForceMae).toFixed(2)} meV/Å, energy MAE ${(1000 * record.validationEnergyMae).toFixed(2)} meV/atom`,
      );
      if (metrics.forces.mae < state.best.forceMae) {
        state.best = { forceMae: metrics.forces.mae, epoch: record.epoch, staleEpochs: 0 };
        await saveCheckpoint(
          join(outDir, 'best.json'),
          checkpoint(average.values, { epoch: record.epoch, validation: metrics }),
        );
      } else {
        state.best.staleEpochs++;
      }
      state.epoch++;
      state.stepInEpoch = 0;
      state.epochLoss = { sum: 0, count: 0 };
      if (options.patience !== undefined && state.best.staleEpochs >= options.patience) {
        log(`early stop: no better validation force MAE for ${options.patience} epochs`);
        state.epoch = options.epochs;
      }
      // Short epochs (small datasets) are saved every `saveEvery` steps, not every epoch:
      // a resumed run replays the epochs since, to the same weights.
      if (state.epoch >= options.epochs || state.step - savedAtStep >= saveEvery) {
        await saveCheckpoint(
          join(outDir, 'last.json'),
          checkpoint(average.values, { epoch: record.epoch, validation: metrics }),
        );
        await snapshot();
      }
    }
    const best = existsSync(join(outDir, 'best.json'))
      ? await loadCheckpoint(join(outDir, 'best.json'))
      : checkpoint(average.values, {});
    const predictions = await predictor.predict(validation, checkpointParameters(best, graph), {
      capacity,
    });
    const validationMetrics = forceFieldMetrics(validation, predictions);
    if (!stopped) {
      await writeTrainingReport(outDir, state.history, validation, predictions, validationMetrics);
    }
    return {
      best,
      history: state.history,
      validation: validationMetrics,
      finished: !stopped,
      steps: stepsThisCall,
    };
  } finally {
    await trainer.dispose();
    await predictor.dispose();
  }
}
