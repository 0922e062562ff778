import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Atoms,
  type CalculatorPool,
  calculatorPool,
  fccCrystal,
  Morse,
  PoolUnavailableError,
  Random,
  readExtxyz,
} from '@mlff-distiller/core';
import { describe, expect, it } from 'vitest';
import { argonTeacher } from '../__fixtures__/argon.js';
import { rattleAndRelax } from './rattle-and-relax.js';
import { type SampleOptions, sampleStructures } from './sample-structures.js';
import { shortestDistance } from './shortest-distance.js';
import { statisticalInefficiency } from './statistical-inefficiency.js';
import { sampleStrains } from './strain-sampling.js';

const dir = mkdtempSync(join(tmpdir(), 'mlffd-sample-'));

/** A 13-atom Morse cluster (ASE's MorsePotential defaults, r0 = 1 Å): an icosahedron-ish blob. */
function morseCluster(): Atoms {
  const random = new Random(5);
  const positions: number[] = [0, 0, 0];
  while (positions.length < 13 * 3) {
    const p = [0, 1, 2].map(() => 1.6 * (2 * random.uniform() - 1));
    let ok = true;
    for (let k = 0; k < positions.length; k += 3) {
      const d = Math.hypot(
        p[0]! - positions[k]!,
        p[1]! - positions[k + 1]!,
        p[2]! - positions[k + 2]!,
      );
      if (d < 0.95) ok = false;
    }
    if (ok) positions.push(...p);
  }
  return new Atoms({ symbols: Array(13).fill('Cu'), positions });
}

function morse(): Morse {
  return new Morse({ epsilon: 1.0, rho0: 6.0, r0: 1.0, rcut1: 1.9, rcut2: 2.7 });
}

describe('statisticalInefficiency', () => {
  it('recovers g = (1 + φ)/(1 − φ) of an AR(1) series to 15 %', () => {
    // The estimator's relative error for N = 20 000 and g = 9 is a few percent.
    const random = new Random(3);
    const phi = 0.8;
    const series = new Float64Array(20_000);
    for (let t = 1; t < series.length; t++) series[t] = phi * series[t - 1]! + random.normal();
    const g = statisticalInefficiency(series);
    expect(Math.abs(g / ((1 + phi) / (1 - phi)) - 1)).toBeLessThan(0.15);
    expect(statisticalInefficiency(new Float64Array(100).fill(2))).toBe(1);
  });
});

describe('rattleAndRelax', () => {
  it('displaces every atom by 0.01–0.1 Å, then lowers the energy along the forces', async () => {
    const start = morseCluster();
    const calculator = morse();
    const rattled = await rattleAndRelax(start, calculator, {
      count: 6,
      relaxSteps: 0,
      seed: 1,
      minDistance: 0.5,
    });
    expect(rattled.frames).toHaveLength(6);
    for (const frame of rattled.frames) {
      for (let a = 0; a < start.length; a++) {
        const d = Math.hypot(
          ...[0, 1, 2].map((k) => frame.positions[3 * a + k]! - start.positions[3 * a + k]!),
        );
        expect(d).toBeGreaterThanOrEqual(0.01 - 1e-12);
        expect(d).toBeLessThanOrEqual(0.1 + 1e-12);
      }
    }
    const relaxed = await rattleAndRelax(start, calculator, {
      count: 6,
      relaxSteps: 3,
      seed: 1,
      minDistance: 0.5,
    });
    for (let k = 0; k < 6; k++) {
      // Same seed: the same displacements, then three descent steps of at most 0.05 Å.
      expect(await calculator.getPotentialEnergy(relaxed.frames[k]!)).toBeLessThan(
        await calculator.getPotentialEnergy(rattled.frames[k]!),
      );
    }
  });

  it('rejects structures with atoms closer than the minimum distance', async () => {
    const squeezed = new Atoms({ symbols: ['Cu', 'Cu'], positions: [0, 0, 0, 0.3, 0, 0] });
    const result = await rattleAndRelax(squeezed, morse(), { count: 2, seed: 1, minDistance: 0.5 });
    expect(result.frames).toHaveLength(0);
    expect(result.rejected).toBe(6);
  });
});

describe('sampleStrains', () => {
  it('strains periodic cells within bounds, keeping fractional coordinates', () => {
    const start = fccCrystal('Ar', 5.26, 2, { rattle: 0.05 });
    const { frames } = sampleStrains(start, {
      count: 5,
      maxStrain: 0.03,
      seed: 2,
      minDistance: 0.5,
    });
    expect(frames).toHaveLength(5);
    const scaled = start.getScaledPositions();
    for (const frame of frames) {
      const a = 10.52;
      for (let r = 0; r < 3; r++) {
        for (let c = 0; c < 3; c++) {
          const e = (frame.cell[3 * r + c]! - start.cell[3 * r + c]!) / a;
          expect(Math.abs(e)).toBeLessThanOrEqual(0.03 + 1e-12);
        }
      }
      const s = frame.getScaledPositions();
      for (let i = 0; i < s.length; i++) expect(s[i]).toBeCloseTo(scaled[i]!, 12);
    }
    expect(
      sampleStrains(morseCluster(), { count: 5, seed: 2, minDistance: 0.5 }).frames,
    ).toHaveLength(0);
  });
});

describe('sampleStructures', () => {
  const starts = [morseCluster(), fccCrystal('Ar', 5.3, 2, { rattle: 0.05 })];
  const options = (output: string, pool: CalculatorPool): SampleOptions => ({
    starts: [starts[0]!],
    pool,
    output,
    md: { temperatures: [300, 900], steps: 400, timestep: 1, stride: 10 },
    rattle: { count: 4 },
    seed: 11,
  });

  it('runs MD at every temperature with decorrelated frames, plus rattle-and-relax', async () => {
    const output = join(dir, 'sampled.extxyz');
    const result = await sampleStructures(options(output, calculatorPool([morse(), morse()])));
    expect(result.tasks.map((t) => t.kind)).toEqual(['md', 'md', 'rattle']);
    const frames = (await readExtxyz(output)).map((f) => f.atoms);
    expect(frames).toHaveLength(result.frames);
    const md = frames.filter((f) => f.info.sample === 'md');
    // 40 candidates per trajectory, thinned by g ≥ 1: between 1 and 40 kept.
    expect(md.length).toBeGreaterThan(1);
    expect(md.length).toBeLessThanOrEqual(80);
    expect(new Set(md.map((f) => f.info.sample_temperature))).toEqual(new Set([300, 900]));
    expect(frames.filter((f) => f.info.sample === 'rattle')).toHaveLength(4);
    for (const f of frames) expect(shortestDistance(f, 0.5)).toBe(Number.POSITIVE_INFINITY);
  });

  it('resumes an interrupted job and writes the same structures as an uninterrupted one', async () => {
    const whole = join(dir, 'whole.extxyz');
    await sampleStructures(options(whole, calculatorPool([morse()])));

    const resumed = join(dir, 'resumed.extxyz');
    let left = 500; // past the first trajectory (480 steps), inside the second
    const inner = calculatorPool([morse()]);
    const dying: CalculatorPool = {
      ...inner,
      compute(atoms, properties) {
        if (left-- <= 0) return Promise.reject(new PoolUnavailableError('the teacher went away'));
        return inner.compute(atoms, properties);
      },
    };
    await expect(sampleStructures(options(resumed, dying))).rejects.toThrow(/went away/);
    const again = await sampleStructures(options(resumed, calculatorPool([morse()])));
    expect(again.resumedTasks).toBe(1);
    expect(readFileSync(resumed, 'utf8')).toBe(readFileSync(whole, 'utf8'));
  });

  it('adds strained cells for periodic starts', async () => {
    const output = join(dir, 'periodic.extxyz');
    const result = await sampleStructures({
      starts: [starts[1]!],
      pool: calculatorPool([argonTeacher()]),
      output,
      strain: { count: 3 },
      rattle: { count: 2, relaxSteps: 1 },
      seed: 1,
    });
    expect(result.tasks.map((t) => [t.kind, t.frames])).toEqual([
      ['rattle', 2],
      ['strain', 3],
    ]);
  });
});
