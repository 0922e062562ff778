import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type Atoms,
  type Calculator,
  InvalidInputError,
  ModelCalculator,
} from '@mlff-distiller/core';
import {
  Bussi,
  EnergyRecorder,
  Langevin,
  type MolecularDynamics,
  maxwellBoltzmann,
  NoseHooverChain,
  StochasticCellRescaling,
  ThermoLogger,
  TrajectoryObserver,
  VelocityVerlet,
} from '@mlff-distiller/md';
import { CALCULATORS, createCalculator } from '../calculators.js';
import { UsageError } from '../cli-error.js';
import { loadStructure } from '../load-structure.js';
import { attachNegativeValues, choiceOption, keyValueNumbers, numberOption } from '../options.js';
import { ProgressLine } from '../progress.js';

const ENSEMBLES = ['nve', 'nvt', 'npt'] as const;
const THERMOSTATS = ['langevin', 'bussi', 'nose-hoover'] as const;
const COUPLINGS = ['isotropic', 'anisotropic'] as const;

export const MD_HELP = `mlffd md: molecular dynamics on a structure from an extxyz file

Usage:
  mlffd md <file.extxyz> --calculator NAME --ensemble nve|nvt|npt --steps N --dt FS [options]

Options:
  --calculator NAME        ${Object.entries(CALCULATORS)
    .map(([n, c]) => `${n}: ${c.description}`)
    .join('\n                           ')}
                           FILE.json | FILE.onnx: a trained student (checkpoint or ONNX export)
  --param key=value        calculator parameter (repeatable), e.g. --param rc=10
  --ensemble nve|nvt|npt   default nve
  --steps N                number of steps (required)
  --dt FS                  time step in fs (required)
  --temperature K          bath temperature (nvt, npt); initial velocities when the file has none
  --pressure GPa           target pressure (npt; default 0.0001 GPa = 1 bar)
  --thermostat NAME        nvt thermostat: langevin (default), bussi, nose-hoover
  --friction 1/FS          Langevin friction (default 0.01 /fs)
  --taut FS                thermostat time constant (default 100·dt)
  --taup FS                barostat time constant (default 1000·dt)
  --compressibility 1/GPa  barostat compressibility (default 0.5 /GPa; only sets the relaxation speed)
  --coupling isotropic|anisotropic   npt cell coupling (default isotropic)
  --seed S                 random seed for velocities and stochastic integrators
  --frame I                frame of the input file (default -1, the last, as ase.io.read)
  --traj FILE              write an extxyz trajectory (ASE-readable)
  --traj-interval N        steps between trajectory frames (default: steps/100, at least 1)
  --log FILE               write the thermodynamic log
  --log-interval N         steps between log lines (default: steps/100, at least 1)
  --quiet                  no progress line
  --verbose                stack traces on errors`;

const MD_OPTIONS = {
  calculator: { type: 'string' },
  param: { type: 'string', multiple: true },
  ensemble: { type: 'string' },
  thermostat: { type: 'string' },
  coupling: { type: 'string' },
  steps: { type: 'string' },
  dt: { type: 'string' },
  temperature: { type: 'string' },
  pressure: { type: 'string' },
  friction: { type: 'string' },
  taut: { type: 'string' },
  taup: { type: 'string' },
  compressibility: { type: 'string' },
  seed: { type: 'string' },
  frame: { type: 'string' },
  traj: { type: 'string' },
  'traj-interval': { type: 'string' },
  log: { type: 'string' },
  'log-interval': { type: 'string' },
  quiet: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

interface MdOptions {
  file: string;
  calculator: string;
  params: Record<string, number>;
  ensemble: (typeof ENSEMBLES)[number];
  thermostat: (typeof THERMOSTATS)[number];
  coupling: (typeof COUPLINGS)[number];
  steps: number;
  dt: number;
  temperature?: number;
  pressure: number;
  friction: number;
  taut: number;
  taup: number;
  compressibility: number;
  seed?: number;
  frame: number;
  traj?: string;
  trajInterval: number;
  log?: string;
  logInterval: number;
  quiet: boolean;
}

/** Reads and checks the command line of `mlffd md`; every mistake is a UsageError. */
export function parseMdOptions(argv: string[]): MdOptions | null {
  const { values, positionals } = parseArgs({
    args: attachNegativeValues(
      argv,
      new Set(
        Object.entries(MD_OPTIONS)
          .filter(([, o]) => o.type === 'string')
          .map(([k]) => k),
      ),
    ),
    allowPositionals: true,
    strict: true,
    options: MD_OPTIONS,
  });
  if (values.help) return null;
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? 'mlffd md needs an input file (mlffd md <file.extxyz> ...)'
        : `mlffd md takes one input file, got ${positionals.length}: ${positionals.join(' ')}`,
    );
  }
  if (!values.calculator)
    throw new UsageError(
      `--calculator is required (one of: ${Object.keys(CALCULATORS).join(', ')})`,
    );
  const steps = numberOption(values, 'steps', { min: 0, integer: true });
  if (steps === undefined) throw new UsageError('--steps is required');
  const dt = numberOption(values, 'dt', { min: 0, exclusiveMin: true, max: 100 });
  if (dt === undefined) throw new UsageError('--dt (time step in fs) is required');
  const ensemble = choiceOption(values, 'ensemble', ENSEMBLES, 'nve');
  const temperature = numberOption(values, 'temperature', { min: 0 });
  if (ensemble !== 'nve' && temperature === undefined)
    throw new UsageError(`--temperature is required for ${ensemble}`);
  if (ensemble !== 'npt' && values.pressure !== undefined)
    throw new UsageError('--pressure only applies to --ensemble npt');
  const defaultInterval = Math.max(1, Math.floor(steps / 100));
  return {
    file: positionals[0]!,
    calculator: values.calculator,
    params: keyValueNumbers(values.param, 'param'),
    ensemble,
    thermostat: choiceOption(values, 'thermostat', THERMOSTATS, 'langevin'),
    coupling: choiceOption(values, 'coupling', COUPLINGS, 'isotropic'),
    steps,
    dt,
    temperature,
    pressure: numberOption(values, 'pressure', { min: -1e3, max: 1e4 }) ?? 1e-4,
    friction: numberOption(values, 'friction', { min: 0, exclusiveMin: true }) ?? 0.01,
    taut: numberOption(values, 'taut', { min: 0, exclusiveMin: true }) ?? 100 * dt,
    taup: numberOption(values, 'taup', { min: 0, exclusiveMin: true }) ?? 1000 * dt,
    compressibility: numberOption(values, 'compressibility', { min: 0, exclusiveMin: true }) ?? 0.5,
    seed: numberOption(values, 'seed', { min: 0, integer: true, max: Number.MAX_SAFE_INTEGER }),
    frame: numberOption(values, 'frame', { integer: true }) ?? -1,
    traj: values.traj,
    trajInterval:
      numberOption(values, 'traj-interval', { min: 1, integer: true }) ?? defaultInterval,
    log: values.log,
    logInterval: numberOption(values, 'log-interval', { min: 1, integer: true }) ?? defaultInterval,
    quiet: Boolean(values.quiet),
  };
}

function createDynamics(o: MdOptions, atoms: Atoms, calc: Calculator): MolecularDynamics {
  const base = { timestep: o.dt };
  if (o.ensemble === 'nve') return new VelocityVerlet(atoms, calc, base);
  const temperature = o.temperature!;
  if (o.ensemble === 'npt') {
    if (!atoms.pbc.every(Boolean))
      throw new InvalidInputError('npt needs a fully periodic cell (pbc="T T T")');
    if (!calc.implementedProperties.includes('stress'))
      throw new InvalidInputError(`npt needs stress, which ${calc.name} does not compute`);
    return new StochasticCellRescaling(atoms, calc, {
      ...base,
      temperature,
      pressure: o.pressure,
      compressibility: o.compressibility,
      taup: o.taup,
      taut: o.taut,
      coupling: o.coupling,
      seed: o.seed,
    });
  }
  switch (o.thermostat) {
    case 'langevin':
      return new Langevin(atoms, calc, {
        ...base,
        temperature,
        friction: o.friction,
        seed: o.seed,
      });
    case 'bussi':
      return new Bussi(atoms, calc, { ...base, temperature, taut: o.taut, seed: o.seed });
    case 'nose-hoover':
      return new NoseHooverChain(atoms, calc, { ...base, temperature, tdamp: o.taut });
  }
}

function ensureParent(file: string): void {
  mkdirSync(dirname(resolve(file)), { recursive: true });
}

/** `mlffd md`: runs molecular dynamics and writes a log and a trajectory. */
export async function mdCommand(argv: string[]): Promise<number> {
  const o = parseMdOptions(argv);
  if (!o) {
    console.log(MD_HELP);
    return 0;
  }
  const atoms = await loadStructure(o.file, o.frame);
  const calc = await createCalculator(o.calculator, o.params);
  if (calc instanceof ModelCalculator) calc.checkElements(atoms);
  const hadVelocities = atoms.velocities?.some((v) => v !== 0) ?? false;
  if (!hadVelocities && o.temperature !== undefined && o.temperature > 0) {
    maxwellBoltzmann(atoms, o.temperature, { seed: o.seed });
  }
  const md = createDynamics(o, atoms, calc);
  const energies = new EnergyRecorder();
  md.attach(energies, o.logInterval);
  let logger: ThermoLogger | null = null;
  let traj: TrajectoryObserver | null = null;
  if (o.log) {
    ensureParent(o.log);
    logger = new ThermoLogger(o.log);
    md.attach(logger, o.logInterval);
  }
  if (o.traj) {
    ensureParent(o.traj);
    traj = await TrajectoryObserver.open(o.traj);
    md.attach(traj, o.trajInterval);
  }
  const info = [
    `${atoms.length} atoms (${atoms.getChemicalFormula()})`,
    `${o.ensemble}${o.ensemble === 'nvt' ? ` (${o.thermostat})` : ''}`,
    `${calc.name}`,
    `dt ${o.dt} fs`,
    `velocities ${hadVelocities ? 'from the file' : o.temperature ? `Maxwell-Boltzmann at ${o.temperature} K` : 'zero'}`,
  ];
  if (!o.quiet) console.error(`mlffd md: ${info.join(', ')}`);
  const progress = o.quiet ? null : new ProgressLine(o.steps, 'md');
  const chunk = Math.max(1, Math.min(o.logInterval, 1000));
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
    md.requestStop('interrupted');
  };
  process.once('SIGINT', onSigint);
  try {
    let done = 0;
    while (done < o.steps && !interrupted) {
      const n = Math.min(chunk, o.steps - done);
      const r = await md.run(n);
      done += r.steps;
      progress?.update(done, `T ${md.getTemperature().toFixed(1)} K`);
      if (r.stopped) break;
    }
  } finally {
    process.off('SIGINT', onSigint);
    logger?.close();
    await traj?.close();
  }
  const summary: string[] = [
    `${md.nSteps} steps, ${(md.time / 1000).toFixed(3)} ps`,
    `final T ${md.getTemperature().toFixed(1)} K`,
  ];
  const series = o.ensemble === 'nve' ? 'total' : 'conserved';
  if (energies.times.length >= 3 && energies.conserved.every(Number.isFinite)) {
    const d = energies.drift(series);
    summary.push(
      `${series}-energy drift ${d.driftMeVPerAtomPerPs.toExponential(2)} meV/atom/ps, fluctuation ${d.fluctuationMeVPerAtom.toExponential(2)} meV/atom`,
    );
  }
  progress?.finish(summary.join('; '));
  if (o.quiet) console.log(summary.join('; '));
  if (o.traj) console.error(`trajectory: ${o.traj}`);
  if (o.log) console.error(`log: ${o.log}`);
  if (interrupted) {
    console.error(
      'mlffd md: interrupted; the trajectory and log hold every step up to the interruption',
    );
    return 130;
  }
  return 0;
}
