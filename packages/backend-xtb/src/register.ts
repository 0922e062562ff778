import type { BackendRegistry, Calculator } from '@mlff-distiller/core';
import { XtbCalculator, type XtbCalculatorOptions } from './xtb-calculator.js';
import { XtbLibrary, type XtbLibraryOptions } from './xtb-library.js';
import { resolveXtbProgram } from './xtb-program.js';
import {
  XtbProgramCalculator,
  type XtbProgramCalculatorOptions,
} from './xtb-program-calculator.js';

/** Settings of both xtb calculators, as {@link createXtbCalculator} takes them. */
export type XtbAnyCalculatorOptions = Omit<XtbCalculatorOptions, 'threads'> &
  Omit<XtbProgramCalculatorOptions, 'threads'> & {
    /**
     * Threads: for the library, OpenMP/OpenBLAS threads (default: unchanged, initially
     * OMP_NUM_THREADS or one per core); for the program, its OMP_NUM_THREADS (default 1).
     */
    threads?: number;
  };

/** Builds an xtb calculator from settings; what the registry hands out. */
export type XtbCalculatorFactory = (options?: XtbAnyCalculatorOptions) => Calculator;

/** Registry names: `xtb` (libxtb, in process) and `xtb-program` (the `xtb` program). */
export const XTB_BACKEND_NAMES = ['xtb', 'xtb-program'] as const;

/**
 * Registers the two xtb paths in a backend registry: `xtb` (priority 10) checks that libxtb
 * loads, `xtb-program` (priority 0) that the `xtb` program is on PATH (or at `program`).
 * Each check runs once, lazily, when the registry first resolves it; a failure is
 * remembered with its reason.
 */
export function registerXtbCalculators(
  registry: BackendRegistry<XtbCalculatorFactory>,
  where: { library?: XtbLibraryOptions; program?: string } = {},
): void {
  registry.register(
    'xtb',
    () => {
      const library = XtbLibrary.load(where.library);
      return (options = {}) => new XtbCalculator({ ...options, library });
    },
    10,
  );
  registry.register(
    'xtb-program',
    () => {
      const program = resolveXtbProgram(where.program);
      return (options = {}) => new XtbProgramCalculator({ ...options, program });
    },
    0,
  );
}
