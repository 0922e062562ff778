import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { labelStructures } from '@mlff-distiller/distill';
import { UsageError } from '../cli-error.js';
import { loadStructures } from '../load-structure.js';
import { ProgressLine } from '../progress.js';
import { createTeacherPool, TEACHER_HELP, TEACHER_OPTIONS } from '../teacher-pool.js';

export const LABEL_HELP = `mlffd label: label structures with a teacher's energies and forces

Usage:
  mlffd label <structures.extxyz> --teacher SPEC -o dataset.extxyz [options]

Every finished structure is appended to a journal (<output>.journal); a run that is
killed resumes where it stopped when started again with the same input, and the dataset
(written atomically once all structures are done) is the same as an uninterrupted run's.

Options:
  -o, --output FILE        the labelled dataset, ASE extxyz (required)
  --journal FILE           the journal (default <output>.journal)
  --stress                 label stress too (periodic structures)
  --retry-failed           give structures that failed in an earlier run another try
  --quiet                  no progress line
  --verbose                stack traces on errors

${TEACHER_HELP}`;

const LABEL_OPTIONS = {
  ...TEACHER_OPTIONS,
  output: { type: 'string', short: 'o' },
  journal: { type: 'string' },
  stress: { type: 'boolean' },
  'retry-failed': { type: 'boolean' },
  quiet: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `mlffd label`: labels every structure of a file with a teacher, journaled and resumable. */
export async function labelCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: LABEL_OPTIONS,
  });
  if (values.help) {
    console.log(LABEL_HELP);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new UsageError(
      'mlffd label needs one input file (mlffd label <structures.extxyz> --teacher SPEC -o OUT)',
    );
  }
  if (!values.output)
    throw new UsageError('--output (-o) is required: where to write the labelled dataset');
  const input = positionals[0]!;
  const output = values.output;
  if (resolve(input) === resolve(output))
    throw new UsageError('--output must differ from the input file');
  const structures = await loadStructures(input);
  const teacher = await createTeacherPool(values, 'label');
  const quiet = Boolean(values.quiet);
  if (!quiet)
    console.error(
      `mlffd label: ${structures.length} structures from ${input}; teacher ${teacher.description}`,
    );
  let progress: ProgressLine | null = null;
  try {
    const result = await labelStructures({
      structures,
      pool: teacher.pool,
      output,
      journal: values.journal,
      stress: Boolean(values.stress),
      retryFailed: Boolean(values['retry-failed']),
      onProgress: (p) => {
        if (quiet) return;
        if (!progress) {
          const earlier = p.done - p.doneThisRun;
          if (earlier > 0)
            console.error(`mlffd label: resuming: ${earlier} structures done by an earlier run`);
          progress = new ProgressLine(p.total - earlier, 'label', process.stderr, 'structures');
        }
        progress.update(
          p.doneThisRun,
          `${p.workers} worker(s)${p.failed ? `, ${p.failed} failed` : ''}`,
        );
      },
    });
    const summary = `${result.labelled} structures labelled, ${result.computedThisRun} by this run${result.failures.length ? `, ${result.failures.length} failed` : ''}`;
    if (progress) (progress as ProgressLine).finish(summary);
    else console.log(summary);
    for (const f of result.failures.slice(0, 10))
      console.error(`  structure ${f.index}: ${f.error}`);
    if (result.failures.length > 10)
      console.error(`  … and ${result.failures.length - 10} more (see the journal)`);
    console.error(`dataset: ${output}`);
    return 0;
  } finally {
    await teacher.close();
  }
}
