import { spawn } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Atoms } from '@mlff-distiller/core';
import { findExecutable } from './find-executable.js';
import type { XtbPeriodicity } from './periodicity.js';
import { formatTurbomoleCoord } from './turbomole-coord.js';
import { parseTurbomoleGradient, type TurbomoleGradient } from './turbomole-gradient.js';
import { XtbError, XtbUnavailableError } from './xtb-error.js';
import { xtbMethodInfo } from './xtb-method.js';
import type { ResolvedXtbOptions } from './xtb-options.js';

/** How to run the `xtb` program. */
export interface XtbProgramOptions {
  /** The program: a name looked up on PATH or a path; default `xtb`. */
  program?: string;
  /** `OMP_NUM_THREADS` (and `OPENBLAS_NUM_THREADS`) for the program; default 1. */
  threads?: number;
  /** Kill the program after this many ms; default: no limit. */
  timeoutMs?: number;
  /**
   * Path of xtb's GFN0-xTB parameter file `param_gfn0-xtb.txt`; default: searched in
   * `XTBPATH`, `XTBHOME` and the usual install locations. (Debian's `xtb` program does not
   * find `/usr/share/xtb` by itself; the file is copied into the run directory.)
   */
  parameterFile?: string;
}

/** Lines of output kept in error messages. */
const TAIL_LINES = 25;

/**
 * The path of the `xtb` program (default `$MLFFD_XTB`, else `xtb` on PATH), or
 * {@link XtbUnavailableError} saying it is not there and how to install it.
 */
export function resolveXtbProgram(program = process.env.MLFFD_XTB || 'xtb'): string {
  const path = findExecutable(program);
  if (path !== null) return path;
  const where =
    program.includes('/') || program.includes('\\')
      ? `the xtb program ${program} does not exist or is not executable`
      : `the xtb program "${program}" was not found on PATH`;
  throw new XtbUnavailableError(
    'program',
    `${where}; install it with "apt-get install xtb" (Debian/Ubuntu) or "conda install -c conda-forge xtb", or give its path (the "program" option, or MLFFD_XTB=PATH)`,
  );
}

/**
 * The command-line arguments for one gradient run on `file`: `--grad`, charge, unpaired
 * electrons, accuracy, electronic temperature, iterations, the method, and the solvent
 * (`--gbsa NAME` or `--alpb NAME`).
 */
export function xtbProgramArguments(
  file: string,
  options: ResolvedXtbOptions & { uhf: number },
): string[] {
  const args = [
    file,
    '--grad',
    '--chrg',
    String(options.charge),
    '--uhf',
    String(options.uhf),
    '--acc',
    String(options.accuracy),
    '--etemp',
    String(options.electronicTemperature),
    '--iterations',
    String(options.maxIterations),
    ...xtbMethodInfo(options.method).programArguments,
  ];
  if (options.solvent) args.push(`--${options.solvent.model}`, options.solvent.name);
  return args;
}

/** The last lines of a text, for error messages. */
function tail(text: string, lines = TAIL_LINES): string {
  const all = text.trimEnd().split(/\r?\n/);
  return all.slice(-lines).join('\n');
}

/** The lines of xtb's `[ERROR]` block, innermost cause first, as one line. */
function errorSummary(output: string): string {
  const block = /\[ERROR\][^\n]*\n([\s\S]*?)\n#{10,}/.exec(output);
  if (!block) return '';
  return block[1]!
    .split('\n')
    .map((l) => l.replace(/^\s*-\d+-\s*/, '').trim())
    .filter(Boolean)
    .reverse()
    .join('; ');
}

function runProcess(
  program: string,
  args: string[],
  cwd: string,
  outputFile: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number | undefined,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const fd = openSync(outputFile, 'w');
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(program, args, {
        cwd,
        env,
        stdio: ['ignore', fd, fd],
        timeout: timeoutMs,
        windowsHide: true,
      });
    } catch (error) {
      closeSync(fd);
      reject(error);
      return;
    }
    child.once('error', (error) => {
      closeSync(fd);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      closeSync(fd);
      resolve({ code, signal });
    });
  });
}

/**
 * Runs `xtb` once on `atoms` (a molecule or a fully periodic structure) in a fresh
 * temporary directory, which is removed afterwards: writes a Turbomole `coord` file (Bohr),
 * runs `xtb coord --grad …` (see {@link xtbProgramArguments}) with `OMP_NUM_THREADS` set,
 * and parses the `gradient` file. Returns xtb's units: Hartree and Hartree/Bohr. Methods
 * without built-in parameters (GFN0-xTB) get their parameter file (`run.parameterFile`, an
 * absolute path) copied into the run directory under xtb's name for it.
 *
 * Throws {@link XtbUnavailableError} when the program cannot be started and
 * {@link XtbError} with xtb's error block and the tail of its output when it fails.
 */
export async function runXtbProgram(
  atoms: Atoms,
  periodicity: XtbPeriodicity,
  options: ResolvedXtbOptions & { uhf: number },
  program: string,
  run: Omit<XtbProgramOptions, 'program'> = {},
): Promise<TurbomoleGradient> {
  const dir = mkdtempSync(join(tmpdir(), 'mlffd-xtb-run-'));
  try {
    const parameterName = xtbMethodInfo(options.method).parameterFile;
    if (parameterName !== null) {
      if (!run.parameterFile) {
        throw new XtbError(`${options.method} needs its parameter file ${parameterName}`);
      }
      copyFileSync(run.parameterFile, join(dir, parameterName));
    }
    writeFileSync(join(dir, 'coord'), formatTurbomoleCoord(atoms, periodicity === 'bulk'));
    const args = xtbProgramArguments('coord', options);
    const threads = String(run.threads ?? 1);
    const outputFile = join(dir, 'xtb.out');
    let status: { code: number | null; signal: NodeJS.Signals | null };
    try {
      status = await runProcess(
        program,
        args,
        dir,
        outputFile,
        { ...process.env, OMP_NUM_THREADS: threads, OPENBLAS_NUM_THREADS: threads },
        run.timeoutMs,
      );
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EACCES') {
        throw new XtbUnavailableError(
          'program',
          `the xtb program ${program} could not be started (${code}); install it with "apt-get install xtb"`,
          { cause: error },
        );
      }
      throw error;
    }
    const output = readFileSync(outputFile, 'utf8');
    const command = `xtb ${args.join(' ')}`;
    if (status.code !== 0) {
      const how =
        status.signal !== null
          ? `was killed by ${status.signal}`
          : `exited with code ${status.code}`;
      const summary = errorSummary(output);
      throw new XtbError(
        `${command} ${how}${summary ? `: ${summary}` : ''}\n--- last lines of its output ---\n${tail(output)}`,
        tail(output),
      );
    }
    let gradientText: string;
    try {
      gradientText = readFileSync(join(dir, 'gradient'), 'utf8');
    } catch {
      throw new XtbError(
        `${command} wrote no gradient file\n--- last lines of its output ---\n${tail(output)}`,
        tail(output),
      );
    }
    return parseTurbomoleGradient(gradientText, atoms.length);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
