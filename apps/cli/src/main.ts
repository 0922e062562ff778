import { MlffdError } from '@mlff-distiller/core';
import { UsageError } from './cli-error.js';
import { benchCommand } from './commands/bench.js';
import { distillCommand } from './commands/distill.js';
import { labelCommand } from './commands/label.js';
import { mdCommand } from './commands/md.js';
import { profileCommand } from './commands/profile.js';
import { sampleCommand } from './commands/sample.js';

const VERSION = '0.1.0';

const HELP = `mlffd ${VERSION}: MLFF Distiller

Usage:
  mlffd distill [config.yaml] [--quick] [--teacher SPEC] [--run-dir DIR] [--print-config]
  mlffd md <file.extxyz> --calculator NAME --ensemble nve|nvt|npt --steps N --dt FS [options]
  mlffd profile <file.extxyz | --system lj-fcc:2048> --calculator NAME --steps N [options]
  mlffd bench --calculator NAME[,NAME] --system SPEC --sizes N,N --protocol nve|nvt|npt --steps N [options]
  mlffd bench --compare base.json candidate.json
  mlffd sample <starts.extxyz> --teacher SPEC -o samples.extxyz [options]
  mlffd label <structures.extxyz> --teacher SPEC -o dataset.extxyz [options]
  mlffd md --help, mlffd profile --help, mlffd bench --help, mlffd sample --help, mlffd label --help, mlffd distill --help
  mlffd --version

Add --verbose to any command for stack traces on errors.`;

/** Node's own errors for a bad call or a missing file, which deserve one clear line too. */
function isExpectedError(error: unknown): error is Error {
  if (error instanceof MlffdError) return true;
  const code = (error as { code?: string }).code;
  return (
    typeof code === 'string' &&
    (code.startsWith('ERR_PARSE_ARGS') || ['ENOENT', 'EACCES', 'EISDIR', 'ENOTDIR'].includes(code))
  );
}

/**
 * Runs the CLI with arguments (without `node` and the script) and returns the exit code:
 * 0 on success, 2 for a usage error, 1 for any other failure. Errors print one line;
 * `--verbose` adds the stack trace.
 */
export async function main(argv: string[]): Promise<number> {
  const verbose = argv.includes('--verbose');
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        console.log(HELP);
        return command === undefined ? 2 : 0;
      case '-v':
      case '--version':
        console.log(VERSION);
        return 0;
      case 'md':
        return await mdCommand(rest);
      case 'profile':
        return await profileCommand(rest);
      case 'bench':
        return await benchCommand(rest);
      case 'sample':
        return await sampleCommand(rest);
      case 'label':
        return await labelCommand(rest);
      case 'distill':
        return await distillCommand(rest);
      default:
        throw new UsageError(
          `unknown command "${command}"; commands: distill, md, bench, profile, sample, label (see mlffd --help)`,
        );
    }
  } catch (error) {
    let message = error instanceof Error ? error.message : String(error);
    // Node's argument parser adds multi-line hints; its first line says it all.
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))
      message = message.split('\n')[0]!;
    console.error(`mlffd: error: ${message}`);
    if (verbose && error instanceof Error && error.stack) console.error(error.stack);
    else if (!isExpectedError(error))
      console.error('(this looks like a bug; run again with --verbose for the stack trace)');
    const code = (error as { code?: string }).code;
    return error instanceof UsageError || code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1;
  }
}
