import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LennardJones } from '@mlff-distiller/core';
import { describe, expect, it } from 'vitest';
import { writeBenchmarkPlots, writeScalingPlot } from './benchmark-plots.js';
import type { BenchmarkResult } from './benchmark-result.js';
import { compareResults, compareSideBySide, formatComparison } from './compare-results.js';
import {
  collectResults,
  mergeBenchmarkFiles,
  readBenchmarkFile,
  resultFileStem,
  writeBenchmarkFile,
} from './result-io.js';
import { runBenchmark } from './run-benchmark.js';
import { buildSystem } from './systems/index.js';
import { benchmarkSchemaProblems } from './validate-result.js';

const ARGON = { epsilon: 0.0104, sigma: 3.405, rc: 8.5, skin: 0.3 };

/** A well-formed SVG document: root element, namespace, balanced tags. */
function expectValidSvg(path: string): void {
  expect(existsSync(path), path).toBe(true);
  const text = readFileSync(path, 'utf8');
  expect(text).toMatch(/^(<\?xml[^>]*>\s*)?<svg\b[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  expect(text.trimEnd().endsWith('</svg>')).toBe(true);
  const stack: string[] = [];
  const body = text.replace(/<\?xml[^>]*\?>/, '').replace(/<!--[\s\S]*?-->/g, '');
  for (const m of body.matchAll(/<(\/?)([A-Za-z][\w:-]*)[^>]*?(\/?)>/g)) {
    if (m[3]) continue;
    if (m[1]) expect(stack.pop(), `closing </${m[2]}> in ${path}`).toBe(m[2]);
    else stack.push(m[2]!);
  }
  expect(stack).toEqual([]);
  expect(text).not.toMatch(/NaN|undefined|Infinity/);
}

describe('runBenchmark on LJ argon (acceptance 1)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlffd-bench-'));
  const results: BenchmarkResult[] = [];
  const sizes: [number, number][] = [
    [256, 40],
    [2048, 20],
    [16384, 6],
  ];

  it('runs 256, 2048 and 16384 atoms and writes schema-valid JSON and the plots', async () => {
    for (const [n, steps] of sizes) {
      const spec = `lj-fcc:${n}`;
      const progress: string[] = [];
      const r = await runBenchmark({
        calculator: new LennardJones(ARGON),
        calculatorSettings: ARGON,
        system: { name: spec, atoms: buildSystem(spec) },
        steps,
        warmup: 3,
        timestep: 2,
        temperature: 94.4,
        memoryInterval: 1,
        energyInterval: 1,
        runId: 'acceptance-1',
        onProgress: (p) => progress.push(p.phase),
        progressIntervalMs: 0,
      });
      expect(progress).toContain('warmup');
      expect(progress).toContain('timed');
      expect(r.system.natoms).toBe(n);
      expect(r.system.formula).toBe(`Ar${n}`);
      expect(r.series.latencyMs).toHaveLength(steps);
      expect(r.timing.latencyMs.count).toBe(steps);
      const t = r.timing.latencyMs;
      expect(t.min).toBeLessThanOrEqual(t.median);
      expect(t.median).toBeLessThanOrEqual(t.p95);
      expect(t.p95).toBeLessThanOrEqual(t.p99);
      expect(t.p99).toBeLessThanOrEqual(t.max);
      expect(r.timing.usPerAtomStep).toBeCloseTo((1000 * t.mean) / n, 6);
      expect(r.timing.stepsPerSecond).toBeCloseTo(1000 / t.mean, 3);
      // One calculator call per MD step; the calculator takes most of an LJ step.
      expect(r.timing.calculatorCalls).toBe(steps);
      expect(r.timing.calculatorShare).toBeGreaterThan(0.3);
      expect(r.timing.calculatorShare).toBeLessThanOrEqual(1);
      expect(r.memory.samples).toHaveLength(steps + 1);
      expect(r.energy.quantity).toBe('total');
      expect(Math.abs(r.energy.drift!.driftMeVPerAtomPerPs)).toBeLessThan(1);
      expect(r.software.libraries['@mlff-distiller/core']).toMatch(/^\d+\.\d+\.\d+/);
      expect(r.machine.cpuCores).toBeGreaterThan(0);

      const stem = resultFileStem(r);
      const file = join(dir, `${stem}.json`);
      await writeBenchmarkFile(file, r);
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      expect(benchmarkSchemaProblems(parsed)).toEqual([]);
      const [back] = await readBenchmarkFile(file);
      expect(back!.timing.usPerAtomStep).toBe(r.timing.usPerAtomStep);
      const plots = await writeBenchmarkPlots(r, dir, stem);
      expect(plots.map((p) => p.split('.').slice(-2, -1)[0])).toEqual([
        'latency-histogram',
        'latency',
        'memory',
        'energy',
      ]);
      for (const p of plots) expectValidSvg(p);
      results.push(r);
    }
    expect(await writeScalingPlot(results, join(dir, 'scaling.svg'))).toBe(true);
    expectValidSvg(join(dir, 'scaling.svg'));
    const collection = join(dir, 'results.json');
    await writeBenchmarkFile(collection, collectResults(results, 'acceptance 1'));
    expect(benchmarkSchemaProblems(JSON.parse(readFileSync(collection, 'utf8')))).toEqual([]);
    console.log(
      results
        .map((r) => `LJ ${r.system.natoms}: ${r.timing.usPerAtomStep.toFixed(3)} µs/atom-step`)
        .join('; '),
    );
  });

  it('merges files and compares results with ratios', async () => {
    const files = results.map((r) => join(dir, `${resultFileStem(r)}.json`));
    const merged = await mergeBenchmarkFiles(files);
    expect(merged.results.map((r) => r.system.natoms)).toEqual([256, 2048, 16384]);
    const c = compareResults(merged.results, results);
    expect(c.rows).toHaveLength(3);
    for (const row of c.rows) {
      expect(row.sameRun).toBe(true);
      for (const f of row.figures.filter((f) => f.name !== '|drift| meV/atom/ps'))
        expect(f.ratio).toBe(1);
    }
    expect(formatComparison(c)).toMatch(/µs\/atom-step\s+\S+\s+\S+\s+1\.000x/);
    expect(compareSideBySide(results).rows).toHaveLength(0);
  });

  it('rejects a result that breaks the schema, naming the field', async () => {
    const broken = JSON.parse(JSON.stringify(results[0])) as Record<string, unknown>;
    (broken.timing as Record<string, unknown>).usPerAtomStep = 'fast';
    delete broken.machine;
    const problems = benchmarkSchemaProblems(broken);
    expect(problems.join('\n')).toMatch(/usPerAtomStep/);
    expect(problems.join('\n')).toMatch(/machine/);
  });

  it('runs NVT and NPT and reports the conserved-energy drift', async () => {
    for (const protocol of ['nvt', 'npt'] as const) {
      const r = await runBenchmark({
        calculator: new LennardJones(ARGON),
        system: { name: 'lj-fcc:256', atoms: buildSystem('lj-fcc:256') },
        protocol,
        steps: 30,
        warmup: 2,
        timestep: 2,
        temperature: 94.4,
        pressure: 0.01,
        energyInterval: 1,
      });
      expect(benchmarkSchemaProblems(JSON.parse(JSON.stringify(r)))).toEqual([]);
      expect(r.protocol.ensemble).toBe(protocol);
      if (r.energy.quantity === 'conserved')
        expect(Number.isFinite(r.energy.drift!.driftMeVPerAtomPerPs)).toBe(true);
      else expect(r.notes.join(' ')).toMatch(/conserved energy/);
    }
  });
});
