import { closeSync, openSync, writeSync } from 'node:fs';
import type { MemoryTimeline } from './memory-timeline.js';
import { type PhaseProfiler, SpanFlags, type SpanTable } from './phase-profiler.js';

/**
 * One event of the Trace Event Format (the JSON that chrome://tracing and Perfetto load).
 * `ts` and `dur` are in µs; `ph` is the phase type: `X` complete event, `C` counter,
 * `M` metadata.
 */
export interface TraceEvent {
  name: string;
  ph: 'X' | 'C' | 'M' | 'B' | 'E' | 'i';
  /** Timestamp in µs from the trace's origin. */
  ts: number;
  /** Duration in µs (complete events). */
  dur?: number;
  pid: number;
  tid: number;
  /** Category: the phase's layer (`md`, `calculator`, `io`, ...). */
  cat?: string;
  args?: Record<string, unknown>;
}

/** A trace in the JSON Object Format: `{ traceEvents, displayTimeUnit }`. */
export interface ChromeTrace {
  traceEvents: TraceEvent[];
  displayTimeUnit: 'ms' | 'ns';
  /** Free-form metadata (shown by Perfetto under "metadata"). */
  metadata?: Record<string, unknown>;
}

/** Options of {@link chromeTrace} and {@link writeChromeTrace}. */
export interface ChromeTraceOptions {
  /** Process id shown in the viewer (default the real pid). */
  pid?: number;
  /** Thread id (default 1: the main thread). */
  tid?: number;
  /** Process name (default "mlffd"). */
  processName?: string;
  /** Thread name (default "md loop"). */
  threadName?: string;
  /** Time origin in ms on the `performance.now()` clock (default the profiler's origin). */
  originMs?: number;
  /** Extra metadata for the trace's `metadata` field. */
  metadata?: Record<string, unknown>;
}

const MIB = 1048576;

/** Indices of spans in start order (parents before their children at equal start). */
function startOrder(spans: SpanTable): Int32Array {
  const order = new Int32Array(spans.count);
  for (let i = 0; i < order.length; i++) order[i] = i;
  const { start, depth } = spans;
  order.sort((a, b) => start[a]! - start[b]! || depth[a]! - depth[b]!);
  return order;
}

/**
 * Yields the trace events of a profile in order: metadata (process and thread names), then
 * a complete (`X`) event per span in start order (category = first word of the phase name,
 * `args.self_ms` its self time) and a counter (`C`) event `memory` per memory sample (MiB).
 */
export function* traceEvents(
  profiler: PhaseProfiler,
  options: ChromeTraceOptions = {},
): Generator<TraceEvent> {
  const pid = options.pid ?? process.pid;
  const tid = options.tid ?? 1;
  const origin = options.originMs ?? (Number.isNaN(profiler.originMs) ? 0 : profiler.originMs);
  yield {
    name: 'process_name',
    ph: 'M',
    ts: 0,
    pid,
    tid,
    args: { name: options.processName ?? 'mlffd' },
  };
  yield {
    name: 'thread_name',
    ph: 'M',
    ts: 0,
    pid,
    tid,
    args: { name: options.threadName ?? 'md loop' },
  };
  const spans = profiler.spanTable();
  const memory: MemoryTimeline = profiler.memory;
  const order = startOrder(spans);
  let m = 0;
  for (let j = 0; j < order.length; j++) {
    const i = order[j]!;
    const ts = 1000 * (spans.start[i]! - origin);
    while (m < memory.length && memory.at(m).timeMs <= spans.start[i]!)
      yield memoryEvent(memory, m++, origin, pid, tid);
    const name = spans.names[spans.nameId[i]!]!;
    const dot = name.indexOf('.');
    const args: Record<string, unknown> = { self_ms: spans.self[i]! };
    if (spans.flags[i]! & SpanFlags.unwound) args.unwound = true;
    if (spans.flags[i]! & SpanFlags.unfinished) args.unfinished = true;
    yield {
      name,
      cat: dot > 0 ? name.slice(0, dot) : name,
      ph: 'X',
      ts,
      dur: Math.max(0, 1000 * (spans.end[i]! - spans.start[i]!)),
      pid,
      tid,
      args,
    };
  }
  while (m < memory.length) yield memoryEvent(memory, m++, origin, pid, tid);
}

function memoryEvent(
  memory: MemoryTimeline,
  i: number,
  origin: number,
  pid: number,
  tid: number,
): TraceEvent {
  const s = memory.at(i);
  return {
    name: 'memory',
    ph: 'C',
    ts: 1000 * (s.timeMs - origin),
    pid,
    tid,
    args: {
      rss_MiB: s.rss / MIB,
      heapUsed_MiB: s.heapUsed / MIB,
      heapTotal_MiB: s.heapTotal / MIB,
      external_MiB: s.external / MIB,
      arrayBuffers_MiB: s.arrayBuffers / MIB,
    },
  };
}

/** The whole trace as one object (fine up to a few hundred thousand spans; see {@link writeChromeTrace}). */
export function chromeTrace(
  profiler: PhaseProfiler,
  options: ChromeTraceOptions = {},
): ChromeTrace {
  const trace: ChromeTrace = {
    traceEvents: [...traceEvents(profiler, options)],
    displayTimeUnit: 'ms',
  };
  if (options.metadata) trace.metadata = options.metadata;
  return trace;
}

/**
 * Writes the trace to `path` as JSON, streaming event by event so that millions of spans
 * never become one giant string. Opens in Perfetto (ui.perfetto.dev) and chrome://tracing.
 */
export function writeChromeTrace(
  path: string,
  profiler: PhaseProfiler,
  options: ChromeTraceOptions = {},
): void {
  const fd = openSync(path, 'w');
  try {
    let buffer = '{"displayTimeUnit":"ms",';
    if (options.metadata) buffer += `"metadata":${JSON.stringify(options.metadata)},`;
    buffer += '"traceEvents":[\n';
    let first = true;
    for (const e of traceEvents(profiler, options)) {
      buffer += (first ? '' : ',\n') + JSON.stringify(e);
      first = false;
      if (buffer.length > 1 << 16) {
        writeSync(fd, buffer);
        buffer = '';
      }
    }
    writeSync(fd, `${buffer}\n]}\n`);
  } finally {
    closeSync(fd);
  }
}
