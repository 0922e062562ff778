import { constants, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';

/** Garbage collections counted by {@link GcCounter}. */
export interface GcCounts {
  /** Collections of any kind (scavenges, mark-sweep-compact, incremental marking, weak callbacks). */
  total: number;
  /** Full mark-sweep-compact collections: after one, the heap holds live objects only. */
  major: number;
}

/**
 * Counts V8 garbage collections while it is started, from Node's `gc` performance
 * entries. Entries arrive asynchronously: {@link stop} yields to the event loop
 * before it reads the counts, and may still miss the last few.
 */
export class GcCounter {
  private counts: GcCounts = { total: 0, major: 0 };
  private observer: PerformanceObserver | null = null;

  /** Starts counting. */
  start(): void {
    this.observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) this.add(entry);
    });
    this.observer.observe({ entryTypes: ['gc'] });
  }

  private add(entry: PerformanceEntry): void {
    this.counts.total++;
    const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
    if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) this.counts.major++;
  }

  /** Stops counting and returns the collections seen since {@link start}. */
  async stop(): Promise<GcCounts> {
    // Node delivers gc entries from a later event-loop task; a short timeout lets most of
    // them arrive (the counts are a record, not an input of the leak rule).
    await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setImmediate(resolve));
    this.observer?.disconnect();
    this.observer = null;
    return { ...this.counts };
  }
}
