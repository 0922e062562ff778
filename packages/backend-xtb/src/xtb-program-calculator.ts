import {
  type Atoms,
  BaseCalculator,
  type CalculatorResults,
  InvalidInputError,
  type PropertyName,
} from '@mlff-distiller/core';
import { xtbPeriodicity } from './periodicity.js';
import { structureCharge } from './structure-charge.js';
import { resolveUnpairedElectrons } from './unpaired-electrons.js';
import { checkXtbElements, xtbMethodInfo } from './xtb-method.js';
import {
  type ResolvedXtbOptions,
  resolveXtbOptions,
  type XtbOptions,
  xtbSettingsRecord,
} from './xtb-options.js';
import { findXtbParameterFile } from './xtb-parameter-file.js';
import { resolveXtbProgram, runXtbProgram, type XtbProgramOptions } from './xtb-program.js';
import { forcesFromGradient, hartreeToEv } from './xtb-units.js';

/** Options of {@link XtbProgramCalculator}: xtb's settings and how to run the program. */
export interface XtbProgramCalculatorOptions extends XtbOptions, XtbProgramOptions {}

/**
 * The `xtb` program as a Calculator: one `xtb coord --grad` run per structure in a fresh
 * temporary directory (see `runXtbProgram`), with the same settings and unit conversions as
 * {@link XtbCalculator}. The fallback where libxtb is not installed, and the cross-check of
 * the in-process path. Much slower per call (a process start and files, ~10 ms and more) and
 * without restarts between calls.
 *
 * Properties: `energy`, `free_energy` (eV) and `forces` (eV/Å) for molecules and fully
 * periodic structures (GFN1-xTB, GFN0-xTB; written as a Turbomole coord file with
 * `$periodic 3`). No stress: xtb 6.5 writes a zero lattice gradient for GFN1-xTB.
 * Supports ALPB solvation, which libxtb 6.5's C API lacks. The program runs with
 * `OMP_NUM_THREADS=1` unless `threads` says otherwise.
 */
export class XtbProgramCalculator extends BaseCalculator {
  readonly name = 'xtb-program';
  readonly implementedProperties: readonly PropertyName[] = ['energy', 'free_energy', 'forces'];
  /** The xtb settings in use, defaults filled in. */
  readonly options: ResolvedXtbOptions;
  private readonly program: string;
  private readonly threads: number;
  private readonly timeoutMs: number | undefined;
  private readonly parameterFileOption: string | undefined;
  private programPath: string | null = null;

  /** Checks the options; the program is looked up by the first calculation. */
  constructor(options: XtbProgramCalculatorOptions = {}) {
    super();
    this.options = resolveXtbOptions(options);
    this.program = options.program ?? (process.env.MLFFD_XTB || 'xtb');
    this.threads = options.threads ?? 1;
    if (!(Number.isInteger(this.threads) && this.threads >= 1)) {
      throw new RangeError(`threads must be an integer ≥ 1, got ${this.threads}`);
    }
    this.timeoutMs = options.timeoutMs;
    this.parameterFileOption = options.parameterFile;
    Object.assign(this.parameters, {
      backend: 'xtb-program',
      program: this.program,
      ...xtbSettingsRecord(this.options),
      threads: this.threads,
    });
  }

  /** The program's path, looked up once; throws XtbUnavailableError when it is missing. */
  resolveProgram(): string {
    this.programPath ??= resolveXtbProgram(this.program);
    return this.programPath;
  }

  protected async doCalculate(atoms: Atoms): Promise<CalculatorResults> {
    atoms.validate();
    const periodicity = xtbPeriodicity(atoms);
    const { options } = this;
    if (atoms.length === 0) throw new InvalidInputError('xtb needs at least one atom');
    checkXtbElements(atoms.numbers, options.method);
    const method = xtbMethodInfo(options.method);
    const parameterFile = method.parameterFile
      ? findXtbParameterFile(method.parameterFile, this.parameterFileOption)
      : undefined;
    const { charge, uhf: uhfSetting } = structureCharge(atoms, options);
    const uhf = method.tightBinding
      ? resolveUnpairedElectrons(atoms.numbers, charge, uhfSetting)
      : (uhfSetting ?? 0);
    const result = await runXtbProgram(
      atoms,
      periodicity,
      { ...options, charge, uhf },
      this.resolveProgram(),
      { threads: this.threads, timeoutMs: this.timeoutMs, parameterFile },
    );
    return {
      energy: hartreeToEv(result.energy),
      forces: forcesFromGradient(result.gradient),
    };
  }
}
