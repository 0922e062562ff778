import { LennardJones } from '@mlff-distiller/core';
import { describe, expect, it } from 'vitest';
import { AlteredCalculator } from './__fixtures__/offset-calculator.js';
import { detectLeaks } from './leak-detector.js';
import type { MemorySample } from './memory-sample.js';
import { runBenchmark } from './run-benchmark.js';
import { buildSystem } from './systems/index.js';

const ARGON = { epsilon: 0.0104, sigma: 3.405, rc: 8.5, skin: 0.3 };
const MiB = 2 ** 20;

function samples(bytes: (k: number) => number, n: number, every = 5): MemorySample[] {
  return Array.from({ length: n }, (_, i) => {
    const js = bytes(i * every);
    return {
      step: i * every,
      rss: 200 * MiB,
      heapUsed: js,
      heapTotal: js + 10 * MiB,
      external: 0,
      arrayBuffers: 0,
      arena: null,
    };
  });
}

describe('detectLeaks on synthetic memory', () => {
  it('flags a steady growth and reports its slope in bytes/step', () => {
    const r = detectLeaks(
      samples((k) => 50 * MiB + 100_000 * k + (k % 7) * 1000, 61),
      300,
      true,
    );
    const js = r.trends.find((t) => t.metric === 'jsLive')!;
    expect(js.bytesPerStep).toBeCloseTo(100_000, -3);
    expect(js.leak).toBe(true);
    expect(r.leak).toBe(true);
  });

  it('does not flag a GC sawtooth (floor flat) without forced GC', () => {
    // Garbage piles up 2 MiB per 5 steps, collected every 40 steps.
    const r = detectLeaks(
      samples((k) => 50 * MiB + (k % 40) * 0.4 * MiB, 120),
      600,
      false,
    );
    expect(r.method).toBe('window-minima');
    expect(r.leak).toBe(false);
  });

  it('does not flag memory that grows once and levels off (a cache)', () => {
    const r = detectLeaks(
      samples((k) => 50 * MiB + (k > 100 ? 20 * MiB : 0), 61),
      300,
      true,
    );
    expect(r.trends.find((t) => t.metric === 'jsLive')!.leak).toBe(false);
  });

  it('does not flag a significant but tiny trend', () => {
    const r = detectLeaks(
      samples((k) => 50 * MiB + 100 * k, 61),
      300,
      true,
    );
    const js = r.trends.find((t) => t.metric === 'jsLive')!;
    expect(js.tStatistic).toBe(Number.POSITIVE_INFINITY);
    expect(js.leak).toBe(false);
  });
});

describe('leak detection in a benchmark (acceptance 2)', () => {
  // 256 kB retained per step: ~75 MB over the run, far above the 4 MiB threshold, while the
  // same run without the leak stays flat.
  const leakDoubles = 32_768;
  const steps = 300;

  for (const forceGc of ['auto', false] as const) {
    it(`flags a calculator that retains an array each step, and not the same run without (forceGc ${forceGc})`, async () => {
      const slopes: Record<string, number> = {};
      for (const leaking of [true, false]) {
        const calc = new AlteredCalculator(new LennardJones(ARGON), {
          retainDoubles: leaking ? leakDoubles : 0,
        });
        const r = await runBenchmark({
          calculator: calc,
          system: { name: 'lj-fcc:256', atoms: buildSystem('lj-fcc:256') },
          steps,
          warmup: 20,
          timestep: 2,
          temperature: 94.4,
          memoryInterval: 5,
          forceGc,
        });
        const js = r.memory.trends.find((t) => t.metric === 'jsLive')!;
        slopes[leaking ? 'leaking' : 'clean'] = js.bytesPerStep;
        expect(r.memory.gcForced).toBe(forceGc === 'auto');
        console.log(
          `forceGc ${forceGc}, ${leaking ? 'leaking' : 'clean'}: ${r.memory.garbageCollections} collections, ${r.memory.majorGarbageCollections} full; jsLive ${js.bytesPerStep.toFixed(0)} ± ${js.standardError?.toFixed(0)} B/step, growth ${(js.growthOverRunBytes / MiB).toFixed(1)} MiB, leak ${js.leak}${js.inconclusive ? ' (inconclusive)' : ''}`,
        );
        if (leaking) {
          expect(r.memory.leak, JSON.stringify(r.memory.trends)).toBe(true);
          expect(js.leak).toBe(true);
          // 8 bytes per double, plus V8's small per-array overhead.
          expect(js.bytesPerStep).toBeGreaterThan(0.8 * 8 * leakDoubles);
          expect(js.bytesPerStep).toBeLessThan(1.3 * 8 * leakDoubles);
          expect(calc.retained.length).toBeGreaterThanOrEqual(steps);
        } else {
          expect(r.memory.leak, JSON.stringify(r.memory.trends)).toBe(false);
        }
      }
      console.log(
        `forceGc ${forceGc}: jsLive slope leaking ${slopes.leaking!.toFixed(0)} B/step, clean ${slopes.clean!.toFixed(0)} B/step`,
      );
    });
  }
});
