import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type SampleOptions, sampleStructures } from '@mlff-distiller/distill';
import { UsageError } from '../cli-error.js';
import { loadStructures } from '../load-structure.js';
import { numberOption } from '../options.js';
import { ProgressLine } from '../progress.js';
import { createTeacherPool, TEACHER_HELP, TEACHER_OPTIONS } from '../teacher-pool.js';

export const SAMPLE_HELP = `mlffd sample: sample structures for distillation with a teacher

Usage:
  mlffd sample <starts.extxyz> --teacher SPEC -o samples.extxyz [options]

From every start structure: Langevin MD with the teacher at each temperature, keeping
frames thinned by the statistical inefficiency of the potential energy (uncorrelated);
rattle-and-relax (random displacements, then a few steps along the forces); random
strains of periodic cells. Structures with atoms closer than --min-distance are dropped.
Each finished trajectory is checkpointed: a killed run resumes where it stopped.

Options:
  -o, --output FILE        sampled structures, ASE extxyz, unlabelled (required)
  --temperatures K,K       MD bath temperatures (default 300,600); --steps 0 for no MD
  --steps N                production MD steps per trajectory (default 2000)
  --equilibration N        MD steps before frames are kept (default steps/5)
  --dt FS                  time step (default 0.5 fs)
  --friction 1/FS          Langevin friction (default 0.02 /fs)
  --stride N               steps between candidate frames (default 10)
  --max-frames N           at most N frames per trajectory
  --rattle N               rattle-and-relax structures per start (default 10; 0 for none)
  --rattle-min A           smallest displacement (default 0.01 Å)
  --rattle-max A           largest displacement (default 0.1 Å)
  --relax-steps N          force-guided steps after rattling (default 3)
  --strain N               strained cells per periodic start (default 0)
  --max-strain E           largest strain component (default 0.02)
  --min-distance A         shortest allowed interatomic distance (default 0.5 Å)
  --seed S                 random seed (default 1): the same seed gives the same structures
  --quiet                  no progress line
  --verbose                stack traces on errors

${TEACHER_HELP}`;

const SAMPLE_OPTIONS = {
  ...TEACHER_OPTIONS,
  output: { type: 'string', short: 'o' },
  temperatures: { type: 'string' },
  steps: { type: 'string' },
  equilibration: { type: 'string' },
  dt: { type: 'string' },
  friction: { type: 'string' },
  stride: { type: 'string' },
  'max-frames': { type: 'string' },
  rattle: { type: 'string' },
  'rattle-min': { type: 'string' },
  'rattle-max': { type: 'string' },
  'relax-steps': { type: 'string' },
  strain: { type: 'string' },
  'max-strain': { type: 'string' },
  'min-distance': { type: 'string' },
  seed: { type: 'string' },
  quiet: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type SamplePlan = Omit<SampleOptions, 'starts' | 'pool' | 'output' | 'onProgress'>;

/** Reads the sampling plan from the command line; every mistake is a UsageError. */
export function parseSamplePlan(values: Record<string, unknown>): SamplePlan {
  const temperatures = String(values.temperatures ?? '300,600')
    .split(',')
    .map((t) => {
      const x = Number(t);
      if (t.trim() === '' || !(x > 0) || !Number.isFinite(x))
        throw new UsageError(
          `--temperatures takes positive kelvins separated by commas, got "${values.temperatures}"`,
        );
      return x;
    });
  const steps = numberOption(values, 'steps', { min: 0, integer: true }) ?? 2000;
  const stride = numberOption(values, 'stride', { min: 1, integer: true }) ?? 10;
  if (steps > 0 && steps < stride)
    throw new UsageError(`--steps (${steps}) must be at least --stride (${stride})`);
  const rattle = numberOption(values, 'rattle', { min: 0, integer: true }) ?? 10;
  const strain = numberOption(values, 'strain', { min: 0, integer: true }) ?? 0;
  const rattleMin = numberOption(values, 'rattle-min', { min: 0 }) ?? 0.01;
  const rattleMax = numberOption(values, 'rattle-max', { min: 0 }) ?? 0.1;
  if (rattleMax < rattleMin)
    throw new UsageError(`--rattle-max (${rattleMax}) is below --rattle-min (${rattleMin})`);
  const maxFrames = numberOption(values, 'max-frames', { min: 1, integer: true });
  const equilibrationSteps = numberOption(values, 'equilibration', { min: 0, integer: true });
  if (steps === 0 && rattle === 0 && strain === 0) {
    throw new UsageError('nothing to sample: --steps, --rattle and --strain are all 0');
  }
  return {
    ...(steps > 0
      ? {
          md: {
            temperatures,
            steps,
            stride,
            timestep: numberOption(values, 'dt', { min: 0, exclusiveMin: true, max: 10 }) ?? 0.5,
            friction: numberOption(values, 'friction', { min: 0, exclusiveMin: true }) ?? 0.02,
            ...(equilibrationSteps !== undefined ? { equilibrationSteps } : {}),
            ...(maxFrames !== undefined ? { maxFrames } : {}),
          },
        }
      : {}),
    ...(rattle > 0
      ? {
          rattle: {
            count: rattle,
            minAmplitude: rattleMin,
            maxAmplitude: rattleMax,
            relaxSteps: numberOption(values, 'relax-steps', { min: 0, integer: true }) ?? 3,
          },
        }
      : {}),
    ...(strain > 0
      ? {
          strain: {
            count: strain,
            maxStrain:
              numberOption(values, 'max-strain', { min: 0, exclusiveMin: true, max: 0.3 }) ?? 0.02,
          },
        }
      : {}),
    minDistance: numberOption(values, 'min-distance', { min: 0 }) ?? 0.5,
    seed: numberOption(values, 'seed', { min: 0, integer: true, max: 2 ** 52 - 1 }) ?? 1,
  };
}

/** `mlffd sample`: teacher MD, rattle-and-relax and strains, checkpointed per task. */
export async function sampleCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: SAMPLE_OPTIONS,
  });
  if (values.help) {
    console.log(SAMPLE_HELP);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new UsageError(
      'mlffd sample needs one file of start structures (mlffd sample <starts.extxyz> --teacher SPEC -o OUT)',
    );
  }
  if (!values.output)
    throw new UsageError('--output (-o) is required: where to write the sampled structures');
  const input = positionals[0]!;
  if (resolve(input) === resolve(values.output))
    throw new UsageError('--output must differ from the input file');
  const plan = parseSamplePlan(values);
  const starts = await loadStructures(input);
  const teacher = await createTeacherPool(values, 'md');
  const quiet = Boolean(values.quiet);
  if (!quiet) {
    const parts = [
      plan.md ? `MD at ${plan.md.temperatures.join(', ')} K for ${plan.md.steps} steps` : '',
      plan.rattle ? `${plan.rattle.count} rattle-and-relax` : '',
      plan.strain ? `${plan.strain.count} strains` : '',
    ].filter(Boolean);
    console.error(
      `mlffd sample: ${starts.length} start structures from ${input}; ${parts.join(', ')}; teacher ${teacher.description}`,
    );
  }
  let progress: ProgressLine | null = null;
  let earlier = 0;
  try {
    const result = await sampleStructures({
      ...plan,
      starts,
      pool: teacher.pool,
      output: values.output,
      onProgress: (p) => {
        if (quiet) return;
        if (!progress) {
          earlier = p.evaluations;
          if (p.tasksDone > 0)
            console.error(
              `mlffd sample: resuming: ${p.tasksDone} of ${p.tasks} tasks done by an earlier run`,
            );
          progress = new ProgressLine(
            p.totalEvaluations - earlier,
            'sample',
            process.stderr,
            'evaluations',
          );
        }
        progress.update(
          p.evaluations - earlier,
          `${p.tasksDone}/${p.tasks} tasks, ${p.frames} structures`,
        );
      },
    });
    const summary = `${result.frames} structures from ${result.tasks.length} tasks`;
    if (progress) (progress as ProgressLine).finish(summary);
    else console.log(summary);
    console.error(`structures: ${values.output}`);
    return 0;
  } finally {
    await teacher.close();
  }
}
