import {
  type BackendAttempt,
  type Calculator,
  createBackendRegistry,
  NoBackendAvailableError,
} from '@mlff-distiller/core';
import {
  registerXtbCalculators,
  type XtbAnyCalculatorOptions,
  type XtbCalculatorFactory,
} from './register.js';
import { XtbCalculator } from './xtb-calculator.js';
import { XtbLibrary, type XtbLibraryOptions } from './xtb-library.js';
import { type ResolvedXtbOptions, resolveXtbOptions } from './xtb-options.js';
import { XtbProgramCalculator } from './xtb-program-calculator.js';

/** Which path {@link createXtbCalculator} takes. */
export type XtbMode = 'library' | 'program' | 'auto';

/** Options of {@link createXtbCalculator}. */
export type CreateXtbCalculatorOptions = XtbAnyCalculatorOptions & {
  /**
   * `library`: libxtb in process ({@link XtbCalculator}); `program`: the `xtb` program
   * ({@link XtbProgramCalculator}); `auto` (default): the library when it loads, else the
   * program.
   */
  mode?: XtbMode;
};

/**
 * Why a library that loads cannot run these settings (ALPB without C API 2, GFN2-xTB after
 * GFN0-xTB), or null. A library that does not load is the registry's business.
 */
function libraryLimitation(
  where: XtbLibraryOptions | undefined,
  options: ResolvedXtbOptions,
): string | null {
  let library: XtbLibrary;
  try {
    library = XtbLibrary.load(where);
  } catch {
    return null;
  }
  if (options.solvent?.model === 'alpb' && !library.supportsAlpb) {
    return `ALPB solvation needs libxtb C API 2 (xtb ≥ 6.7); ${library.path} has C API ${library.apiVersion}`;
  }
  return library.methodLimitation(options.method);
}

/**
 * An xtb calculator on the path asked for. `library` and `program` throw
 * XtbUnavailableError when their path is missing (with the install hint); `auto` throws
 * NoBackendAvailableError listing the reason for each path when none works. Options are
 * checked before anything is loaded. With `auto`, the program is used when the library loads
 * but cannot run the settings correctly: ALPB solvation with libxtb 6.5's C API, or
 * GFN2-xTB in a process that set GFN0-xTB up (see `XtbLibrary.methodLimitation`).
 */
export async function createXtbCalculator(
  options: CreateXtbCalculatorOptions = {},
): Promise<Calculator> {
  const { mode = 'auto', ...settings } = options;
  const resolved = resolveXtbOptions(settings);
  if (mode === 'library') {
    const library =
      settings.library instanceof XtbLibrary ? settings.library : XtbLibrary.load(settings.library);
    return new XtbCalculator({ ...settings, library });
  }
  if (mode === 'program') {
    const calc = new XtbProgramCalculator(settings);
    calc.resolveProgram();
    return calc;
  }
  if (mode !== 'auto') {
    throw new RangeError(`mode must be "library", "program" or "auto", got "${String(mode)}"`);
  }
  const where =
    settings.library instanceof XtbLibrary ? { path: settings.library.path } : settings.library;
  const registry = createBackendRegistry<XtbCalculatorFactory>('xtb calculator');
  registerXtbCalculators(registry, { library: where, program: settings.program });
  const skipped: BackendAttempt[] = [];
  let names = registry.names();
  const limitation = libraryLimitation(where, resolved);
  if (limitation !== null) {
    names = names.filter((n) => n !== 'xtb');
    skipped.push({ name: 'xtb', reason: limitation });
  }
  try {
    const { backend } = await registry.resolve(names);
    return backend(settings);
  } catch (error) {
    if (error instanceof NoBackendAvailableError && skipped.length > 0) {
      throw new NoBackendAvailableError(error.kind, [...skipped, ...error.attempts]);
    }
    throw error;
  }
}
