import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Atoms } from '@mlff-distiller/core';
import {
  ConfigError,
  DISTILL_CONFIG_SCHEMA,
  type DistillConfig,
  type DistillTeacher,
  embeddedTeacher,
  formatConfigYaml,
  resolveConfig,
  runDistillation,
} from '@mlff-distiller/distill';
import { LineCounter, parseDocument } from 'yaml';
import { UsageError } from '../cli-error.js';
import { loadStructures } from '../load-structure.js';
import { createTeacherPool, TEACHER_HELP, TEACHER_OPTIONS } from '../teacher-pool.js';

export const DISTILL_HELP = `mlffd distill: the whole distillation in one run directory

Usage:
  mlffd distill [config.yaml] [--quick] [--teacher SPEC] [--run-dir DIR]
  mlffd distill --print-config      every setting with its default and meaning

Stages, each resumable (a rerun continues where the last one stopped): sample structures
with the teacher, label them, train the students (default: PaiNN original, tiny,
ultra-tiny), export each to ONNX, validate each (held-out errors, NVE drift and
stability), benchmark each (ms per MD step, speed-up over the teacher), and write
report.json and report.html.

With no config and no --teacher it runs on the embedded teacher: GFN2-xTB labels of
water, methane, ethanol and alanine dipeptide recorded by this project's sampler and
labeler. Nothing else is needed (no xtb, no Python).

Options:
  --quick                  a short run (about a minute): few training steps, short NVE, few timed steps
  --teacher SPEC           overrides the config's teacher (see below)
  --run-dir DIR            overrides the config's run_dir
  --print-config           print the configuration with every default, then exit
  --verbose                stack traces on errors

${TEACHER_HELP}`;

const DISTILL_OPTIONS = {
  ...TEACHER_OPTIONS,
  quick: { type: 'boolean' },
  'run-dir': { type: 'string' },
  'print-config': { type: 'boolean' },
  quiet: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Settings of `--quick`: the same stages in a few minutes (for tests and a first look). */
const QUICK: Record<string, Record<string, unknown>> = {
  sampling: { steps: 400, max_frames: 20, rattle: 10 },
  training: { steps: { original: 300, tiny: 300, 'ultra-tiny': 300 } },
  validation: { nve_time: 0.25 },
  benchmark: { steps: 20 },
};

/**
 * Reads a YAML configuration: YAML errors and schema problems name the file and line and
 * say what is allowed.
 */
export function readDistillConfig(
  path: string | undefined,
  overrides: Record<string, unknown> = {},
): DistillConfig {
  let raw: Record<string, unknown> = {};
  let locate: ((p: string) => number | undefined) | undefined;
  if (path) {
    if (!existsSync(path)) throw new UsageError(`config file not found: ${path}`);
    const lineCounter = new LineCounter();
    const doc = parseDocument(readFileSync(path, 'utf8'), { lineCounter });
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      throw new ConfigError(
        path,
        [{ path: '(YAML)', message: e.message.split('\n')[0]! }],
        () => e.linePos?.[0]?.line,
      );
    }
    raw = (doc.toJS() ?? {}) as Record<string, unknown>;
    locate = (dotted) => {
      const node = doc.getIn(dotted.split('.'), true) as { range?: [number, number] } | undefined;
      return node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
    };
  }
  for (const [section, values] of Object.entries(overrides)) {
    if (values && typeof values === 'object' && !Array.isArray(values)) {
      raw[section] = { ...((raw[section] as object) ?? {}), ...values };
    } else raw[section] = values;
  }
  return resolveConfig<DistillConfig>(raw, DISTILL_CONFIG_SCHEMA, path ?? '(defaults)', locate);
}

/** `mlffd distill`. */
export async function distillCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: DISTILL_OPTIONS,
  });
  if (values.help) {
    console.log(DISTILL_HELP);
    return 0;
  }
  if (positionals.length > 1)
    throw new UsageError(
      `mlffd distill takes at most one config file, got ${positionals.join(' ')}`,
    );
  const overrides: Record<string, unknown> = values.quick ? structuredClone(QUICK) : {};
  if (values.teacher) overrides.teacher = values.teacher;
  if (values['run-dir']) overrides.run_dir = values['run-dir'];
  const config = readDistillConfig(positionals[0], overrides);
  if (values['print-config']) {
    console.log(
      formatConfigYaml(config as unknown as Record<string, unknown>, DISTILL_CONFIG_SCHEMA),
    );
    return 0;
  }
  const log = values.quiet
    ? () => undefined
    : (line: string) => console.error(`mlffd distill: ${line}`);
  const embedded =
    config.teacher === 'embedded' || config.structures === 'embedded'
      ? await embeddedTeacher()
      : null;
  const starts: Atoms[] =
    config.structures === 'embedded' ? embedded!.starts : await loadStructures(config.structures);
  let teacher: DistillTeacher;
  let close = async (): Promise<void> => {};
  if (config.teacher === 'embedded') {
    teacher = { name: 'GFN2-xTB (recorded, embedded)', recorded: embedded!.teacher };
  } else {
    const teacherValues = {
      ...values,
      teacher: config.teacher,
      workers: String(config.labeling.workers),
    };
    const md = await createTeacherPool(teacherValues, 'md');
    const label = config.teacher.startsWith('xtb')
      ? await createTeacherPool(teacherValues, 'label')
      : md;
    teacher = { name: md.description, pool: md.pool, labelPool: label.pool };
    close = async () => {
      await md.close();
      if (label !== md) await label.close();
    };
  }
  log(
    `run directory ${config.run_dir}; teacher ${teacher.name}; students ${config.students.join(', ')}`,
  );
  try {
    const report = await runDistillation({
      config,
      starts,
      teacher,
      log,
      trainingProgress: !values.quiet,
    });
    for (const s of report.students) {
      const drift = Math.max(...s.nve.map((n) => Math.abs(n.driftMeVPerAtomPerPs)));
      const stable = s.nve.every((n) => n.stable);
      console.log(
        `${s.name}: force MAE ${(1000 * s.test.forces.mae).toFixed(1)} meV/Å, NVE |drift| ≤ ${drift.toExponential(2)} meV/atom/ps, ${stable ? 'stable' : 'UNSTABLE'}`,
      );
    }
    console.log(`report: ${config.run_dir}/report.html`);
    return 0;
  } finally {
    await close();
  }
}
