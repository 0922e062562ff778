import { readFileSync } from 'node:fs';
import { MlffdError } from '@mlff-distiller/core';
import {
  formatTable,
  functionPlace,
  HOTSPOT_SCHEMA,
  type HotspotReport,
} from './hotspot-report.js';

/** One phase compared between two profiles; per-step figures in µs so runs of different lengths compare. */
export interface PhaseComparison {
  name: string;
  /** Self time per step before, µs (0 when the phase is absent). */
  beforeUsPerStep: number;
  /** Self time per step after, µs. */
  afterUsPerStep: number;
  /** after − before, µs per step. */
  deltaUsPerStep: number;
  /** after / before (Infinity when new, 0 when gone). */
  ratio: number;
}

/** One function compared between two CPU profiles (self time per profiled step, µs). */
export interface FunctionComparison {
  functionName: string;
  url: string;
  line: number;
  column: number;
  beforeUsPerStep: number;
  afterUsPerStep: number;
  deltaUsPerStep: number;
  ratio: number;
}

/** A before/after comparison of two hotspot reports. */
export interface HotspotComparison {
  before: { label: string; steps: number; loopUsPerStep: number };
  after: { label: string; steps: number; loopUsPerStep: number };
  /** after / before loop time per step: below 1 is faster. */
  loopRatio: number;
  /** Phases, largest |delta| first. */
  phases: PhaseComparison[];
  /** Functions, largest |delta| first (empty unless both reports have CPU profiles). */
  functions: FunctionComparison[];
}

const ratioOf = (before: number, after: number) =>
  before > 0 ? after / before : after > 0 ? Number.POSITIVE_INFINITY : 1;

/** Compares two reports phase by phase and function by function, per step. */
export function compareHotspots(before: HotspotReport, after: HotspotReport): HotspotComparison {
  const perStep = (ms: number, steps: number) => (steps > 0 ? (1000 * ms) / steps : 0);
  const names = [
    ...new Set([...before.phases.map((p) => p.name), ...after.phases.map((p) => p.name)]),
  ];
  const phases = names.map((name) => {
    const b = perStep(before.phases.find((p) => p.name === name)?.selfMs ?? 0, before.steps);
    const a = perStep(after.phases.find((p) => p.name === name)?.selfMs ?? 0, after.steps);
    return {
      name,
      beforeUsPerStep: b,
      afterUsPerStep: a,
      deltaUsPerStep: a - b,
      ratio: ratioOf(b, a),
    };
  });
  phases.sort((x, y) => Math.abs(y.deltaUsPerStep) - Math.abs(x.deltaUsPerStep));
  const functions: FunctionComparison[] = [];
  if (before.cpuProfile && after.cpuProfile) {
    const key = (f: { functionName: string; url: string; line: number; column: number }) =>
      `${f.functionName}\u0000${f.url}\u0000${f.line}\u0000${f.column}`;
    const bSteps = before.cpuProfile.steps;
    const aSteps = after.cpuProfile.steps;
    const map = new Map<string, FunctionComparison>();
    for (const f of before.functions) {
      map.set(key(f), {
        functionName: f.functionName,
        url: f.url,
        line: f.line,
        column: f.column,
        beforeUsPerStep: perStep(f.selfMs, bSteps),
        afterUsPerStep: 0,
        deltaUsPerStep: 0,
        ratio: 0,
      });
    }
    for (const f of after.functions) {
      const entry = map.get(key(f)) ?? {
        functionName: f.functionName,
        url: f.url,
        line: f.line,
        column: f.column,
        beforeUsPerStep: 0,
        afterUsPerStep: 0,
        deltaUsPerStep: 0,
        ratio: 0,
      };
      entry.afterUsPerStep += perStep(f.selfMs, aSteps);
      map.set(key(f), entry);
    }
    for (const e of map.values()) {
      e.deltaUsPerStep = e.afterUsPerStep - e.beforeUsPerStep;
      e.ratio = ratioOf(e.beforeUsPerStep, e.afterUsPerStep);
      functions.push(e);
    }
    functions.sort((x, y) => Math.abs(y.deltaUsPerStep) - Math.abs(x.deltaUsPerStep));
  }
  const bLoop = perStep(before.loopMs, before.steps);
  const aLoop = perStep(after.loopMs, after.steps);
  return {
    before: { label: before.label, steps: before.steps, loopUsPerStep: bLoop },
    after: { label: after.label, steps: after.steps, loopUsPerStep: aLoop },
    loopRatio: ratioOf(bLoop, aLoop),
    phases,
    functions,
  };
}

const fmt = (x: number, d: number) => (Number.isFinite(x) ? x.toFixed(d) : x > 0 ? 'new' : '-');
const fmtSigned = (x: number, d: number) => `${x >= 0 ? '+' : ''}${x.toFixed(d)}`;

/** The comparison as text: loop ratio, then phases and functions with before, after, delta (µs/step) and ratio. */
export function formatComparison(
  c: HotspotComparison,
  options: { topFunctions?: number } = {},
): string {
  const out: string[] = [];
  out.push(
    `before: ${c.before.label || '(unlabelled)'}, ${c.before.steps} steps, ${c.before.loopUsPerStep.toFixed(1)} µs/step`,
  );
  out.push(
    `after : ${c.after.label || '(unlabelled)'}, ${c.after.steps} steps, ${c.after.loopUsPerStep.toFixed(1)} µs/step`,
  );
  out.push(
    `loop time ratio after/before: ${fmt(c.loopRatio, 3)}× (${c.loopRatio < 1 ? 'faster' : c.loopRatio > 1 ? 'slower' : 'same'})`,
  );
  out.push('');
  out.push('Phases (self time, µs per step):');
  out.push(
    formatTable(
      ['phase', 'before', 'after', 'delta', 'ratio'],
      c.phases.map((p) => [
        p.name,
        p.beforeUsPerStep.toFixed(2),
        p.afterUsPerStep.toFixed(2),
        fmtSigned(p.deltaUsPerStep, 2),
        fmt(p.ratio, 3),
      ]),
    ),
  );
  if (c.functions.length > 0) {
    out.push('');
    out.push('Functions (self time, µs per profiled step; largest changes first):');
    out.push(
      formatTable(
        ['function', 'location', 'before', 'after', 'delta', 'ratio'],
        c.functions
          .slice(0, options.topFunctions ?? 20)
          .map((f) => [
            f.functionName,
            functionPlace(f),
            f.beforeUsPerStep.toFixed(2),
            f.afterUsPerStep.toFixed(2),
            fmtSigned(f.deltaUsPerStep, 2),
            fmt(f.ratio, 3),
          ]),
      ),
    );
  }
  return `${out.join('\n')}\n`;
}

/** Error for a file that is not a hotspot report. */
export class HotspotReportFormatError extends MlffdError {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(
      `${file}: not a hotspot report (${reason}); expected the hotspots.json that mlffd profile writes`,
    );
  }
}

/** Reads a `hotspots.json` written by {@link hotspotReport} (via the profile runner or CLI), checking its schema. */
export function readHotspotReport(file: string): HotspotReport {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as { code?: string }).code) throw error;
    throw new HotspotReportFormatError(file, `invalid JSON: ${(error as Error).message}`);
  }
  const r = data as Partial<HotspotReport>;
  if (typeof r !== 'object' || r === null)
    throw new HotspotReportFormatError(file, 'not a JSON object');
  if (r.schema !== HOTSPOT_SCHEMA)
    throw new HotspotReportFormatError(
      file,
      `schema is ${JSON.stringify(r.schema)}, not ${HOTSPOT_SCHEMA}`,
    );
  if (!Array.isArray(r.phases) || typeof r.steps !== 'number' || typeof r.loopMs !== 'number')
    throw new HotspotReportFormatError(file, 'missing phases, steps or loopMs');
  if (!Array.isArray(r.functions)) r.functions = [];
  return r as HotspotReport;
}
