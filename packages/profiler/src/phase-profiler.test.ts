import { getTracer, setTracer, traceBegin, traceEnd } from '@mlff-distiller/core';
import { afterEach, describe, expect, it } from 'vitest';
import { chromeTrace } from './chrome-trace.js';
import { PhaseProfiler, SpanFlags } from './phase-profiler.js';

const fakeMemory = () => ({ rss: 100, heapTotal: 50, heapUsed: 40, external: 5, arrayBuffers: 2 });

/** One MD-like step on a fake clock (ms): step 0–10 ⊃ forces 2–9 ⊃ neighbors 2–3, compute 3–8; observers 10–12 ⊃ io 10.5–11.5. */
function fakeStep(p: PhaseProfiler, t: number): void {
  p.begin('md.step', t);
  p.begin('md.forces', t + 2);
  p.begin('calculator.neighbors', t + 2);
  p.end('calculator.neighbors', t + 3);
  p.begin('calculator.compute', t + 3);
  p.end('calculator.compute', t + 8);
  p.end('md.forces', t + 9);
  p.end('md.step', t + 10);
  p.begin('md.observers', t + 10);
  p.begin('io.write', t + 10.5);
  p.end('io.write', t + 11.5);
  p.end('md.observers', t + 12);
}

describe('PhaseProfiler', () => {
  afterEach(() => setTracer(null));

  it('computes total and self time of nested phases on a fake clock', () => {
    const p = new PhaseProfiler({ memoryEvery: 0 });
    for (let s = 0; s < 4; s++) fakeStep(p, 100 + 20 * s);
    const sum = p.summary();
    const by = Object.fromEntries(sum.phases.map((x) => [x.name, x]));
    expect(sum.steps).toBe(4);
    expect(sum.loopMs).toBeCloseTo(4 * 12, 12);
    expect(by['md.step']!.totalMs).toBeCloseTo(40, 12);
    expect(by['md.step']!.selfMs).toBeCloseTo(4 * 3, 12); // 10 − 7 of forces
    expect(by['md.forces']!.selfMs).toBeCloseTo(4 * 1, 12); // 7 − 1 − 5
    expect(by['calculator.compute']!.selfMs).toBeCloseTo(20, 12);
    expect(by['calculator.neighbors']!.selfMs).toBeCloseTo(4, 12);
    expect(by['md.observers']!.selfMs).toBeCloseTo(4, 12);
    expect(by['io.write']!.selfMs).toBeCloseTo(4, 12);
    expect(by['calculator.compute']!.parent).toBe('md.forces');
    expect(by['md.observers']!.parent).toBeNull();
    expect(by['calculator.compute']!.depth).toBe(2);
    expect(by['calculator.compute']!.count).toBe(4);
    expect(by['calculator.compute']!.meanUs).toBeCloseTo(5000, 9);
    expect(by['calculator.compute']!.share).toBeCloseTo(20 / 48, 12);
    const selfSum = sum.phases.reduce((s, x) => s + x.selfMs, 0);
    expect(selfSum).toBeCloseTo(sum.loopMs, 12);
    expect(sum.phases[0]!.name).toBe('calculator.compute'); // largest self first
  });

  it('gives exact percentiles from the spans', () => {
    const p = new PhaseProfiler({ memoryEvery: 0 });
    let t = 0;
    for (let i = 1; i <= 100; i++) {
      p.begin('work', t);
      t += i / 1000; // 1 µs … 100 µs
      p.end('work', t);
    }
    const w = p.summary().phases[0]!;
    expect(w.count).toBe(100);
    expect(w.minUs).toBeCloseTo(1, 9);
    expect(w.maxUs).toBeCloseTo(100, 9);
    expect(w.medianUs).toBeCloseTo(50.5, 6);
    expect(w.p95Us).toBeCloseTo(95.05, 6);
    expect(w.p99Us).toBeCloseTo(99.01, 6);
    expect(w.exactPercentiles).toBe(true);
    expect(w.histogram.reduce((s, b) => s + b.count, 0)).toBe(100);
  });

  it('falls back to histogram percentiles when spans beyond maxSpans are dropped', () => {
    const p = new PhaseProfiler({ memoryEvery: 0, maxSpans: 10 });
    let t = 0;
    for (let i = 1; i <= 1000; i++) {
      p.begin('work', t);
      t += i / 1000;
      p.end('work', t);
    }
    const s = p.summary();
    expect(s.droppedSpans).toBe(990);
    expect(p.spanTable().count).toBe(10);
    const w = s.phases[0]!;
    expect(w.count).toBe(1000);
    expect(w.exactPercentiles).toBe(false);
    expect(w.medianUs / 500.5).toBeGreaterThan(0.94);
    expect(w.medianUs / 500.5).toBeLessThan(1.06);
    expect(w.totalMs).toBeCloseTo(t, 9);
  });

  it('unwinds inner phases when an outer one ends first, and ignores stray ends', () => {
    const p = new PhaseProfiler({ memoryEvery: 0 });
    p.begin('md.step', 0);
    p.begin('md.forces', 1);
    p.begin('calculator.compute', 2);
    // An exception skipped the ends of compute and forces.
    p.end('md.step', 5);
    p.end('calculator.compute', 6); // stray
    p.end('never.opened', 7); // stray
    expect(p.openDepth).toBe(0);
    const s = p.summary();
    expect(s.unwoundSpans).toBe(2);
    expect(s.strayEnds).toBe(2);
    expect(s.steps).toBe(1);
    const by = Object.fromEntries(s.phases.map((x) => [x.name, x]));
    expect(by['calculator.compute']!.totalMs).toBe(3);
    expect(by['md.forces']!.selfMs).toBe(1);
    expect(by['md.step']!.selfMs).toBe(1);
    expect(s.loopMs).toBe(5);
    const spans = p.spanTable();
    const flagsOf = (name: string) =>
      spans.flags[[...spans.nameId].findIndex((k) => spans.names[k] === name)];
    expect(flagsOf('calculator.compute')).toBe(SpanFlags.unwound);
    expect(flagsOf('md.step')).toBe(0);
    // The trace marks them too.
    const events = chromeTrace(p, { pid: 1 }).traceEvents.filter((e) => e.ph === 'X');
    expect(events.find((e) => e.name === 'md.forces')!.args!.unwound).toBe(true);
  });

  it('closes open phases at finish and restores the previous tracer', () => {
    const other = { begin() {}, end() {} };
    setTracer(other);
    const p = new PhaseProfiler({ memoryEvery: 0 }).install();
    expect(getTracer()).toBe(p);
    traceBegin('md.step');
    traceBegin('md.forces');
    p.finish();
    expect(getTracer()).toBe(other);
    expect(p.openDepth).toBe(0);
    const spans = p.spanTable();
    expect(spans.count).toBe(2);
    expect([...spans.flags]).toEqual([SpanFlags.unfinished, SpanFlags.unfinished]);
    traceEnd('md.forces'); // goes to `other`, not recorded
    expect(p.spanTable().count).toBe(2);
  });

  it('samples memory every k steps', () => {
    let clock = 0;
    const p = new PhaseProfiler({ memoryEvery: 3, memoryUsage: fakeMemory, now: () => clock });
    p.install(0);
    for (let s = 0; s < 10; s++) {
      clock = 20 * s + 10.25; // sampling at the end of the step takes 0.25 ms
      fakeStep(p, 20 * s);
    }
    p.finish(1000);
    const mem = p.summary().phases.find((x) => x.name === 'profiler.memory')!;
    expect(mem.count).toBe(3);
    expect(mem.totalMs).toBeCloseTo(0.75, 12);
    expect(mem.depth).toBe(0);
    // install, steps 3, 6, 9, finish
    expect(p.memory.samples().map((m) => m.step)).toEqual([0, 3, 6, 9, 10]);
    expect(p.memory.at(1).rss).toBe(100);
    expect(p.memory.toCsv().split('\n')[0]).toContain('rss_mib');
  });

  it('grows its buffers without losing spans', () => {
    const p = new PhaseProfiler({ memoryEvery: 0 });
    for (let s = 0; s < 1000; s++) fakeStep(p, 20 * s);
    expect(p.spanTable().count).toBe(6000);
    expect(p.summary().steps).toBe(1000);
    // deep nesting grows the stack
    for (let d = 0; d < 200; d++) p.begin(`deep.${d}`, 1e6 + d);
    for (let d = 199; d >= 0; d--) p.end(`deep.${d}`, 2e6 - d);
    expect(p.openDepth).toBe(0);
    expect(p.summary().unwoundSpans).toBe(0);
  });
});
