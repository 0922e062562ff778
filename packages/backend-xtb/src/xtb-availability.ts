import { execFile } from 'node:child_process';
import { XtbLibrary, type XtbLibraryOptions } from './xtb-library.js';
import { resolveXtbProgram } from './xtb-program.js';

/** Whether libxtb loads here. */
export type XtbLibraryAvailability =
  | {
      available: true;
      /** The name or path that loaded. */
      path: string;
      /** libxtb's C API version (10000 for xtb 6.5). */
      apiVersion: number;
      /** Whether ALPB solvation is reachable through this C API. */
      alpb: boolean;
      /** OpenMP threads a call would use now (null without OpenMP). */
      threads: number | null;
    }
  | { available: false; reason: string };

/** Whether the `xtb` program runs here. */
export type XtbProgramAvailability =
  | {
      available: true;
      /** Where it is. */
      path: string;
      /** Its version line, e.g. "xtb version 6.5.1 (unknown) compiled by … on 2022-12-09". */
      version: string;
    }
  | { available: false; reason: string };

/** Which xtb paths work here, and why not. */
export interface XtbAvailability {
  library: XtbLibraryAvailability;
  program: XtbProgramAvailability;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Reports which of the two paths work: loads libxtb (the in-process path) and runs
 * `xtb --version` (the program path). Never throws; a missing path comes with the reason
 * and the install hint.
 */
export async function xtbAvailability(
  options: { library?: XtbLibraryOptions; program?: string } = {},
): Promise<XtbAvailability> {
  let library: XtbLibraryAvailability;
  try {
    const lib = XtbLibrary.load(options.library);
    library = {
      available: true,
      path: lib.path,
      apiVersion: lib.apiVersion,
      alpb: lib.supportsAlpb,
      threads: lib.maxThreads(),
    };
  } catch (error) {
    library = { available: false, reason: reason(error) };
  }
  let program: XtbProgramAvailability;
  try {
    const path = resolveXtbProgram(options.program);
    const output = await new Promise<string>((resolve, reject) => {
      execFile(
        path,
        ['--version'],
        { env: { ...process.env, OMP_NUM_THREADS: '1' }, timeout: 30_000 },
        (error, stdout, stderr) => {
          if (error) reject(new Error(`${path} --version failed: ${error.message}`));
          else resolve(`${stdout}\n${stderr}`);
        },
      );
    });
    const version = /xtb version[^\n]*/.exec(output)?.[0]?.trim();
    program = version
      ? { available: true, path, version }
      : { available: false, reason: `${path} --version printed no xtb version` };
  } catch (error) {
    program = { available: false, reason: reason(error) };
  }
  return { library, program };
}
