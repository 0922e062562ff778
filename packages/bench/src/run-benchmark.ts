import type { Atoms, Calculator } from '@mlff-distiller/core';
import { type EnergyDrift, energyDrift, maxwellBoltzmann } from '@mlff-distiller/md';
import {
  BENCHMARK_RESULT_SCHEMA,
  BENCHMARK_SCHEMA_VERSION,
  type BenchmarkProtocol,
  type BenchmarkResult,
  type EnergyInfo,
  type MemoryInfo,
} from './benchmark-result.js';
import { type BenchmarkThermostat, createIntegrator } from './create-integrator.js';
import { findGc, type GcFunction } from './force-gc.js';
import { GcCounter, type GcCounts } from './gc-counter.js';
import { latencyStats } from './latency-stats.js';
import { detectLeaks, type LeakRule } from './leak-detector.js';
import { machineInfo, softwareInfo } from './machine-info.js';
import { type MemorySample, sampleMemory } from './memory-sample.js';
import { settingsRecord } from './settings-record.js';
import { TimingCalculator } from './timing-calculator.js';

/** Progress of a running benchmark, for a progress line. */
export interface BenchmarkProgress {
  /** `warmup` (untimed) or `timed`. */
  phase: 'warmup' | 'timed';
  /** Steps done in this phase. */
  done: number;
  /** Steps in this phase. */
  total: number;
  /** Steps per second so far in this phase. */
  stepsPerSecond: number;
  /** Estimated seconds left in this phase. */
  etaSeconds: number;
}

/** What {@link runBenchmark} runs. */
export interface BenchmarkOptions {
  /** Any core calculator implementing forces (and energy for conservation figures). */
  calculator: Calculator;
  /** Name in the result (default `calculator.name`); make it unique in side-by-side runs. */
  calculatorName?: string;
  /** Settings recorded with the result (default: the calculator's `parameters` at the start). */
  calculatorSettings?: Record<string, unknown>;
  /** The structure; it is copied, never changed. Velocities (Å/fs) are used when present and non-zero. */
  system: { name: string; atoms: Atoms };
  /** MD protocol (default nve). */
  protocol?: BenchmarkProtocol;
  /** NVT thermostat (default bussi). */
  thermostat?: BenchmarkThermostat;
  /** Timed steps (positive integer). */
  steps: number;
  /** Untimed steps first (default 10 % of steps, at least 10, at most 200). */
  warmup?: number;
  /** Time step in fs (default 1). */
  timestep?: number;
  /** Initial-velocity and bath temperature in K (default 300). */
  temperature?: number;
  /** NPT target pressure in GPa (default 0.0001, one bar). */
  pressure?: number;
  /** Seed of the velocities and of stochastic integrators (default 1). */
  seed?: number;
  /** Timed steps between memory samples (default: steps/100, at least 1). */
  memoryInterval?: number;
  /** Timed steps between energy samples (default: steps/1000, at least 1). */
  energyInterval?: number;
  /**
   * Force a full garbage collection before each memory sample, so samples measure live
   * memory: `'auto'` (default) and true use {@link findGc} (`global.gc`, or V8's gc exposed
   * at run time), true throws when there is none, false never collects (the leak detector
   * then fits the floor of the GC sawtooth).
   */
  forceGc?: boolean | 'auto';
  /** Leak rule thresholds (see detectLeaks). */
  leakRule?: Partial<LeakRule>;
  /** Library versions to record besides this project's (a backend's own package). */
  libraries?: Record<string, string>;
  /** Free label stored with the result. */
  label?: string;
  /** Identifier shared by the results of one invocation (side-by-side runs). */
  runId?: string;
  /** Called at most every `progressIntervalMs` during both phases, and at the end of each. */
  onProgress?: (p: BenchmarkProgress) => void;
  /** Minimum ms between progress calls (default 250). */
  progressIntervalMs?: number;
}

function resolveGc(mode: boolean | 'auto'): GcFunction | null {
  if (mode === false) return null;
  const gc = findGc();
  if (gc === null && mode === true) {
    throw new Error('forceGc: true, but no gc function is available: run node with --expose-gc');
  }
  return gc;
}

function checkCount(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min)
    throw new RangeError(`${name} must be an integer of at least ${min}, got ${value}`);
  return value;
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/**
 * Runs a realistic MD trajectory with a calculator and measures it: warm-up steps, then
 * timed steps with the wall time of every step, the calculator's share of it (through a
 * {@link TimingCalculator}), memory every `memoryInterval` steps with leak detection, and
 * energy every `energyInterval` steps. Energy conservation of NVE runs is measured on the
 * total energy Epot + Ekin (never on Epot alone, which trades energy with Ekin); NVT and
 * NPT report the drift of the integrator's conserved energy where it is finite.
 *
 * The benchmark's own sampling (energies, memory, forced GCs, progress) happens between
 * two timestamps and is not counted in the step latencies.
 */
export async function runBenchmark(o: BenchmarkOptions): Promise<BenchmarkResult> {
  const startedAt = new Date().toISOString();
  const steps = checkCount('steps', o.steps, 1);
  const warmup = checkCount(
    'warmup',
    o.warmup ?? Math.min(200, Math.max(10, Math.round(0.1 * steps))),
    0,
  );
  const protocol = o.protocol ?? 'nve';
  const timestepFs = o.timestep ?? 1;
  const temperatureK = o.temperature ?? 300;
  const pressureGPa = o.pressure ?? 1e-4;
  const seed = o.seed ?? 1;
  const memoryInterval = checkCount(
    'memoryInterval',
    o.memoryInterval ?? Math.max(1, Math.floor(steps / 100)),
    1,
  );
  const energyInterval = checkCount(
    'energyInterval',
    o.energyInterval ?? Math.max(1, Math.floor(steps / 1000)),
    1,
  );
  const gc = resolveGc(o.forceGc ?? 'auto');
  const progressEvery = o.progressIntervalMs ?? 250;
  const calculatorName = o.calculatorName ?? o.calculator.name;
  const settings = settingsRecord(o.calculatorSettings ?? o.calculator.parameters);
  const notes: string[] = [];

  const atoms = o.system.atoms.copy();
  const systemInfo = {
    name: o.system.name,
    natoms: atoms.length,
    formula: atoms.getChemicalFormula(),
    cell: Array.from(atoms.cell),
    pbc: [...atoms.pbc],
    volumeA3: cellVolume(atoms),
  };
  const moving = atoms.velocities?.some((v) => v !== 0) ?? false;
  if (!moving && temperatureK > 0) maxwellBoltzmann(atoms, temperatureK, { seed });

  const timing = new TimingCalculator(o.calculator);
  const { md, thermostat } = createIntegrator(atoms, timing, {
    protocol,
    timestepFs,
    temperatureK,
    pressureGPa,
    thermostat: o.thermostat,
    seed,
  });

  // Warm-up in chunks, for progress; run(0) computes the first forces outside any timing.
  await md.run(0);
  const warmStart = performance.now();
  let lastReport = warmStart;
  for (let done = 0; done < warmup; ) {
    const n = Math.min(warmup - done, Math.max(1, Math.ceil(warmup / 20)));
    done += (await md.run(n)).steps;
    const now = performance.now();
    if (o.onProgress && (now - lastReport >= progressEvery || done === warmup)) {
      lastReport = now;
      const rate = done / Math.max(1e-9, (now - warmStart) / 1000);
      o.onProgress({
        phase: 'warmup',
        done,
        total: warmup,
        stepsPerSecond: rate,
        etaSeconds: (warmup - done) / rate,
      });
    }
  }

  const latency = new Float64Array(steps);
  const energy: BenchmarkResult['series']['energy'] = {
    step: [],
    timeFs: [],
    potentialEv: [],
    kineticEv: [],
    totalEv: [],
    conservedEv: [],
    temperatureK: [],
  };
  const memory: MemorySample[] = [];
  const startStep = md.nSteps;
  const startTime = md.time;
  const recordEnergy = (k: number) => {
    const epot = md.potentialEnergy;
    const ekin = md.atoms.getKineticEnergy();
    energy.step.push(k);
    energy.timeFs.push(md.time - startTime);
    energy.potentialEv.push(epot);
    energy.kineticEv.push(ekin);
    energy.totalEv.push(epot + ekin);
    energy.conservedEv.push(md.getConservedEnergy());
    energy.temperatureK.push(md.getTemperature());
  };
  const recordMemory = (k: number) => {
    gc?.();
    memory.push(sampleMemory(k, o.calculator));
  };
  recordEnergy(0);
  recordMemory(0);
  timing.resetTiming();

  let last = 0;
  let timedStart = 0;
  let taken = 0;
  let collections: GcCounts = { total: 0, major: 0 };
  md.attach((dyn) => {
    const t = performance.now();
    const k = dyn.nSteps - startStep;
    if (k <= 0 || k > steps) return;
    latency[k - 1] = t - last;
    taken = k;
    if (k % energyInterval === 0 || k === steps) recordEnergy(k);
    if (k % memoryInterval === 0 || k === steps) recordMemory(k);
    if (o.onProgress && (t - lastReport >= progressEvery || k === steps)) {
      lastReport = t;
      const rate = k / Math.max(1e-9, (t - timedStart) / 1000);
      o.onProgress({
        phase: 'timed',
        done: k,
        total: steps,
        stepsPerSecond: rate,
        etaSeconds: (steps - k) / rate,
      });
    }
    last = performance.now();
  }, 1);
  const gcCounter = new GcCounter();
  gcCounter.start();
  timedStart = performance.now();
  lastReport = timedStart;
  last = timedStart;
  let run: Awaited<ReturnType<typeof md.run>>;
  try {
    run = await md.run(steps);
  } finally {
    // Forced collections are counted too; the count only matters when there are none.
    collections = await gcCounter.stop();
  }
  const wallSeconds = (performance.now() - timedStart) / 1000;
  if (run.stopped)
    notes.push(`the run stopped after ${run.steps} of ${steps} steps: ${run.reason}`);
  const latencyMs = Array.from(latency.subarray(0, taken));
  const stepMs = latencyMs.reduce((a, b) => a + b, 0);
  const calculatorMs = timing.totalMs;

  const leaks = detectLeaks(memory, taken, gc !== null, o.leakRule);
  const memoryInfo: MemoryInfo = {
    samples: memory,
    peakRssBytes: Math.max(...memory.map((m) => m.rss)),
    gcForced: leaks.gcForced,
    leak: leaks.leak,
    method: leaks.method,
    trends: leaks.trends.map((t) => ({
      ...t,
      standardError: finiteOrNull(t.standardError),
      tStatistic: finiteOrNull(t.tStatistic),
    })),
    rule: leaks.rule,
    thresholds: leaks.thresholds,
    garbageCollections: collections.total,
    majorGarbageCollections: collections.major,
  };
  if (memory.length < 6) notes.push('fewer than 6 memory samples: no leak verdict');

  const energyInfo = energyConservation(protocol, energy, atoms.length, notes);
  const temps = energy.temperatureK;
  const result: BenchmarkResult = {
    schema: BENCHMARK_RESULT_SCHEMA,
    schemaVersion: BENCHMARK_SCHEMA_VERSION,
    id: `${calculatorName}/${o.system.name}/${protocol}`,
    ...(o.label !== undefined ? { label: o.label } : {}),
    ...(o.runId !== undefined ? { runId: o.runId } : {}),
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: machineInfo(),
    software: softwareInfo(o.libraries),
    calculator: {
      name: calculatorName,
      settings,
      parametersAfterRun: settingsRecord(o.calculator.parameters),
    },
    system: systemInfo,
    protocol: {
      ensemble: protocol,
      thermostat,
      timestepFs,
      temperatureK,
      pressureGPa: protocol === 'npt' ? pressureGPa : null,
      steps,
      warmupSteps: warmup,
      seed,
      memoryInterval,
      energyInterval,
    },
    timing: {
      latencyMs: latencyStats(latencyMs),
      stepsPerSecond: taken / Math.max(1e-12, stepMs / 1000),
      usPerAtomStep: (1000 * stepMs) / Math.max(1, taken) / atoms.length,
      stepSeconds: stepMs / 1000,
      wallSeconds,
      calculatorMs,
      calculatorCalls: timing.calls,
      calculatorShare: stepMs > 0 ? calculatorMs / stepMs : 0,
    },
    memory: memoryInfo,
    energy: {
      ...energyInfo,
      meanTemperatureK: temps.reduce((a, b) => a + b, 0) / Math.max(1, temps.length),
      finalTemperatureK: md.getTemperature(),
    },
    series: {
      latencyMs: latencyMs.map((x) => Math.round(x * 1e4) / 1e4),
      energy: {
        ...energy,
        potentialEv: energy.potentialEv,
        conservedEv: energy.conservedEv.map((x) => (x === null ? null : finiteOrNull(x))),
      },
    },
    notes,
  };
  return result;
}

/**
 * The conservation figure of a run: NVE → drift of the total energy Epot + Ekin; NVT/NPT →
 * drift of the integrator's conserved energy when every sample of it is finite; otherwise
 * none (with a note).
 */
function energyConservation(
  protocol: BenchmarkProtocol,
  e: BenchmarkResult['series']['energy'],
  natoms: number,
  notes: string[],
): Pick<EnergyInfo, 'quantity' | 'drift'> {
  if (e.timeFs.length < 3) {
    notes.push('fewer than 3 energy samples: no drift');
    return { quantity: 'none', drift: null };
  }
  const quantity = protocol === 'nve' ? 'total' : 'conserved';
  const series = quantity === 'total' ? e.totalEv : e.conservedEv;
  if (!series.every((x) => x !== null && Number.isFinite(x))) {
    notes.push(
      quantity === 'total'
        ? 'the calculator gives no energy: no energy conservation figure'
        : 'the integrator tracks no finite conserved energy: no drift',
    );
    return { quantity: 'none', drift: null };
  }
  const d: EnergyDrift = energyDrift(e.timeFs, series as number[], natoms);
  return { quantity, drift: d };
}

function cellVolume(atoms: Atoms): number | null {
  const c = atoms.cell;
  const v =
    c[0]! * (c[4]! * c[8]! - c[5]! * c[7]!) -
    c[1]! * (c[3]! * c[8]! - c[5]! * c[6]!) +
    c[2]! * (c[3]! * c[7]! - c[4]! * c[6]!);
  return Math.abs(v) > 1e-12 ? Math.abs(v) : null;
}
