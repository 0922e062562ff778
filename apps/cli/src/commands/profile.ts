import { parseArgs } from 'node:util';
import { buildSystem } from '@mlff-distiller/bench';
import { maxwellBoltzmann } from '@mlff-distiller/md';
import {
  compareHotspots,
  formatComparison,
  profileMd,
  readHotspotReport,
} from '@mlff-distiller/profiler';
import { CALCULATORS, createCalculator } from '../calculators.js';
import { UsageError } from '../cli-error.js';
import { loadStructure } from '../load-structure.js';
import { attachNegativeValues, choiceOption, keyValueNumbers, numberOption } from '../options.js';
import { ProgressLine } from '../progress.js';

const ENSEMBLES = ['nve', 'nvt'] as const;

export const PROFILE_HELP = `mlffd profile: profile molecular dynamics (phases, Chrome trace, V8 CPU profile, hotspots)

Usage:
  mlffd profile <file.extxyz> --calculator NAME --steps N [options]
  mlffd profile --system lj-fcc:2048 --calculator lj --steps 1000 [options]
  mlffd profile --compare before/hotspots.json after/hotspots.json

Writes into --out: trace.json (open in ui.perfetto.dev or chrome://tracing),
profile.cpuprofile (Chrome DevTools › Performance › Load profile), hotspots.txt,
hotspots.json (for --compare) and memory.csv; prints the hotspot report.

Options:
  --system SPEC            a built-in system instead of a file: lj-fcc:2048, water-box:648, ethanol, …
                           (the systems of mlffd bench)
  --calculator NAME        ${Object.entries(CALCULATORS)
    .map(([n, c]) => `${n}: ${c.description}`)
    .join('\n                           ')}
  --param key=value        calculator parameter (repeatable), e.g. --param rc=10
  --steps N                profiled steps (required)
  --warmup N               steps run first without profiling (default 100)
  --ensemble nve|nvt       nve: velocity Verlet (default); nvt: Langevin
  --dt FS                  time step in fs (default 1)
  --temperature K          nvt bath; initial Maxwell-Boltzmann velocities when the structure has none
  --friction 1/FS          Langevin friction (default 0.01 /fs)
  --seed S                 random seed for velocities and the thermostat
  --frame I                frame of the input file (default -1, the last)
  --cpu-profile-window A:B record a V8 CPU profile over profiled steps A..B (default 0:steps; "none" for none)
  --sampling-interval US   CPU sampling interval in µs (default 200)
  --memory-every N         memory sample every N steps (default steps/100)
  --out DIR                output directory (default ./profile)
  --compare A.json B.json  compare two hotspots.json (before, after) and exit
  --quiet                  no progress line
  --verbose                stack traces on errors`;

const PROFILE_OPTIONS = {
  system: { type: 'string' },
  calculator: { type: 'string' },
  param: { type: 'string', multiple: true },
  steps: { type: 'string' },
  warmup: { type: 'string' },
  ensemble: { type: 'string' },
  dt: { type: 'string' },
  temperature: { type: 'string' },
  friction: { type: 'string' },
  seed: { type: 'string' },
  frame: { type: 'string' },
  'cpu-profile-window': { type: 'string' },
  'sampling-interval': { type: 'string' },
  'memory-every': { type: 'string' },
  out: { type: 'string' },
  compare: { type: 'string' },
  quiet: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

interface ProfileRunOptions {
  mode: 'run';
  file?: string;
  system?: string;
  calculator: string;
  params: Record<string, number>;
  steps: number;
  warmup: number;
  ensemble: (typeof ENSEMBLES)[number];
  dt: number;
  temperature?: number;
  friction: number;
  seed?: number;
  frame: number;
  window: [number, number] | false;
  samplingIntervalUs: number;
  memoryEvery?: number;
  out: string;
  quiet: boolean;
}

interface ProfileCompareOptions {
  mode: 'compare';
  before: string;
  after: string;
}

/** Reads and checks the command line of `mlffd profile`; every mistake is a UsageError. */
export function parseProfileOptions(
  argv: string[],
): ProfileRunOptions | ProfileCompareOptions | null {
  const { values, positionals } = parseArgs({
    args: attachNegativeValues(
      argv,
      new Set(
        Object.entries(PROFILE_OPTIONS)
          .filter(([, o]) => o.type === 'string')
          .map(([k]) => k),
      ),
    ),
    allowPositionals: true,
    strict: true,
    options: PROFILE_OPTIONS,
  });
  if (values.help) return null;
  if (values.compare !== undefined) {
    if (positionals.length !== 1)
      throw new UsageError('--compare takes two reports: --compare before.json after.json');
    return { mode: 'compare', before: values.compare, after: positionals[0]! };
  }
  if (values.system !== undefined && positionals.length > 0)
    throw new UsageError('give either an input file or --system, not both');
  if (values.system === undefined && positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? 'mlffd profile needs an input file or --system (e.g. --system lj-fcc:2048)'
        : `mlffd profile takes one input file, got ${positionals.length}: ${positionals.join(' ')}`,
    );
  }
  if (!values.calculator)
    throw new UsageError(
      `--calculator is required (one of: ${Object.keys(CALCULATORS).join(', ')})`,
    );
  const steps = numberOption(values, 'steps', { min: 1, integer: true });
  if (steps === undefined) throw new UsageError('--steps is required');
  const ensemble = choiceOption(values, 'ensemble', ENSEMBLES, 'nve');
  const temperature = numberOption(values, 'temperature', { min: 0 });
  if (ensemble === 'nvt' && temperature === undefined)
    throw new UsageError('--temperature is required for nvt');
  return {
    mode: 'run',
    file: positionals[0],
    system: values.system,
    calculator: values.calculator,
    params: keyValueNumbers(values.param, 'param'),
    steps,
    warmup: numberOption(values, 'warmup', { min: 0, integer: true }) ?? 100,
    ensemble,
    dt: numberOption(values, 'dt', { min: 0, exclusiveMin: true, max: 100 }) ?? 1,
    temperature,
    friction: numberOption(values, 'friction', { min: 0, exclusiveMin: true }) ?? 0.01,
    seed: numberOption(values, 'seed', { min: 0, integer: true, max: Number.MAX_SAFE_INTEGER }),
    frame: numberOption(values, 'frame', { integer: true }) ?? -1,
    window: parseWindow(values['cpu-profile-window'], steps),
    samplingIntervalUs: numberOption(values, 'sampling-interval', { min: 1, max: 1e6 }) ?? 200,
    memoryEvery: numberOption(values, 'memory-every', { min: 1, integer: true }),
    out: values.out ?? 'profile',
    quiet: Boolean(values.quiet),
  };
}

/** `A:B` (0 ≤ A < B ≤ steps), `none`, or the whole run. */
function parseWindow(raw: string | undefined, steps: number): [number, number] | false {
  if (raw === undefined) return [0, steps];
  if (raw === 'none' || raw === 'off') return false;
  const m = /^(\d+):(\d+)$/.exec(raw.trim());
  if (!m)
    throw new UsageError(
      `--cpu-profile-window takes A:B (steps, e.g. 100:600) or none; got "${raw}"`,
    );
  const a = Number(m[1]);
  const b = Number(m[2]);
  if (!(a < b) || b > steps)
    throw new UsageError(`--cpu-profile-window needs 0 ≤ A < B ≤ steps (${steps}); got ${a}:${b}`);
  return [a, b];
}

/** `mlffd profile`: profiles an MD run, or compares two profiles. */
export async function profileCommand(argv: string[]): Promise<number> {
  const o = parseProfileOptions(argv);
  if (!o) {
    console.log(PROFILE_HELP);
    return 0;
  }
  if (o.mode === 'compare') {
    const c = compareHotspots(readHotspotReport(o.before), readHotspotReport(o.after));
    process.stdout.write(formatComparison(c));
    return 0;
  }
  const atoms = o.system
    ? buildSystem(o.system, { seed: o.seed })
    : await loadStructure(o.file!, o.frame);
  const calc = await createCalculator(o.calculator, o.params);
  const hadVelocities = atoms.velocities?.some((v) => v !== 0) ?? false;
  if (!hadVelocities && o.temperature !== undefined && o.temperature > 0)
    maxwellBoltzmann(atoms, o.temperature, { seed: o.seed });
  const systemLabel = o.system ?? o.file!;
  const label = `${systemLabel} (${atoms.length} atoms), ${calc.name}, ${o.ensemble}`;
  if (!o.quiet)
    console.error(
      `mlffd profile: ${label}, dt ${o.dt} fs, ${o.warmup} warm-up + ${o.steps} profiled steps, CPU profile ${o.window ? `over steps ${o.window[0]}:${o.window[1]}` : 'off'}`,
    );
  let progress = null as ProgressLine | null; // created at the first profiled step, after the warm-up
  const result = await profileMd({
    calculator: calc,
    atoms,
    ensemble: o.ensemble,
    timestep: o.dt,
    temperature: o.temperature,
    friction: o.friction,
    seed: o.seed,
    steps: o.steps,
    warmup: o.warmup,
    cpuProfileWindow: o.window,
    samplingIntervalUs: o.samplingIntervalUs,
    memoryEvery: o.memoryEvery,
    outDir: o.out,
    label,
    context: { system: systemLabel, calculatorParams: o.params, ensemble: o.ensemble },
    onProgress: (done, _total, phase) => {
      if (o.quiet) return;
      // The line starts when the warm-up ends, so its rate is that of the profiled steps.
      if (phase === 'warmup') {
        if (done === o.warmup) progress ??= new ProgressLine(o.steps, 'profile');
        return;
      }
      progress ??= new ProgressLine(o.steps, 'profile');
      progress.update(done);
    },
  });
  progress?.finish(
    `${result.steps} steps, ${((1000 * result.wallMs) / Math.max(1, result.steps)).toFixed(1)} µs/step`,
  );
  process.stdout.write(result.text);
  for (const [kind, path] of Object.entries(result.files)) console.error(`${kind}: ${path}`);
  return 0;
}
