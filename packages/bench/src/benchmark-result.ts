import type { EnergyDrift } from '@mlff-distiller/md';
import type { LatencyStats } from './latency-stats.js';
import type { LeakMetric, LeakRule } from './leak-detector.js';
import type { MemorySample } from './memory-sample.js';

/** The `schema` tag of a single result. */
export const BENCHMARK_RESULT_SCHEMA = 'mlff-distiller/benchmark-result';
/** The `schema` tag of a collection of results. */
export const BENCHMARK_COLLECTION_SCHEMA = 'mlff-distiller/benchmark-collection';
/**
 * Version of the result format, bumped on any incompatible change (a field renamed,
 * removed or given another unit); new optional fields keep it.
 */
export const BENCHMARK_SCHEMA_VERSION = 1;

/** MD protocols a benchmark runs. */
export type BenchmarkProtocol = 'nve' | 'nvt' | 'npt';

/** The machine a benchmark ran on. */
export interface MachineInfo {
  /** CPU model string from the operating system. */
  cpuModel: string;
  /** Logical CPUs. */
  cpuCores: number;
  /** Total physical memory in bytes. */
  memoryBytes: number;
  /** `process.platform` ("linux", "darwin", "win32"). */
  platform: string;
  /** Kernel / OS release. */
  osRelease: string;
  /** `process.arch` ("x64", "arm64"). */
  arch: string;
  /** 1, 5 and 15 minute load averages at the start of the run (zeros on Windows). */
  loadAverage: number[];
}

/** Versions of the runtime and of the libraries involved. */
export interface SoftwareInfo {
  /** Node version, e.g. "v20.20.2". */
  node: string;
  /** V8 version. */
  v8: string;
  /** Package name → version (this project's packages and any backend the caller adds). */
  libraries: Record<string, string>;
}

/** One JSON-representable calculator setting. */
export type SettingValue = string | number | boolean | null | SettingValue[];

/** The calculator measured. */
export interface CalculatorInfo {
  /** Name for reports ("lj", "student:tiny"); unique within a side-by-side run. */
  name: string;
  /** Settings that define it (parameters, backend, model file…). */
  settings: Record<string, SettingValue>;
  /** Its `parameters` at the end of the run (counters such as neighborBuilds, arenaBytes). */
  parametersAfterRun: Record<string, SettingValue>;
}

/** The structure simulated, as it was at the start. */
export interface SystemInfo {
  /** Name or spec ("lj-fcc:2048", "ethanol"). */
  name: string;
  /** Number of atoms. */
  natoms: number;
  /** Chemical formula (Hill order when carbon is present). */
  formula: string;
  /** Cell as three row vectors in Å, 9 numbers row-major. */
  cell: number[];
  /** Periodicity along each lattice vector. */
  pbc: boolean[];
  /** Cell volume in Å³, or null when the cell is not three-dimensional. */
  volumeA3: number | null;
}

/** How the trajectory was run. */
export interface ProtocolInfo {
  ensemble: BenchmarkProtocol;
  /** Thermostat of NVT runs ("bussi", "langevin", "nose-hoover"), "csvr+scr" for NPT, null for NVE. */
  thermostat: string | null;
  /** Time step in fs. */
  timestepFs: number;
  /** Temperature in K: of the initial Maxwell–Boltzmann velocities, and of the bath (NVT, NPT). */
  temperatureK: number;
  /** Target pressure in GPa (NPT), null otherwise. */
  pressureGPa: number | null;
  /** Timed steps. */
  steps: number;
  /** Untimed steps run first. */
  warmupSteps: number;
  /** Seed of velocities and stochastic integrators, null when unseeded. */
  seed: number | null;
  /** Steps between memory samples. */
  memoryInterval: number;
  /** Steps between energy samples. */
  energyInterval: number;
}

/** Where the time went. */
export interface TimingInfo {
  /** Statistics of the wall time of every timed step, ms. */
  latencyMs: LatencyStats;
  /** Timed steps per second of step time. */
  stepsPerSecond: number;
  /** Mean step time per atom, µs per atom-step. */
  usPerAtomStep: number;
  /** Sum of the timed step latencies, s (excludes the benchmark's own sampling). */
  stepSeconds: number;
  /** Wall time of the timed run, s (includes sampling and forced GCs). */
  wallSeconds: number;
  /** Time inside the calculator over the timed steps, ms. */
  calculatorMs: number;
  /** Calculator calls over the timed steps. */
  calculatorCalls: number;
  /** calculatorMs / step time: the calculator's share of the step, 0…1. */
  calculatorShare: number;
}

/** One metric's trend; as core's leak detector reports it, with non-finite numbers as null. */
export interface MemoryTrendRecord {
  metric: LeakMetric;
  bytesPerStep: number;
  standardError: number | null;
  tStatistic: number | null;
  lateBytesPerStep: number;
  growthOverRunBytes: number;
  initialBytes: number;
  thresholdBytes: number;
  points: number;
  leak: boolean;
  inconclusive: boolean;
}

/** Memory over the trajectory and the leak verdict. */
export interface MemoryInfo {
  /** Samples every `memoryInterval` timed steps (step 0 = after the warm-up). */
  samples: MemorySample[];
  /** Largest RSS seen, bytes. */
  peakRssBytes: number;
  /** Whether a full GC preceded every sample. */
  gcForced: boolean;
  /** True when the leak rule flags any metric. */
  leak: boolean;
  /** How the points were formed. */
  method: 'samples-after-gc' | 'window-minima';
  trends: MemoryTrendRecord[];
  /** The rule in words. */
  rule: string;
  thresholds: LeakRule;
  /** V8 garbage collections seen during the timed steps (forced ones included; may miss the last few). */
  garbageCollections: number;
  /** Full (mark-sweep-compact) collections among them. */
  majorGarbageCollections: number;
}

/** Energy conservation. */
export interface EnergyInfo {
  /**
   * The quantity whose drift is reported: `total` (Epot + Ekin, NVE), `conserved` (the
   * thermostat's conserved energy, NVT/NPT), or `none` (not available).
   */
  quantity: 'total' | 'conserved' | 'none';
  /** Drift and fluctuation of that quantity (meV/atom/ps, meV/atom), or null. */
  drift: EnergyDrift | null;
  /** Mean temperature over the samples, K. */
  meanTemperatureK: number;
  /** Temperature at the end, K. */
  finalTemperatureK: number;
}

/** Series kept for plots and re-analysis. */
export interface SeriesInfo {
  /** Wall time of every timed step, ms. */
  latencyMs: number[];
  /** Energies every `energyInterval` steps from step 0 of the timed run. */
  energy: {
    step: number[];
    /** Time since the start of the timed run, fs. */
    timeFs: number[];
    /** Potential energy, eV. */
    potentialEv: number[];
    /** Kinetic energy, eV. */
    kineticEv: number[];
    /** Epot + Ekin, eV. */
    totalEv: number[];
    /** The integrator's conserved energy, eV (null where it tracks none). */
    conservedEv: (number | null)[];
    /** Temperature, K. */
    temperatureK: number[];
  };
}

/** The result of one benchmark: one calculator, one system, one protocol. */
export interface BenchmarkResult {
  schema: typeof BENCHMARK_RESULT_SCHEMA;
  schemaVersion: typeof BENCHMARK_SCHEMA_VERSION;
  /** "calculator/system/protocol". */
  id: string;
  /** Free label (a git commit, "before", "after"). */
  label?: string;
  /** Shared by every result of one invocation (side-by-side runs): their ratios are same-run ratios. */
  runId?: string;
  /** Start and end of the whole benchmark (warm-up included), ISO 8601 UTC. */
  startedAt: string;
  finishedAt: string;
  machine: MachineInfo;
  software: SoftwareInfo;
  calculator: CalculatorInfo;
  system: SystemInfo;
  protocol: ProtocolInfo;
  timing: TimingInfo;
  memory: MemoryInfo;
  energy: EnergyInfo;
  series: SeriesInfo;
  /** Anything worth knowing (a run cut short, no energy). */
  notes: string[];
}

/** Several results in one file (side-by-side runs, merged files, a baseline database). */
export interface BenchmarkCollection {
  schema: typeof BENCHMARK_COLLECTION_SCHEMA;
  schemaVersion: typeof BENCHMARK_SCHEMA_VERSION;
  /** ISO 8601 UTC. */
  createdAt: string;
  /** Free description. */
  description?: string;
  results: BenchmarkResult[];
}
