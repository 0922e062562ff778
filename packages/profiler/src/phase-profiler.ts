import { setTracer, type Tracer } from '@mlff-distiller/core';
import { grow } from './growable.js';
import { LatencyHistogram, sortedQuantile } from './latency-histogram.js';
import { MemoryTimeline, type MemoryUsageSource } from './memory-timeline.js';
import type { PhaseStats, PhaseSummary } from './phase-summary.js';

/** Options of {@link PhaseProfiler}. */
export interface PhaseProfilerOptions {
  /** Take a memory sample at the end of every `memoryEvery`-th step (default 100; 0 for none). */
  memoryEvery?: number;
  /** The phase whose ends count steps (default `md.step`). */
  stepPhase?: string;
  /**
   * Spans kept for the trace (default 2²², ~150 MB). Later spans still count in every figure
   * (histograms give their percentiles) but are not exported.
   */
  maxSpans?: number;
  /** Where memory figures come from (default `process.memoryUsage`). */
  memoryUsage?: MemoryUsageSource;
  /** Clock in ms for the profiler's own work (default `performance.now`; tests pass a fake). */
  now?: () => number;
}

/** The phase under which the profiler records its own memory sampling (a top-level phase). */
export const MEMORY_PHASE = 'profiler.memory';

/** Bits of {@link SpanTable.flags}. */
export const SpanFlags = {
  /** Closed because an enclosing phase ended first (an exception unwound through it). */
  unwound: 1,
  /** Still open when {@link PhaseProfiler.finish} was called; closed there. */
  unfinished: 2,
} as const;

/**
 * The recorded spans, column-wise (views into the profiler's buffers: valid until the next
 * record). Span `i` is phase `names[nameId[i]]`, from `start[i]` to `end[i]` (ms,
 * `performance.now()` clock), at nesting depth `depth[i]`, with `self[i]` ms outside its
 * children. Spans are stored in the order they close (children before parents).
 */
export interface SpanTable {
  count: number;
  names: readonly string[];
  nameId: Int32Array;
  depth: Int32Array;
  start: Float64Array;
  end: Float64Array;
  self: Float64Array;
  flags: Uint8Array;
}

/**
 * A {@link Tracer} that records nested phases (`md.step` ⊃ `md.forces` ⊃
 * `calculator.compute`, ...) into preallocated typed arrays that grow by doubling: recording
 * a span allocates no object. From them it gives per-phase total and self time, calls,
 * latency percentiles and histograms, each phase's share of the loop, and a memory
 * timeline sampled every N steps.
 *
 * Ends must close the innermost open phase. When an end names an outer phase instead (an
 * exception skipped the inner ends), the inner phases are closed at that time and flagged
 * {@link SpanFlags.unwound}; an end whose phase is not open is counted and ignored.
 *
 * @example
 * const profiler = new PhaseProfiler();
 * profiler.install();
 * await md.run(1000);
 * profiler.finish();
 * console.log(profiler.summary().phases);
 */
export class PhaseProfiler implements Tracer {
  /** Memory samples (see {@link PhaseProfilerOptions.memoryEvery}). */
  readonly memory: MemoryTimeline;
  /** `performance.now()` (ms) of the first mark or of {@link install}; NaN before. */
  originMs = Number.NaN;

  private readonly memoryEvery: number;
  private readonly stepPhase: string;
  private readonly maxSpans: number;
  private readonly now: () => number;

  private readonly names: string[] = [];
  private readonly ids = new Map<string, number>();
  // Per-phase aggregates, indexed by name id.
  private aggCount = new Float64Array(16);
  private aggTotal = new Float64Array(16);
  private aggSelf = new Float64Array(16);
  private aggDepth = new Int32Array(16);
  private aggParent = new Int32Array(16);
  private readonly histograms: LatencyHistogram[] = [];
  private readonly droppedPerName: number[] = [];

  // Open phases.
  private depthNow = 0;
  private stackName = new Int32Array(64);
  private stackStart = new Float64Array(64);
  private stackChild = new Float64Array(64);

  // Closed spans.
  private n = 0;
  private spanName = new Int32Array(1024);
  private spanDepth = new Int32Array(1024);
  private spanStart = new Float64Array(1024);
  private spanEnd = new Float64Array(1024);
  private spanSelf = new Float64Array(1024);
  private spanFlags = new Uint8Array(1024);

  private stepId: number;
  private stepCount = 0;
  private loopTotal = 0;
  private unwound = 0;
  private stray = 0;
  private dropped = 0;
  private previous: Tracer | null = null;
  private installed = false;

  constructor(options: PhaseProfilerOptions = {}) {
    this.memoryEvery = options.memoryEvery ?? 100;
    this.stepPhase = options.stepPhase ?? 'md.step';
    this.maxSpans = options.maxSpans ?? 1 << 22;
    this.memory = new MemoryTimeline(options.memoryUsage);
    this.now = options.now ?? (() => performance.now());
    this.stepId = this.intern(this.stepPhase);
  }

  /** Steps seen so far (ends of the step phase). */
  get steps(): number {
    return this.stepCount;
  }

  /** Number of phases open now. */
  get openDepth(): number {
    return this.depthNow;
  }

  /** Installs this profiler as core's tracer (remembering the previous one) and samples memory. */
  install(now = performance.now()): this {
    if (this.installed) return this;
    if (Number.isNaN(this.originMs)) this.originMs = now;
    this.previous = setTracer(this);
    this.installed = true;
    if (this.memoryEvery > 0) this.memory.sample(now, this.stepCount);
    return this;
  }

  /** Puts back the tracer that was installed before {@link install}. */
  uninstall(): void {
    if (!this.installed) return;
    setTracer(this.previous);
    this.previous = null;
    this.installed = false;
  }

  /**
   * Ends profiling: closes phases still open at `now` (flagged
   * {@link SpanFlags.unfinished}), uninstalls, and takes a last memory sample.
   */
  finish(now = performance.now()): void {
    while (this.depthNow > 0) this.close(now, SpanFlags.unfinished);
    this.uninstall();
    if (this.memoryEvery > 0) this.memory.sample(now, this.stepCount);
  }

  /** {@inheritDoc Tracer.begin} */
  begin(name: string, time: number): void {
    if (Number.isNaN(this.originMs)) this.originMs = time;
    let id = this.ids.get(name);
    if (id === undefined) id = this.intern(name);
    const d = this.depthNow;
    if (d >= this.stackName.length) {
      this.stackName = grow(Int32Array, this.stackName, d + 1);
      this.stackStart = grow(Float64Array, this.stackStart, d + 1);
      this.stackChild = grow(Float64Array, this.stackChild, d + 1);
    }
    this.stackName[d] = id;
    this.stackStart[d] = time;
    this.stackChild[d] = 0;
    this.depthNow = d + 1;
  }

  /** {@inheritDoc Tracer.end} */
  end(name: string, time: number): void {
    const id = this.ids.get(name);
    let d = this.depthNow - 1;
    if (id !== undefined) while (d >= 0 && this.stackName[d] !== id) d--;
    if (d < 0) {
      this.stray++;
      return;
    }
    // Phases opened inside this one and never ended: an exception went through them.
    while (this.depthNow - 1 > d) {
      this.close(time, SpanFlags.unwound);
      this.unwound++;
    }
    this.close(time, 0);
    if (id === this.stepId) {
      this.stepCount++;
      if (this.memoryEvery > 0 && this.stepCount % this.memoryEvery === 0) this.sampleMemory(time);
    }
  }

  /**
   * Takes a memory sample, recorded as the phase {@link MEMORY_PHASE} (nested in whatever is
   * open) so that the profiler's own cost shows in the report instead of going missing.
   */
  private sampleMemory(time: number): void {
    this.begin(MEMORY_PHASE, time);
    this.memory.sample(time, this.stepCount);
    this.end(MEMORY_PHASE, this.now());
  }

  /** The recorded spans (views, no copy). */
  spanTable(): SpanTable {
    const n = this.n;
    return {
      count: n,
      names: this.names,
      nameId: this.spanName.subarray(0, n),
      depth: this.spanDepth.subarray(0, n),
      start: this.spanStart.subarray(0, n),
      end: this.spanEnd.subarray(0, n),
      self: this.spanSelf.subarray(0, n),
      flags: this.spanFlags.subarray(0, n),
    };
  }

  /**
   * Per-phase figures and the loop time. Percentiles are exact (from every span) unless
   * spans were dropped beyond `maxSpans`, in which case they come from the histogram.
   */
  summary(): PhaseSummary {
    const loopMs = this.loopTotal;
    // Durations of retained spans grouped by phase, for exact percentiles.
    const byName: Float64Array[] = this.names.map(
      (_, k) => new Float64Array(this.aggCount[k]! - this.droppedPerName[k]!),
    );
    const fill = new Int32Array(this.names.length);
    for (let i = 0; i < this.n; i++) {
      const k = this.spanName[i]!;
      byName[k]![fill[k]!++] = this.spanEnd[i]! - this.spanStart[i]!;
    }
    const phases: PhaseStats[] = [];
    for (let k = 0; k < this.names.length; k++) {
      const count = this.aggCount[k]!;
      if (count === 0) continue;
      const h = this.histograms[k]!;
      const exact = this.droppedPerName[k] === 0;
      const sorted = byName[k]!.sort();
      const q = (p: number) => 1000 * (exact ? sortedQuantile(sorted, p) : h.quantile(p));
      const parent = this.aggParent[k]!;
      phases.push({
        name: this.names[k]!,
        parent: parent >= 0 ? this.names[parent]! : null,
        depth: this.aggDepth[k]!,
        count,
        totalMs: this.aggTotal[k]!,
        selfMs: this.aggSelf[k]!,
        share: loopMs > 0 ? this.aggSelf[k]! / loopMs : 0,
        meanUs: (1000 * this.aggTotal[k]!) / count,
        medianUs: q(0.5),
        p95Us: q(0.95),
        p99Us: q(0.99),
        minUs: 1000 * h.minValueMs,
        maxUs: 1000 * h.maxValueMs,
        exactPercentiles: exact,
        histogram: h.bins().map((b) => ({
          lowerUs: 1000 * b.lowerMs,
          upperUs: 1000 * b.upperMs,
          count: b.count,
        })),
      });
    }
    phases.sort((a, b) => b.selfMs - a.selfMs);
    return {
      steps: this.stepCount,
      loopMs,
      phases,
      unwoundSpans: this.unwound,
      strayEnds: this.stray,
      droppedSpans: this.dropped,
    };
  }

  private intern(name: string): number {
    const id = this.names.length;
    this.names.push(name);
    this.ids.set(name, id);
    if (id >= this.aggCount.length) {
      this.aggCount = grow(Float64Array, this.aggCount, id + 1);
      this.aggTotal = grow(Float64Array, this.aggTotal, id + 1);
      this.aggSelf = grow(Float64Array, this.aggSelf, id + 1);
      this.aggDepth = grow(Int32Array, this.aggDepth, id + 1);
      this.aggParent = grow(Int32Array, this.aggParent, id + 1);
    }
    this.aggDepth[id] = -1;
    this.aggParent[id] = -1;
    this.histograms.push(new LatencyHistogram());
    this.droppedPerName.push(0);
    return id;
  }

  /** Closes the innermost open phase at `time`. */
  private close(time: number, flags: number): void {
    const d = --this.depthNow;
    const id = this.stackName[d]!;
    const start = this.stackStart[d]!;
    const dur = time - start;
    const self = dur - this.stackChild[d]!;
    if (d > 0) this.stackChild[d - 1]! += dur;
    else this.loopTotal += dur;
    this.aggCount[id]! += 1;
    this.aggTotal[id]! += dur;
    this.aggSelf[id]! += self;
    if (this.aggDepth[id] === -1) {
      this.aggDepth[id] = d;
      this.aggParent[id] = d > 0 ? this.stackName[d - 1]! : -1;
    }
    this.histograms[id]!.record(dur);
    if (this.n >= this.maxSpans) {
      this.dropped++;
      this.droppedPerName[id]!++;
      return;
    }
    const i = this.n;
    if (i >= this.spanName.length) {
      const need = i + 1;
      this.spanName = grow(Int32Array, this.spanName, need);
      this.spanDepth = grow(Int32Array, this.spanDepth, need);
      this.spanStart = grow(Float64Array, this.spanStart, need);
      this.spanEnd = grow(Float64Array, this.spanEnd, need);
      this.spanSelf = grow(Float64Array, this.spanSelf, need);
      this.spanFlags = grow(Uint8Array, this.spanFlags, need);
    }
    this.spanName[i] = id;
    this.spanDepth[i] = d;
    this.spanStart[i] = start;
    this.spanEnd[i] = time;
    this.spanSelf[i] = self;
    this.spanFlags[i] = flags;
    this.n = i + 1;
  }
}
