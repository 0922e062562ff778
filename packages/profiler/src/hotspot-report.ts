import type { CpuProfile } from './cpu-profile.js';
import { type FunctionHotspot, functionHotspots } from './function-hotspots.js';
import type { MemoryTimeline } from './memory-timeline.js';
import type { PhaseSummary } from './phase-summary.js';

/** Schema tag of {@link HotspotReport} JSON. */
export const HOTSPOT_SCHEMA = 'mlffd.hotspots/1';

/** One phase row of a {@link HotspotReport}. Times in ms unless the name says µs. */
export interface HotspotPhase {
  name: string;
  /** Enclosing phase (null at top level). */
  parent: string | null;
  depth: number;
  calls: number;
  /** Time inside the phase including child phases, ms. */
  totalMs: number;
  /** Time inside the phase excluding child phases, ms. */
  selfMs: number;
  /** selfMs as a percentage of the loop (the top-level phases' time). */
  percentOfLoop: number;
  /** Self time per step, µs (NaN without steps). */
  selfUsPerStep: number;
  meanUs: number;
  medianUs: number;
  p95Us: number;
  p99Us: number;
  minUs: number;
  maxUs: number;
}

/**
 * The hotspot report: phases (LAMMPS timing-breakdown style) and, with a CPU profile, the
 * functions with the most self time. Serialises to JSON as is (`hotspots.json`).
 */
export interface HotspotReport {
  schema: typeof HOTSPOT_SCHEMA;
  /** Free label (system, calculator...), shown in comparisons. */
  label: string;
  /** ISO date of the run. */
  createdAt: string;
  /** Profiled steps. */
  steps: number;
  /** Sum of top-level phase time (`md.step` + `md.observers`), ms: the phases' self times add up to it. */
  loopMs: number;
  /** Wall time of the run loop measured around it, independently of the phases, ms (when known). */
  wallMs?: number;
  /** Phases, largest self time first. */
  phases: HotspotPhase[];
  /** Top functions by self time from the CPU profile (empty without one). */
  functions: FunctionHotspot[];
  /** About the CPU profile: sampled time (ms), samples, and steps it covers. */
  cpuProfile?: { sampledMs: number; samples: number; steps: number };
  /** Memory at the first and last sample and the peak heap (MiB). */
  memory?: { samples: number; rssStartMiB: number; rssEndMiB: number; heapUsedPeakMiB: number };
  /** Spans closed by unwinding, stray ends, spans not kept for the trace. */
  anomalies: { unwoundSpans: number; strayEnds: number; droppedSpans: number };
  /** Anything else worth keeping with the figures (system, calculator, ensemble...). */
  context?: Record<string, unknown>;
}

/** Inputs of {@link hotspotReport}. */
export interface HotspotReportInput {
  summary: PhaseSummary;
  cpuProfile?: CpuProfile | null;
  /** Steps the CPU profile covers (for per-step function figures in comparisons). */
  cpuProfileSteps?: number;
  wallMs?: number;
  memory?: MemoryTimeline;
  /** Functions to keep (default 25). */
  topFunctions?: number;
  label?: string;
  context?: Record<string, unknown>;
}

const MIB = 1048576;

/** Builds the report from a phase summary and, optionally, a CPU profile and memory timeline. */
export function hotspotReport(input: HotspotReportInput): HotspotReport {
  const { summary } = input;
  const steps = summary.steps;
  const phases: HotspotPhase[] = summary.phases.map((p) => ({
    name: p.name,
    parent: p.parent,
    depth: p.depth,
    calls: p.count,
    totalMs: p.totalMs,
    selfMs: p.selfMs,
    percentOfLoop: 100 * p.share,
    selfUsPerStep: steps > 0 ? (1000 * p.selfMs) / steps : Number.NaN,
    meanUs: p.meanUs,
    medianUs: p.medianUs,
    p95Us: p.p95Us,
    p99Us: p.p99Us,
    minUs: p.minUs,
    maxUs: p.maxUs,
  }));
  const report: HotspotReport = {
    schema: HOTSPOT_SCHEMA,
    label: input.label ?? '',
    createdAt: new Date().toISOString(),
    steps,
    loopMs: summary.loopMs,
    phases,
    functions: [],
    anomalies: {
      unwoundSpans: summary.unwoundSpans,
      strayEnds: summary.strayEnds,
      droppedSpans: summary.droppedSpans,
    },
  };
  if (input.wallMs !== undefined) report.wallMs = input.wallMs;
  if (input.cpuProfile) {
    const { functions, sampledMs } = functionHotspots(input.cpuProfile);
    report.functions = functions.slice(0, input.topFunctions ?? 25);
    report.cpuProfile = {
      sampledMs,
      samples: input.cpuProfile.samples.length,
      steps: input.cpuProfileSteps ?? steps,
    };
  }
  const mem = input.memory;
  if (mem && mem.length > 0) {
    let peak = 0;
    for (const s of mem.samples()) peak = Math.max(peak, s.heapUsed);
    report.memory = {
      samples: mem.length,
      rssStartMiB: mem.at(0).rss / MIB,
      rssEndMiB: mem.at(mem.length - 1).rss / MIB,
      heapUsedPeakMiB: peak / MIB,
    };
  }
  if (input.context) report.context = input.context;
  return report;
}

/** Pads a table: first column left-aligned, the others right-aligned. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) =>
    r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const fixed = (x: number, d: number) => (Number.isFinite(x) ? x.toFixed(d) : '-');

/**
 * A short place for a function: the last two path parts (three when the file sits in a
 * build folder such as `dist/`, so `core/dist/index.js` tells packages apart), line and column (1-based; code
 * run through a transpiler such as tsx may be on one line, where the column tells), or
 * `(native)` for V8 internals.
 */
export function functionPlace(f: { url: string; line: number; column?: number }): string {
  if (!f.url) return '(native)';
  const parts = f.url.replace(/^file:\/\//, '').split('/');
  const keep = ['dist', 'src', 'lib'].includes(parts[parts.length - 2] ?? '') ? 3 : 2;
  const file = parts.slice(-keep).join('/');
  return f.column ? `${file}:${f.line}:${f.column}` : `${file}:${f.line}`;
}

/**
 * The report as text, in the manner of LAMMPS's timing breakdown: one row per phase with its
 * self time, share of the loop, total time, calls and per-call latency, then the loop time
 * against the wall time, then the top functions of the CPU profile.
 */
export function formatHotspotReport(
  report: HotspotReport,
  options: { topFunctions?: number } = {},
): string {
  const out: string[] = [];
  const perStep = report.steps > 0 ? (1000 * report.loopMs) / report.steps : Number.NaN;
  out.push(
    `Profile${report.label ? ` of ${report.label}` : ''}: ${report.steps} steps, loop ${fixed(report.loopMs, 1)} ms (${fixed(perStep, 1)} µs/step)`,
  );
  out.push('');
  out.push('Phase breakdown (self time excludes child phases; % of the loop):');
  const rows = report.phases.map((p) => [
    p.name,
    p.parent ?? '-',
    fixed(p.selfMs, 2),
    fixed(p.percentOfLoop, 2),
    fixed(p.totalMs, 2),
    String(p.calls),
    fixed(p.meanUs, 1),
    fixed(p.medianUs, 1),
    fixed(p.p95Us, 1),
    fixed(p.maxUs, 1),
  ]);
  const selfSum = report.phases.reduce((s, p) => s + p.selfMs, 0);
  const blank = ['', '', '', '', '', ''];
  rows.push([
    'sum of phases',
    '',
    fixed(selfSum, 2),
    fixed(report.loopMs > 0 ? (100 * selfSum) / report.loopMs : 0, 2),
    ...blank,
  ]);
  if (report.wallMs !== undefined) {
    rows.push(['outside phases', '', fixed(report.wallMs - selfSum, 2), '', ...blank]);
    rows.push(['wall (run loop)', '', fixed(report.wallMs, 2), '', ...blank]);
  }
  out.push(
    formatTable(
      [
        'phase',
        'inside',
        'self ms',
        '% loop',
        'total ms',
        'calls',
        'mean µs',
        'median µs',
        'p95 µs',
        'max µs',
      ],
      rows,
    ),
  );
  if (report.wallMs !== undefined && report.wallMs > 0) {
    out.push('');
    out.push(
      `Phases cover ${fixed((100 * selfSum) / report.wallMs, 1)} % of the wall time of the run loop.`,
    );
  }
  const a = report.anomalies;
  if (a.unwoundSpans || a.strayEnds || a.droppedSpans) {
    out.push(
      `Note: ${a.unwoundSpans} spans closed by unwinding (an error), ${a.strayEnds} stray ends, ${a.droppedSpans} spans not kept for the trace.`,
    );
  }
  if (report.functions.length > 0 && report.cpuProfile) {
    const n = Math.min(options.topFunctions ?? 20, report.functions.length);
    out.push('');
    out.push(
      `Top functions by self time (CPU profile: ${report.cpuProfile.samples} samples, ${fixed(report.cpuProfile.sampledMs, 1)} ms over ${report.cpuProfile.steps} steps):`,
    );
    out.push(
      formatTable(
        ['function', 'location', 'self ms', '%'],
        report.functions
          .slice(0, n)
          .map((f) => [f.functionName, functionPlace(f), fixed(f.selfMs, 2), fixed(f.percent, 2)]),
      ),
    );
  }
  if (report.memory) {
    const m = report.memory;
    out.push('');
    out.push(
      `Memory: RSS ${fixed(m.rssStartMiB, 1)} → ${fixed(m.rssEndMiB, 1)} MiB, peak V8 heap used ${fixed(m.heapUsedPeakMiB, 1)} MiB (${m.samples} samples)`,
    );
  }
  return `${out.join('\n')}\n`;
}
