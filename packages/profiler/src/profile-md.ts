import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Atoms, type Calculator, InvalidInputError } from '@mlff-distiller/core';
import {
  Langevin,
  type MolecularDynamics,
  type Observer,
  VelocityVerlet,
} from '@mlff-distiller/md';
import { type ChromeTraceOptions, writeChromeTrace } from './chrome-trace.js';
import {
  type CpuProfile,
  CpuProfileRecorder,
  cpuProfileWindow,
  writeCpuProfile,
} from './cpu-profile.js';
import { formatHotspotReport, type HotspotReport, hotspotReport } from './hotspot-report.js';
import { PhaseProfiler } from './phase-profiler.js';
import type { PhaseSummary } from './phase-summary.js';

/** Options of {@link profileMd}. */
export interface ProfileMdOptions {
  /** Source of forces (any core Calculator). */
  calculator: Calculator;
  /** The structure; velocities in Å/fs are the initial condition (changed in place). */
  atoms: Atoms;
  /** `nve` (velocity Verlet, default) or `nvt` (Langevin); ignored when `dynamics` is given. */
  ensemble?: 'nve' | 'nvt';
  /** Time step in fs (default 1). */
  timestep?: number;
  /** Bath temperature in K for `nvt` (required there). */
  temperature?: number;
  /** Langevin friction in 1/fs (default 0.01). */
  friction?: number;
  /** Random seed of the thermostat. */
  seed?: number;
  /** Builds the integrator instead (any MolecularDynamics: Bussi, NPT...). */
  dynamics?: (atoms: Atoms, calculator: Calculator) => MolecularDynamics;
  /** Observers to attach, with their interval in steps (their cost shows as `md.observers`). */
  observers?: { observer: Observer; interval: number }[];
  /** Profiled steps. */
  steps: number;
  /** Steps run first without profiling (JIT warm-up, neighbor list), default 100. */
  warmup?: number;
  /**
   * Steps [from, to) of the profiled run (0-based, after the warm-up) to record a V8 CPU
   * profile over; default the whole run; `false` for none.
   */
  cpuProfileWindow?: readonly [number, number] | false;
  /** CPU sampling interval in µs (default 200). */
  samplingIntervalUs?: number;
  /** Memory sample every this many steps (default: steps/100, at least 1). */
  memoryEvery?: number;
  /** Directory for the output files (created); none written when absent. */
  outDir?: string;
  /** Label of the report (system, calculator). */
  label?: string;
  /** Context stored in hotspots.json (system, calculator settings...). */
  context?: Record<string, unknown>;
  /** Names of the process and thread in the trace viewer. */
  trace?: Pick<ChromeTraceOptions, 'processName' | 'threadName'>;
  /** Called after every chunk of steps with the profiled steps done and the total (warm-up excluded). */
  onProgress?: (done: number, total: number, phase: 'warmup' | 'profile') => void;
  /** Steps per progress report (default steps/100, at least 1). */
  progressEvery?: number;
}

/** What {@link profileMd} returns. */
export interface ProfileMdResult {
  /** The hotspot report (also written as hotspots.json and hotspots.txt). */
  report: HotspotReport;
  /** The report as text. */
  text: string;
  /** Per-phase figures. */
  summary: PhaseSummary;
  /** The profiler (spans, memory timeline) for further export. */
  profiler: PhaseProfiler;
  /** The CPU profile, when one was recorded. */
  cpuProfile: CpuProfile | null;
  /** Wall time of the profiled run loop, ms, measured around `md.run` independently of the spans. */
  wallMs: number;
  /** Steps actually profiled (fewer when a stop condition ended the run). */
  steps: number;
  /** Paths written, by kind. */
  files: {
    trace?: string;
    cpuProfile?: string;
    hotspotsText?: string;
    hotspotsJson?: string;
    memory?: string;
  };
}

function buildDynamics(o: ProfileMdOptions): MolecularDynamics {
  if (o.dynamics) return o.dynamics(o.atoms, o.calculator);
  const timestep = o.timestep ?? 1;
  if ((o.ensemble ?? 'nve') === 'nve')
    return new VelocityVerlet(o.atoms, o.calculator, { timestep });
  if (o.temperature === undefined)
    throw new InvalidInputError('profileMd: nvt needs a temperature (K)');
  return new Langevin(o.atoms, o.calculator, {
    timestep,
    temperature: o.temperature,
    friction: o.friction ?? 0.01,
    seed: o.seed,
  });
}

/**
 * Profiles an MD run: a warm-up without profiling, then `steps` steps with a
 * {@link PhaseProfiler} installed and, over the chosen window, a V8 CPU profile. Writes into
 * `outDir`: `trace.json` (Chrome trace events: Perfetto, chrome://tracing),
 * `profile.cpuprofile` (Chrome DevTools), `hotspots.txt` and `hotspots.json` (the report),
 * and `memory.csv` (the memory timeline).
 */
export async function profileMd(o: ProfileMdOptions): Promise<ProfileMdResult> {
  if (!Number.isInteger(o.steps) || o.steps < 1)
    throw new InvalidInputError(`profileMd: steps must be a positive integer, got ${o.steps}`);
  const warmup = o.warmup ?? 100;
  const md = buildDynamics(o);
  for (const { observer, interval } of o.observers ?? []) md.attach(observer, interval);
  const chunk = o.progressEvery ?? Math.max(1, Math.floor(o.steps / 100));

  for (let done = 0; done < warmup; ) {
    const r = await md.run(Math.min(chunk, warmup - done));
    done += r.steps;
    o.onProgress?.(done, warmup, 'warmup');
    if (r.stopped || r.steps === 0) break;
  }

  let cpuProfile: CpuProfile | null = null;
  const window = o.cpuProfileWindow === false ? null : (o.cpuProfileWindow ?? [0, o.steps]);
  const recorder = new CpuProfileRecorder();
  let flushWindow: (() => Promise<void>) | null = null;
  let detach: (() => void) | null = null;
  if (window) {
    const observer = cpuProfileWindow(recorder, {
      from: window[0],
      to: window[1],
      origin: md.nSteps,
      samplingIntervalUs: o.samplingIntervalUs,
      onProfile: (p) => {
        cpuProfile = p;
      },
    });
    flushWindow = observer.flush;
    // A window starting at step 0 starts here: an observer would first run after step 1.
    if (window[0] === 0) await observer(md);
    detach = md.attach(observer, 1);
  }

  const profiler = new PhaseProfiler({
    memoryEvery: o.memoryEvery ?? Math.max(1, Math.floor(o.steps / 100)),
  });
  let done = 0;
  let wallMs = 0;
  profiler.install();
  try {
    while (done < o.steps) {
      const n = Math.min(chunk, o.steps - done);
      const t0 = performance.now();
      const r = await md.run(n);
      wallMs += performance.now() - t0;
      done += r.steps;
      o.onProgress?.(done, o.steps, 'profile');
      if (r.stopped || r.steps === 0) break;
    }
  } finally {
    profiler.finish();
    detach?.();
    await flushWindow?.();
  }

  const summary = profiler.summary();
  const cpuSteps = window ? Math.max(0, Math.min(window[1], done) - window[0]) : 0;
  const report = hotspotReport({
    summary,
    cpuProfile,
    cpuProfileSteps: cpuSteps,
    wallMs,
    memory: profiler.memory,
    label: o.label,
    context: {
      atoms: o.atoms.length,
      formula: o.atoms.getChemicalFormula(),
      calculator: o.calculator.name,
      integrator: md.constructor.name,
      timestepFs: md.timestep,
      warmup,
      cpuProfileWindow: window ? [window[0], window[1]] : null,
      node: process.version,
      ...o.context,
    },
  });
  const text = formatHotspotReport(report);
  const files: ProfileMdResult['files'] = {};
  if (o.outDir) {
    const dir = resolve(o.outDir);
    mkdirSync(dir, { recursive: true });
    files.trace = join(dir, 'trace.json');
    writeChromeTrace(files.trace, profiler, {
      processName: o.trace?.processName ?? `mlffd profile${o.label ? `: ${o.label}` : ''}`,
      threadName: o.trace?.threadName,
      metadata: { label: o.label ?? '', steps: done, wallMs },
    });
    if (cpuProfile) {
      files.cpuProfile = join(dir, 'profile.cpuprofile');
      writeCpuProfile(files.cpuProfile, cpuProfile);
    }
    files.hotspotsText = join(dir, 'hotspots.txt');
    writeFileSync(files.hotspotsText, text);
    files.hotspotsJson = join(dir, 'hotspots.json');
    writeFileSync(files.hotspotsJson, `${JSON.stringify(report, null, 2)}\n`);
    files.memory = join(dir, 'memory.csv');
    writeFileSync(files.memory, profiler.memory.toCsv(profiler.originMs));
  }
  return { report, text, summary, profiler, cpuProfile, wallMs, steps: done, files };
}
