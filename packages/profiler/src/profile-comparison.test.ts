import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CpuProfile } from './cpu-profile.js';
import { functionHotspots } from './function-hotspots.js';
import { formatHotspotReport, type HotspotReport, hotspotReport } from './hotspot-report.js';
import { PhaseProfiler } from './phase-profiler.js';
import {
  compareHotspots,
  formatComparison,
  HotspotReportFormatError,
  readHotspotReport,
} from './profile-comparison.js';

/** A report of `steps` fake steps where compute takes `computeMs` and the integrator 1 ms. */
function fakeReport(steps: number, computeMs: number, cpu?: CpuProfile): HotspotReport {
  const p = new PhaseProfiler({ memoryEvery: 0 });
  let t = 0;
  for (let s = 0; s < steps; s++) {
    p.begin('md.step', t);
    p.begin('calculator.compute', t + 1);
    p.end('calculator.compute', t + 1 + computeMs);
    p.end('md.step', t + 1 + computeMs);
    t += 1 + computeMs;
  }
  return hotspotReport({
    summary: p.summary(),
    cpuProfile: cpu,
    cpuProfileSteps: steps,
    wallMs: t * 1.01,
    label: `compute ${computeMs} ms`,
  });
}

/** A three-node profile: root → main → kernel, with samples 1 ms apart. */
function fakeCpuProfile(kernelSamples: number, mainSamples: number): CpuProfile {
  const frame = (functionName: string, line: number) => ({
    functionName,
    scriptId: '1',
    url: 'file:///x/lj.ts',
    lineNumber: line,
    columnNumber: 0,
  });
  const samples = [...Array(kernelSamples).fill(3), ...Array(mainSamples).fill(2)];
  return {
    nodes: [
      { id: 1, callFrame: { ...frame('(root)', -1), url: '' }, children: [2] },
      { id: 2, callFrame: frame('main', 9), children: [3] },
      { id: 3, callFrame: frame('forceKernel', 41), children: [] },
    ],
    startTime: 0,
    endTime: 1000 * (samples.length + 1),
    samples,
    timeDeltas: samples.map(() => 1000),
  };
}

describe('function hotspots', () => {
  it('attributes the gap to the next sample to each sample, merged per function', () => {
    const { functions, sampledMs } = functionHotspots(fakeCpuProfile(30, 10));
    expect(sampledMs).toBeCloseTo(40, 9);
    expect(functions[0]).toMatchObject({ functionName: 'forceKernel', line: 42, samples: 30 });
    expect(functions[0]!.selfMs).toBeCloseTo(30, 9);
    expect(functions[0]!.percent).toBeCloseTo(75, 9);
    expect(functions[1]!.functionName).toBe('main');
  });
});

describe('compareHotspots', () => {
  it('gives per-step ratios and deltas of phases and functions', () => {
    const before = fakeReport(100, 4, fakeCpuProfile(40, 10));
    const after = fakeReport(50, 2, fakeCpuProfile(10, 5));
    const c = compareHotspots(before, after);
    expect(c.before.loopUsPerStep).toBeCloseTo(5000, 6);
    expect(c.after.loopUsPerStep).toBeCloseTo(3000, 6);
    expect(c.loopRatio).toBeCloseTo(0.6, 9);
    const compute = c.phases.find((p) => p.name === 'calculator.compute')!;
    expect(compute.beforeUsPerStep).toBeCloseTo(4000, 6);
    expect(compute.afterUsPerStep).toBeCloseTo(2000, 6);
    expect(compute.ratio).toBeCloseTo(0.5, 9);
    expect(compute.deltaUsPerStep).toBeCloseTo(-2000, 6);
    expect(c.phases[0]!.name).toBe('calculator.compute'); // largest change first
    const step = c.phases.find((p) => p.name === 'md.step')!;
    expect(step.ratio).toBeCloseTo(1, 9);
    const kernel = c.functions.find((f) => f.functionName === 'forceKernel')!;
    expect(kernel.beforeUsPerStep).toBeCloseTo(400, 6); // 40 ms / 100 steps
    expect(kernel.afterUsPerStep).toBeCloseTo(200, 6); // 10 ms / 50 steps
    expect(kernel.ratio).toBeCloseTo(0.5, 9);
    const text = formatComparison(c);
    expect(text).toContain('calculator.compute');
    expect(text).toContain('0.600×');
    expect(text).toContain('forceKernel');
  });

  it('handles phases present on one side only', () => {
    const before = fakeReport(10, 1);
    const after = structuredClone(before);
    after.phases.push({ ...after.phases[0]!, name: 'calculator.neighbors', selfMs: 5 });
    const c = compareHotspots(before, after);
    const added = c.phases.find((p) => p.name === 'calculator.neighbors')!;
    expect(added.beforeUsPerStep).toBe(0);
    expect(added.ratio).toBe(Number.POSITIVE_INFINITY);
    expect(formatComparison(c)).toContain('new');
  });

  it('reads reports back and rejects other JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlffd-cmp-'));
    const report = fakeReport(10, 2, fakeCpuProfile(3, 1));
    writeFileSync(join(dir, 'a.json'), JSON.stringify(report));
    writeFileSync(join(dir, 'b.json'), JSON.stringify({ traceEvents: [] }));
    writeFileSync(join(dir, 'c.json'), '{');
    expect(readHotspotReport(join(dir, 'a.json'))).toEqual(report);
    expect(() => readHotspotReport(join(dir, 'b.json'))).toThrow(HotspotReportFormatError);
    expect(() => readHotspotReport(join(dir, 'c.json'))).toThrow(/invalid JSON/);
    const text = formatHotspotReport(report);
    expect(text).toContain('calculator.compute');
    expect(text).toContain('forceKernel');
    expect(text).toContain('wall (run loop)');
  });
});
