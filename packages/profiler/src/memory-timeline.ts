import { grow } from './growable.js';

/** The fields of `process.memoryUsage()` the timeline keeps, in bytes. */
export interface MemorySample {
  /** `performance.now()` in ms when the sample was taken. */
  timeMs: number;
  /** Steps (`md.step` ends) seen by the profiler when the sample was taken. */
  step: number;
  /** Resident set size in bytes. */
  rss: number;
  /** V8 heap reserved, bytes. */
  heapTotal: number;
  /** V8 heap in use, bytes. */
  heapUsed: number;
  /** Memory of C++ objects bound to JS objects (includes ArrayBuffers), bytes. */
  external: number;
  /** ArrayBuffer and SharedArrayBuffer backing stores, bytes. */
  arrayBuffers: number;
}

/** Something that reports memory as `process.memoryUsage()` does (injectable for tests). */
export type MemoryUsageSource = () => {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
};

/**
 * Memory over a run, stored column-wise in growable typed arrays (one sample allocates
 * only what `process.memoryUsage()` itself returns).
 */
export class MemoryTimeline {
  private n = 0;
  private time = new Float64Array(64);
  private stepCol = new Float64Array(64);
  private rss = new Float64Array(64);
  private heapTotal = new Float64Array(64);
  private heapUsed = new Float64Array(64);
  private external = new Float64Array(64);
  private arrayBuffers = new Float64Array(64);

  constructor(private readonly source: MemoryUsageSource = () => process.memoryUsage()) {}

  /** Number of samples. */
  get length(): number {
    return this.n;
  }

  /** Takes a sample now: `timeMs` is `performance.now()` in ms, `step` the step count. */
  sample(timeMs: number, step: number): void {
    const u = this.source();
    const i = this.n;
    if (i >= this.time.length) {
      const need = i + 1;
      this.time = grow(Float64Array, this.time, need);
      this.stepCol = grow(Float64Array, this.stepCol, need);
      this.rss = grow(Float64Array, this.rss, need);
      this.heapTotal = grow(Float64Array, this.heapTotal, need);
      this.heapUsed = grow(Float64Array, this.heapUsed, need);
      this.external = grow(Float64Array, this.external, need);
      this.arrayBuffers = grow(Float64Array, this.arrayBuffers, need);
    }
    this.time[i] = timeMs;
    this.stepCol[i] = step;
    this.rss[i] = u.rss;
    this.heapTotal[i] = u.heapTotal;
    this.heapUsed[i] = u.heapUsed;
    this.external[i] = u.external;
    this.arrayBuffers[i] = u.arrayBuffers;
    this.n++;
  }

  /** Sample `i` (0 ≤ i < length) as an object. */
  at(i: number): MemorySample {
    return {
      timeMs: this.time[i]!,
      step: this.stepCol[i]!,
      rss: this.rss[i]!,
      heapTotal: this.heapTotal[i]!,
      heapUsed: this.heapUsed[i]!,
      external: this.external[i]!,
      arrayBuffers: this.arrayBuffers[i]!,
    };
  }

  /** All samples as objects, oldest first. */
  samples(): MemorySample[] {
    const out: MemorySample[] = [];
    for (let i = 0; i < this.n; i++) out.push(this.at(i));
    return out;
  }

  /**
   * The timeline as CSV: a header line, then one line per sample with time in ms (relative
   * to `originMs`), step, and memory in MiB.
   */
  toCsv(originMs = 0): string {
    const mib = (b: number) => (b / 1048576).toFixed(3);
    const lines = [
      'time_ms,step,rss_mib,heap_total_mib,heap_used_mib,external_mib,array_buffers_mib',
    ];
    for (let i = 0; i < this.n; i++) {
      lines.push(
        [
          (this.time[i]! - originMs).toFixed(3),
          this.stepCol[i]!,
          mib(this.rss[i]!),
          mib(this.heapTotal[i]!),
          mib(this.heapUsed[i]!),
          mib(this.external[i]!),
          mib(this.arrayBuffers[i]!),
        ].join(','),
      );
    }
    return `${lines.join('\n')}\n`;
  }
}
