import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { argonDataset } from './__fixtures__/argon.js';
import { readDataset, writeDataset } from './dataset-io.js';
import { datasetStatistics } from './dataset-statistics.js';
import { forceFieldMetrics } from './force-field-metrics.js';
import { PlateauDecay, warmupLearningRate } from './learning-rate.js';
import { splitDataset } from './split-dataset.js';

const dir = mkdtempSync(join(tmpdir(), 'mlffd-dataset-'));

describe('datasets', () => {
  it('round-trip through extxyz with energies and forces', async () => {
    const data = await argonDataset(3, 4);
    const path = join(dir, 'argon.extxyz');
    await writeDataset(path, data);
    const back = await readDataset(path);
    expect(back).toHaveLength(3);
    back.forEach((s, k) => {
      expect(s.energy).toBeCloseTo(data[k]!.energy, 10);
      expect(Array.from(s.atoms.numbers)).toEqual(Array.from(data[k]!.atoms.numbers));
      for (let i = 0; i < s.forces.length; i++)
        expect(s.forces[i]).toBeCloseTo(data[k]!.forces[i]!, 7);
    });
  });

  it('names the file and line of a frame without labels', async () => {
    const path = join(dir, 'unlabelled.extxyz');
    writeFileSync(
      path,
      '1\nProperties=species:S:1:pos:R:3 energy=-1.0\nAr 0 0 0\n1\nProperties=species:S:1:pos:R:3\nAr 0 0 0\n',
    );
    await expect(readDataset(path)).rejects.toThrow(
      /unlabelled\.extxyz:1: the frame has no forces/,
    );
  });

  it('splits reproducibly by seed and covers every item once', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const a = splitDataset(items, { seed: 3, validation: 0.2, test: 0.1 });
    const b = splitDataset(items, { seed: 3, validation: 0.2, test: 0.1 });
    expect(a).toEqual(b);
    expect([a.train.length, a.validation.length, a.test.length]).toEqual([35, 10, 5]);
    expect([...a.train, ...a.validation, ...a.test].sort((x, y) => x - y)).toEqual(items);
    expect(splitDataset(items, { seed: 4 }).validation).not.toEqual(a.validation);
  });

  it('statistics count atoms and elements and measure forces', async () => {
    const data = await argonDataset(2, 5);
    const s = datasetStatistics(data);
    expect(s.structures).toBe(2);
    expect(s.atoms).toBe(64);
    expect(s.elements).toEqual({ Ar: 64 });
    expect(s.forces.rms).toBeGreaterThan(0);
    expect(s.forces.maxNorm).toBeGreaterThanOrEqual(s.forces.rms);
  });
});

describe('metrics', () => {
  it('computes MAE, RMSE, angle and R² on hand-made values', async () => {
    const [s] = await argonDataset(1, 6);
    const exact = forceFieldMetrics([s!], [{ energy: s!.energy, forces: s!.forces }]);
    expect(exact.forces.mae).toBe(0);
    expect(exact.forces.angleDeg).toBeCloseTo(0, 5);
    expect(exact.forces.r2).toEqual([1, 1, 1]);
    const shifted = forceFieldMetrics(
      [s!],
      [{ energy: s!.energy + 32 * 0.002, forces: s!.forces.map((f) => f + 0.01) }],
    );
    expect(shifted.forces.mae).toBeCloseTo(0.01, 12);
    expect(shifted.forces.rmse).toBeCloseTo(0.01, 12);
    expect(shifted.energyPerAtom.mae).toBeCloseTo(0.002, 12);
    expect(shifted.perElement.Ar!.forceMae).toBeCloseTo(0.01, 12);
    // Reversed forces: 180°.
    const reversed = forceFieldMetrics(
      [s!],
      [{ energy: s!.energy, forces: s!.forces.map((f) => -f) }],
    );
    expect(reversed.forces.angleDeg).toBeCloseTo(180, 3);
  });
});

describe('learning rate', () => {
  it('warms up linearly, then decays by a cosine to lr/100', () => {
    const o = { lr: 1e-3, warmupSteps: 10, totalSteps: 110, decay: 'cosine' as const };
    expect(warmupLearningRate(0, o)).toBeCloseTo(1e-4, 12);
    expect(warmupLearningRate(9, o)).toBeCloseTo(1e-3, 12);
    expect(warmupLearningRate(60, o)).toBeCloseTo(1e-5 + 0.5 * (1e-3 - 1e-5), 12);
    expect(warmupLearningRate(110, o)).toBeCloseTo(1e-5, 12);
  });

  it('halves on a plateau after `patience` epochs', () => {
    const p = new PlateauDecay({ patience: 2, factor: 0.5 });
    expect([1, 0.9, 0.9, 0.9, 0.9].map((m) => p.observe(m))).toEqual([1, 1, 1, 1, 0.5]);
  });
});
