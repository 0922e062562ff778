import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fccCrystal, LennardJones } from '@mlff-distiller/core';
import { maxwellBoltzmann, ThermoLogger } from '@mlff-distiller/md';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ChromeTrace, TraceEvent } from './chrome-trace.js';
import type { CpuProfile } from './cpu-profile.js';
import type { HotspotReport } from './hotspot-report.js';
import { type ProfileMdResult, profileMd } from './profile-md.js';

// Acceptance 4 of issue 3: a profile of 1000 MD steps (LJ fcc argon, 256 atoms).
const STEPS = 1000;
const EXPECTED_PARENT: Record<string, string | null> = {
  'md.step': null,
  'md.observers': null,
  'md.forces': 'md.step',
  'calculator.neighbors': 'md.forces',
  'calculator.compute': 'md.forces',
  'io.write': 'md.observers',
  'profiler.cpu': 'md.observers',
  'profiler.memory': null,
};

describe('profileMd: 1000 steps of LJ argon', () => {
  let dir: string;
  let result: ProfileMdResult;
  const progress: number[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mlffd-profile-'));
    const atoms = fccCrystal('Ar', 5.26, 4, { rattle: 0.01, seed: 3 });
    maxwellBoltzmann(atoms, 60, { seed: 11 });
    const lines: string[] = [];
    result = await profileMd({
      calculator: new LennardJones({ epsilon: 0.0104, sigma: 3.405, rc: 8.5, skin: 0.3 }),
      atoms,
      ensemble: 'nve',
      timestep: 2,
      steps: STEPS,
      warmup: 50,
      cpuProfileWindow: [100, 900],
      observers: [{ observer: new ThermoLogger((line) => lines.push(line)), interval: 50 }],
      outDir: dir,
      label: 'LJ Ar 256',
      onProgress: (done, _total, phase) => {
        if (phase === 'profile') progress.push(done);
      },
    });
  });

  it('writes every file and reports progress', () => {
    for (const f of [
      'trace.json',
      'profile.cpuprofile',
      'hotspots.txt',
      'hotspots.json',
      'memory.csv',
    ])
      expect(existsSync(join(dir, f)), f).toBe(true);
    expect(result.steps).toBe(STEPS);
    expect(progress.at(-1)).toBe(STEPS);
    expect(progress.length).toBeGreaterThanOrEqual(10);
  });

  it('writes a valid Chrome trace with the expected, consistently nested phases', () => {
    const trace = JSON.parse(readFileSync(join(dir, 'trace.json'), 'utf8')) as ChromeTrace;
    expect(trace.displayTimeUnit).toBe('ms');
    expect(Array.isArray(trace.traceEvents)).toBe(true);
    for (const e of trace.traceEvents) {
      expect(typeof e.name).toBe('string');
      expect(['X', 'C', 'M']).toContain(e.ph);
      expect(Number.isFinite(e.ts)).toBe(true);
      expect(Number.isInteger(e.pid)).toBe(true);
      expect(Number.isInteger(e.tid)).toBe(true);
      if (e.ph === 'X') expect(e.dur).toBeGreaterThanOrEqual(0);
      if (e.ph === 'C')
        for (const v of Object.values(e.args!)) expect(Number.isFinite(v)).toBe(true);
    }
    const meta = trace.traceEvents.filter((e) => e.ph === 'M').map((e) => e.name);
    expect(meta).toEqual(expect.arrayContaining(['process_name', 'thread_name']));
    const counters = trace.traceEvents.filter((e) => e.ph === 'C');
    expect(counters.length).toBeGreaterThan(2);
    const complete = trace.traceEvents.filter((e) => e.ph === 'X');
    const names = new Set(complete.map((e) => e.name));
    for (const n of [
      'md.step',
      'md.forces',
      'calculator.neighbors',
      'calculator.compute',
      'md.observers',
      'io.write',
    ])
      expect(names.has(n), n).toBe(true);
    expect(complete.filter((e) => e.name === 'md.step')).toHaveLength(STEPS);
    // Nesting: events in start order; each lies inside the enclosing open one, with the expected parent.
    const eps = 1e-3; // µs
    const stack: TraceEvent[] = [];
    let lastTs = Number.NEGATIVE_INFINITY;
    for (const e of complete) {
      expect(e.ts).toBeGreaterThanOrEqual(lastTs);
      lastTs = e.ts;
      while (
        stack.length > 0 &&
        stack.at(-1)!.ts + stack.at(-1)!.dur! <= e.ts + eps &&
        !(stack.at(-1)!.ts + stack.at(-1)!.dur! > e.ts + e.dur! - eps && e.dur! < eps)
      )
        stack.pop();
      const parent = stack.at(-1) ?? null;
      if (parent) expect(e.ts + e.dur!).toBeLessThanOrEqual(parent.ts + parent.dur! + eps);
      expect(parent?.name ?? null, `parent of ${e.name}`).toBe(EXPECTED_PARENT[e.name]);
      stack.push(e);
    }
  });

  it('writes a .cpuprofile in the format Chrome DevTools loads', () => {
    const p = JSON.parse(readFileSync(join(dir, 'profile.cpuprofile'), 'utf8')) as CpuProfile;
    expect(Array.isArray(p.nodes)).toBe(true);
    expect(p.nodes.length).toBeGreaterThan(3);
    const ids = new Set<number>();
    for (const n of p.nodes) {
      expect(Number.isInteger(n.id)).toBe(true);
      ids.add(n.id);
      expect(typeof n.callFrame.functionName).toBe('string');
      expect(typeof n.callFrame.url).toBe('string');
      expect(Number.isInteger(n.callFrame.lineNumber)).toBe(true);
      expect(Number.isInteger(n.callFrame.columnNumber)).toBe(true);
      expect(Array.isArray(n.children ?? [])).toBe(true);
    }
    for (const n of p.nodes) for (const c of n.children ?? []) expect(ids.has(c)).toBe(true);
    expect(p.nodes[0]!.callFrame.functionName).toBe('(root)');
    expect(p.samples.length).toBeGreaterThan(10);
    expect(p.timeDeltas.length).toBe(p.samples.length);
    for (const s of p.samples) expect(ids.has(s)).toBe(true);
    expect(p.startTime).toBeLessThan(p.endTime);
    // The force kernel shows up among the functions.
    const report = result.report;
    expect(report.functions.length).toBeGreaterThan(0);
    expect(report.cpuProfile!.steps).toBe(800);
  });

  it("lists the phases, whose self times sum to the run loop's wall time within 10 %", () => {
    const report = JSON.parse(readFileSync(join(dir, 'hotspots.json'), 'utf8')) as HotspotReport;
    expect(report.steps).toBe(STEPS);
    const selfSum = report.phases.reduce((s, p) => s + p.selfMs, 0);
    expect(selfSum).toBeCloseTo(report.loopMs, 6);
    expect(report.wallMs).toBe(result.wallMs);
    const relative = Math.abs(selfSum - result.wallMs) / result.wallMs;
    console.log(
      `phases ${selfSum.toFixed(1)} ms vs wall ${result.wallMs.toFixed(1)} ms: ${(100 * relative).toFixed(2)} % apart`,
    );
    expect(relative).toBeLessThan(0.1);
    const percent = report.phases.reduce((s, p) => s + p.percentOfLoop, 0);
    expect(percent).toBeCloseTo(100, 6);
    const text = readFileSync(join(dir, 'hotspots.txt'), 'utf8');
    for (const n of [
      'md.step',
      'md.forces',
      'calculator.compute',
      'calculator.neighbors',
      'md.observers',
      'io.write',
    ])
      expect(text).toContain(n);
    expect(text).toContain('Top functions by self time');
    expect(report.anomalies).toEqual({ unwoundSpans: 0, strayEnds: 0, droppedSpans: 0 });
    console.log(result.text);
  });
});
