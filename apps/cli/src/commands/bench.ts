import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type BenchmarkProtocol,
  type BenchmarkResult,
  type BenchmarkThermostat,
  buildSystem,
  collectResults,
  compareResults,
  compareSideBySide,
  formatComparison,
  listSystems,
  mergeBenchmarkFiles,
  readBenchmarkFile,
  resultFileStem,
  runBenchmark,
  writeBenchmarkFile,
  writeBenchmarkPlots,
  writeScalingPlot,
} from '@mlff-distiller/bench';
import { CALCULATORS, createCalculator } from '../calculators.js';
import { UsageError } from '../cli-error.js';
import { attachNegativeValues, choiceOption, numberOption } from '../options.js';
import { ProgressLine } from '../progress.js';

const PROTOCOLS = ['nve', 'nvt', 'npt'] as const;
const THERMOSTATS = ['bussi', 'langevin', 'nose-hoover'] as const;

export const BENCH_HELP = `mlffd bench: benchmark calculators in molecular dynamics

Usage:
  mlffd bench --calculator NAME[,NAME…] --system SPEC[,SPEC…] [--sizes N,N,…] --steps N [options]
  mlffd bench --compare BASELINE.json CANDIDATE.json [CANDIDATE.json …]
  mlffd bench --merge OUT.json FILE.json FILE.json …

Runs realistic MD trajectories (warm-up, then timed steps) and writes, per calculator and
system, a JSON result (schema mlff-distiller/benchmark-result v1) with plots next to it:
latency histogram, latency over time, memory over time, energy over time, and a scaling
chart (ms/step against atoms, log-log) when several sizes ran. Several calculators run side
by side in one invocation; their ratios are printed (on these noisy machines, same-run
ratios are what count).

Options:
  --calculator NAMES       comma-separated: ${Object.entries(CALCULATORS)
    .map(([n, c]) => `${n} (${c.description})`)
    .join('; ')}
  --param key=value        calculator parameter for every calculator; name.key=value for one (repeatable)
  --system SPECS           comma-separated systems: ${listSystems()
    .map((s) => s.name)
    .join(', ')}
  --sizes N,N,…            sizes in atoms for sized systems (lj-fcc:N); default: the spec's own
  --protocol nve|nvt|npt   default nve
  --thermostat NAME        nvt thermostat: bussi (default), langevin, nose-hoover
  --steps N                timed steps (required)
  --warmup N               untimed steps first (default 10 % of steps, 10…200)
  --dt FS                  time step in fs (default 1)
  --temperature K          initial velocities and bath (default 300)
  --pressure GPa           npt target pressure (default 0.0001)
  --seed S                 velocities and stochastic integrators (default 1)
  --memory-interval N      steps between memory samples (default steps/100)
  --energy-interval N      steps between energy samples (default steps/1000)
  --out DIR                output folder (default bench-results)
  --baseline FILE          compare each result with a baseline file (result or collection)
  --label TEXT             stored with every result
  --no-plots               JSON only
  --quiet                  no progress line
  --verbose                stack traces on errors`;

const BENCH_OPTIONS = {
  calculator: { type: 'string' },
  param: { type: 'string', multiple: true },
  system: { type: 'string' },
  sizes: { type: 'string' },
  protocol: { type: 'string' },
  thermostat: { type: 'string' },
  steps: { type: 'string' },
  warmup: { type: 'string' },
  dt: { type: 'string' },
  temperature: { type: 'string' },
  pressure: { type: 'string' },
  seed: { type: 'string' },
  'memory-interval': { type: 'string' },
  'energy-interval': { type: 'string' },
  out: { type: 'string' },
  baseline: { type: 'string' },
  label: { type: 'string' },
  compare: { type: 'boolean' },
  merge: { type: 'string' },
  'no-plots': { type: 'boolean' },
  quiet: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

interface BenchRunOptions {
  mode: 'run';
  calculators: string[];
  params: Record<string, Record<string, number>>;
  systems: string[];
  protocol: BenchmarkProtocol;
  thermostat: BenchmarkThermostat;
  steps: number;
  warmup?: number;
  dt: number;
  temperature: number;
  pressure: number;
  seed: number;
  memoryInterval?: number;
  energyInterval?: number;
  out: string;
  baseline?: string;
  label?: string;
  plots: boolean;
  quiet: boolean;
}

type BenchOptions =
  | BenchRunOptions
  | { mode: 'compare'; files: string[] }
  | { mode: 'merge'; out: string; files: string[] };

function list(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Splits `--param` values into per-calculator parameters (`key=v` for all, `name.key=v` for one). */
function calculatorParams(
  items: readonly string[] | undefined,
  calculators: readonly string[],
): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const c of calculators) out[c] = {};
  for (const item of items ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0)
      throw new UsageError(`--param takes key=value or calculator.key=value, got "${item}"`);
    const key = item.slice(0, eq).trim();
    const value = Number(item.slice(eq + 1));
    if (!Number.isFinite(value))
      throw new UsageError(`--param ${key}: "${item.slice(eq + 1)}" is not a number`);
    const dot = key.indexOf('.');
    if (dot > 0) {
      const calc = key.slice(0, dot);
      if (!calculators.includes(calc))
        throw new UsageError(
          `--param ${key}: ${calc} is not among --calculator ${calculators.join(',')}`,
        );
      out[calc]![key.slice(dot + 1)] = value;
    } else {
      for (const c of calculators) out[c]![key] = value;
    }
  }
  return out;
}

/** Reads and checks the command line of `mlffd bench`; every mistake is a UsageError. */
export function parseBenchOptions(argv: string[]): BenchOptions | null {
  const { values, positionals } = parseArgs({
    args: attachNegativeValues(
      argv,
      new Set(
        Object.entries(BENCH_OPTIONS)
          .filter(([, o]) => o.type === 'string')
          .map(([k]) => k),
      ),
    ),
    allowPositionals: true,
    strict: true,
    options: BENCH_OPTIONS,
  });
  if (values.help) return null;
  if (values.compare) {
    if (positionals.length < 2)
      throw new UsageError('--compare needs a baseline file and at least one candidate file');
    return { mode: 'compare', files: positionals };
  }
  if (values.merge !== undefined) {
    if (positionals.length < 1) throw new UsageError('--merge OUT.json needs files to merge');
    return { mode: 'merge', out: values.merge, files: positionals };
  }
  if (positionals.length > 0)
    throw new UsageError(
      `unexpected argument "${positionals[0]}" (files go with --compare or --merge)`,
    );
  const calculators = list(values.calculator);
  if (calculators.length === 0)
    throw new UsageError(
      `--calculator is required (one or more of: ${Object.keys(CALCULATORS).join(', ')})`,
    );
  if (new Set(calculators).size !== calculators.length)
    throw new UsageError('--calculator lists a calculator twice');
  const systems0 = list(values.system);
  if (systems0.length === 0)
    throw new UsageError(
      `--system is required (one of: ${listSystems()
        .map((s) => s.name)
        .join(', ')})`,
    );
  const sizes = list(values.sizes).map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1)
      throw new UsageError(`--sizes needs whole numbers of atoms, got "${s}"`);
    return n;
  });
  const sized = new Set(
    listSystems()
      .filter((s) => s.sized)
      .map((s) => s.name),
  );
  const systems: string[] = [];
  for (const spec of systems0) {
    if (sizes.length > 0 && !spec.includes(':') && sized.has(spec))
      for (const n of sizes) systems.push(`${spec}:${n}`);
    else systems.push(spec);
  }
  const steps = numberOption(values, 'steps', { min: 1, integer: true });
  if (steps === undefined) throw new UsageError('--steps is required');
  const protocol = choiceOption(values, 'protocol', PROTOCOLS, 'nve');
  if (protocol !== 'npt' && values.pressure !== undefined)
    throw new UsageError('--pressure only applies to --protocol npt');
  return {
    mode: 'run',
    calculators,
    params: calculatorParams(values.param, calculators),
    systems,
    protocol,
    thermostat: choiceOption(values, 'thermostat', THERMOSTATS, 'bussi'),
    steps,
    warmup: numberOption(values, 'warmup', { min: 0, integer: true }),
    dt: numberOption(values, 'dt', { min: 0, exclusiveMin: true, max: 100 }) ?? 1,
    temperature: numberOption(values, 'temperature', { min: 0 }) ?? 300,
    pressure: numberOption(values, 'pressure', { min: -1e3, max: 1e4 }) ?? 1e-4,
    seed:
      numberOption(values, 'seed', { min: 0, integer: true, max: Number.MAX_SAFE_INTEGER }) ?? 1,
    memoryInterval: numberOption(values, 'memory-interval', { min: 1, integer: true }),
    energyInterval: numberOption(values, 'energy-interval', { min: 1, integer: true }),
    out: values.out ?? 'bench-results',
    baseline: values.baseline,
    label: values.label,
    plots: !values['no-plots'],
    quiet: Boolean(values.quiet),
  };
}

function summaryLine(r: BenchmarkResult): string {
  const t = r.timing;
  const d = r.energy.drift;
  const parts = [
    `${r.calculator.name} ${r.system.name} (${r.system.natoms} atoms, ${r.protocol.ensemble})`,
    `${t.usPerAtomStep.toFixed(3)} µs/atom-step`,
    `${t.latencyMs.mean.toFixed(3)} ms/step (p50 ${t.latencyMs.median.toFixed(3)}, p99 ${t.latencyMs.p99.toFixed(3)})`,
    `${t.stepsPerSecond.toFixed(1)} steps/s`,
    `calculator ${(100 * t.calculatorShare).toFixed(1)} %`,
    `peak RSS ${(r.memory.peakRssBytes / 2 ** 20).toFixed(0)} MiB`,
    `leak ${r.memory.leak ? 'FLAGGED' : 'no'}`,
  ];
  if (d)
    parts.push(
      `${r.energy.quantity}-energy drift ${d.driftMeVPerAtomPerPs.toExponential(2)} meV/atom/ps`,
    );
  return parts.join(', ');
}

async function compareFiles(files: string[]): Promise<number> {
  const [baseFile, ...candidateFiles] = files;
  const baseline = await readBenchmarkFile(baseFile!);
  const candidates: BenchmarkResult[] = [];
  for (const f of candidateFiles) candidates.push(...(await readBenchmarkFile(f)));
  const comparison = compareResults(baseline, candidates);
  console.log(`ratios candidate / baseline (baseline: ${baseFile})`);
  console.log(formatComparison(comparison));
  if (comparison.rows.length === 0) {
    console.error(
      'mlffd bench: no candidate matched a baseline of the same system, size and protocol',
    );
    return 1;
  }
  return 0;
}

/** `mlffd bench`: runs benchmarks, or compares / merges result files. */
export async function benchCommand(argv: string[]): Promise<number> {
  const o = parseBenchOptions(argv);
  if (!o) {
    console.log(BENCH_HELP);
    return 0;
  }
  if (o.mode === 'compare') return compareFiles(o.files);
  if (o.mode === 'merge') {
    const merged = await mergeBenchmarkFiles(o.files);
    await writeBenchmarkFile(o.out, merged);
    console.log(`${merged.results.length} results from ${o.files.length} files: ${o.out}`);
    return 0;
  }
  const calculators = [];
  for (const name of o.calculators) {
    calculators.push({
      name,
      calc: await createCalculator(name, o.params[name]!),
      params: o.params[name]!,
    });
  }
  // Build every system first: a bad spec fails before any time is spent.
  const systems = o.systems.map((spec) => ({ spec, atoms: buildSystem(spec, { seed: o.seed }) }));
  const out = resolve(o.out);
  mkdirSync(out, { recursive: true });
  const runId = `${new Date().toISOString()}-${process.pid}`;
  const results: BenchmarkResult[] = [];
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
  };
  process.once('SIGINT', onSigint);
  try {
    for (const system of systems) {
      for (const { name, calc, params } of calculators) {
        if (interrupted) break;
        const warmupGuess = o.warmup ?? Math.min(200, Math.max(10, Math.round(0.1 * o.steps)));
        const label = `bench ${name} ${system.spec}`;
        const progress = o.quiet ? null : new ProgressLine(warmupGuess + o.steps, label);
        const recipe = CALCULATORS[name]!;
        const r = await runBenchmark({
          calculator: calc,
          calculatorName: name,
          calculatorSettings: { ...recipe.defaults, ...params },
          system: { name: system.spec, atoms: system.atoms },
          protocol: o.protocol,
          thermostat: o.thermostat,
          steps: o.steps,
          warmup: o.warmup,
          timestep: o.dt,
          temperature: o.temperature,
          pressure: o.pressure,
          seed: o.seed,
          memoryInterval: o.memoryInterval,
          energyInterval: o.energyInterval,
          label: o.label,
          runId,
          onProgress: (p) =>
            progress?.update(
              p.phase === 'warmup' ? p.done : warmupGuess + p.done,
              p.phase === 'warmup' ? 'warm-up' : `timed ${p.stepsPerSecond.toFixed(1)} steps/s`,
            ),
        });
        calc.reset();
        progress?.finish(`${r.timing.usPerAtomStep.toFixed(3)} µs/atom-step`);
        const stem = resultFileStem(r);
        await writeBenchmarkFile(join(out, `${stem}.json`), r);
        if (o.plots) await writeBenchmarkPlots(r, out, stem);
        results.push(r);
      }
    }
  } finally {
    process.off('SIGINT', onSigint);
    for (const { calc } of calculators) await calc.dispose?.();
  }
  if (results.length === 0) return interrupted ? 130 : 1;
  await writeBenchmarkFile(
    join(out, 'results.json'),
    collectResults(results, `mlffd bench ${argv.join(' ')}`),
  );
  if (o.plots) await writeScalingPlot(results, join(out, 'scaling.svg'));
  for (const r of results) console.log(summaryLine(r));
  if (o.calculators.length > 1) {
    console.log('\nside by side (same run), ratios against the first calculator:');
    console.log(formatComparison(compareSideBySide(results)));
  }
  if (o.baseline) {
    const baseline = await readBenchmarkFile(o.baseline);
    console.log(`\nagainst the baseline ${o.baseline} (different runs: expect machine noise):`);
    console.log(formatComparison(compareResults(baseline, results)));
  }
  console.error(`results: ${join(out, 'results.json')}`);
  if (interrupted) {
    console.error(
      'mlffd bench: interrupted; the results of the benchmarks that finished are written',
    );
    return 130;
  }
  return 0;
}
