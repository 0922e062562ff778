/**
 * Issue 5, acceptance 2, with a real teacher (Lennard-Jones argon, ASE's smooth cutoff) and
 * real ONNX Runtime: a small PaiNN overfits 16 structures to a force MAE below 1 meV/Å, and
 * a run killed mid-epoch and resumed ends with the same weights as an uninterrupted run.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint, StudentCalculator } from '@mlff-distiller/models';
import { describe, expect, it } from 'vitest';
import { argonDataset } from './__fixtures__/argon.js';
import { trainStudent } from './train-student.js';
import { loadTrainingState } from './training-state.js';

const config = { species: [18], features: 16, interactions: 2, radialBasis: 8, cutoff: 6.0 };
const tmp = () => mkdtempSync(join(tmpdir(), 'mlffd-train-'));

describe('trainStudent', () => {
  it('overfits 16 argon structures to a force MAE below 1 meV/Å', async () => {
    const data = await argonDataset(16, 1);
    const outDir = tmp();
    const result = await trainStudent({
      config,
      train: data,
      validation: data,
      outDir,
      epochs: 500,
      batchSize: 4,
      lr: 1e-2,
      warmupSteps: 20,
      averageDecay: 0.9,
      progress: null,
    });
    // Measured 0.94 meV/Å after 400 epochs (force RMS of the set: 71 meV/Å).
    expect(result.validation.forces.mae).toBeLessThan(1e-3);
    expect(result.finished).toBe(true);
    expect(readdirSync(outDir).sort()).toEqual([
      'best.json',
      'last.json',
      'learning-curve.svg',
      'metrics.json',
      'parity-energy.svg',
      'parity-forces.svg',
      'state.json',
    ]);
    // The best checkpoint is a working student: its calculator reproduces the training forces.
    const calc = await StudentCalculator.load(join(outDir, 'best.json'));
    const forces = await calc.getForces(data[0]!.atoms);
    let mae = 0;
    for (let i = 0; i < forces.length; i++)
      mae += Math.abs(forces[i]! - data[0]!.forces[i]!) / forces.length;
    expect(mae).toBeLessThan(3e-3);
    await calc.dispose();
    const metrics = JSON.parse(readFileSync(join(outDir, 'metrics.json'), 'utf8'));
    expect(metrics.history).toHaveLength(500);
  }, 120_000);

  it('a run killed mid-epoch and resumed ends with the same weights as an uninterrupted one', async () => {
    const data = await argonDataset(12, 2);
    const common = {
      config,
      train: data.slice(0, 9),
      validation: data.slice(9),
      epochs: 4,
      batchSize: 3, // 3 steps per epoch
      lr: 5e-3,
      warmupSteps: 2,
      saveEverySteps: 4, // epochs of 3 steps: saved at the end of epochs 2 and 4 only
      seed: 11,
      progress: null,
    } as const;
    const straight = tmp();
    await trainStudent({ ...common, outDir: straight });

    const killed = tmp();
    // Killed after 7 steps (epoch 3, step 1): the last save was at step 6 (end of epoch 2;
    // epoch 1 ended only 3 steps after the start, so it was not saved).
    const first = await trainStudent({ ...common, outDir: killed, stopAfterSteps: 7 });
    expect(first.finished).toBe(false);
    const resumed = await trainStudent({ ...common, outDir: killed });
    expect(resumed.finished).toBe(true);
    expect(resumed.steps).toBe(12 - 6);

    const a = await loadTrainingState(join(straight, 'state.json'));
    const b = await loadTrainingState(join(killed, 'state.json'));
    expect(b.step).toBe(a.step);
    for (const [name, w] of Object.entries(a.parameters)) {
      const v = b.parameters[name]!;
      for (let i = 0; i < w.length; i++)
        expect(Math.abs(v[i]! - w[i]!)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(w[i]!)));
    }
    const bestA = await loadCheckpoint(join(straight, 'best.json'));
    const bestB = await loadCheckpoint(join(killed, 'best.json'));
    expect(bestB.training.epoch).toBe(bestA.training.epoch);
    expect(b.history.map((h) => h.validationForceMae)).toEqual(
      a.history.map((h) => h.validationForceMae),
    );
  }, 120_000);

  it('stops early when the validation error no longer improves', async () => {
    const data = await argonDataset(6, 3);
    const lines: string[] = [];
    const progress = {
      write: (line: string) => lines.push(line),
    } as unknown as NodeJS.WritableStream;
    const result = await trainStudent({
      config,
      train: data.slice(0, 4),
      validation: data.slice(4),
      outDir: tmp(),
      epochs: 10,
      batchSize: 2,
      lr: 0, // nothing changes: the second epoch is no better than the first
      warmupSteps: 0,
      patience: 1,
      progress,
    });
    expect(result.history).toHaveLength(2);
    expect(lines.join('')).toMatch(/early stop: no better validation force MAE for 1 epochs/);
    expect(lines.join('')).toMatch(/epoch 1\/10: loss .* validation force MAE .* meV\/Å/);
  });
});
