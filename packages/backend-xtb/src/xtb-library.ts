import { devNull } from 'node:os';
import { loadKoffi } from './koffi.js';
import { pinSharedLibrary } from './pin-shared-library.js';
import { inScratchDirectory } from './scratch-directory.js';
import { XtbError, XtbUnavailableError } from './xtb-error.js';
import type { XtbMethod } from './xtb-method.js';
import type { XtbSolvent } from './xtb-options.js';

/** An opaque libxtb object (koffi passes C pointers as bigint). */
type Handle<Kind extends string> = bigint & { readonly __xtb: Kind };
/** A libxtb molecular structure (`xtb_TMolecule`). */
export type XtbMoleculeHandle = Handle<'molecule'>;
/** A libxtb single-point calculator (`xtb_TCalculator`). */
export type XtbCalculatorHandle = Handle<'calculator'>;
/** A libxtb results object (`xtb_TResults`); it also keeps the wavefunction for restarts. */
export type XtbResultsHandle = Handle<'results'>;
type XtbEnvironmentHandle = Handle<'environment'>;

/** Where to find libxtb. */
export interface XtbLibraryOptions {
  /**
   * A file name or path given to `dlopen`; default: `$MLFFD_LIBXTB`, else the platform's names, tried in order
   * (Linux `libxtb.so.6`, `libxtb.so`; macOS `libxtb.6.dylib`, `libxtb.dylib`; Windows
   * `libxtb-6.dll`, `libxtb.dll`).
   */
  path?: string;
}

/**
 * The library names tried when no path is given: `$MLFFD_LIBXTB` when set (a libxtb in a
 * conda environment or a build tree), else the platform's names.
 */
export function defaultXtbLibraryNames(platform: NodeJS.Platform = process.platform): string[] {
  if (process.env.MLFFD_LIBXTB) return [process.env.MLFFD_LIBXTB];
  if (platform === 'darwin') return ['libxtb.6.dylib', 'libxtb.dylib'];
  if (platform === 'win32') return ['libxtb-6.dll', 'libxtb.dll'];
  return ['libxtb.so.6', 'libxtb.so'];
}

/** libxtb's `XTB_VERBOSITY_MUTED`. */
const VERBOSITY_MUTED = 0;
/** First C API version whose `xtb_setSolvent` takes the solvation model (xtb 6.7). */
const API_WITH_SOLVENT_MODEL = 20000;

// biome-ignore lint/suspicious/noExplicitAny: koffi functions are untyped.
type NativeFunction = (...args: any[]) => any;

interface Bindings {
  getAPIVersion: NativeFunction;
  newEnvironment: NativeFunction;
  checkEnvironment: NativeFunction;
  getError: NativeFunction;
  setVerbosity: NativeFunction;
  setOutput: NativeFunction;
  newMolecule: NativeFunction;
  updateMolecule: NativeFunction;
  delMolecule: NativeFunction;
  newCalculator: NativeFunction;
  delCalculator: NativeFunction;
  loadGFN0xTB: NativeFunction;
  loadGFN1xTB: NativeFunction;
  loadGFN2xTB: NativeFunction;
  loadGFNFF: NativeFunction;
  setSolvent: NativeFunction;
  releaseSolvent: NativeFunction;
  setAccuracy: NativeFunction;
  setMaxIter: NativeFunction;
  setElectronicTemp: NativeFunction;
  singlepoint: NativeFunction;
  newResults: NativeFunction;
  delResults: NativeFunction;
  getEnergy: NativeFunction;
  getGradient: NativeFunction;
  getVirial: NativeFunction;
}

const SIGNATURES: Record<keyof Bindings, string> = {
  getAPIVersion: 'int xtb_getAPIVersion()',
  newEnvironment: 'void *xtb_newEnvironment()',
  checkEnvironment: 'int xtb_checkEnvironment(void *env)',
  getError: 'void xtb_getError(void *env, _Out_ uint8_t *buffer, const int32_t *size)',
  setVerbosity: 'void xtb_setVerbosity(void *env, int verbosity)',
  setOutput: 'void xtb_setOutput(void *env, const char *filename)',
  newMolecule:
    'void *xtb_newMolecule(void *env, const int32_t *natoms, const int32_t *numbers, const double *positions, const double *charge, const int32_t *uhf, const double *lattice, const uint8_t *periodic)',
  updateMolecule:
    'void xtb_updateMolecule(void *env, void *mol, const double *positions, const double *lattice)',
  delMolecule: 'void xtb_delMolecule(_Inout_ void **mol)',
  newCalculator: 'void *xtb_newCalculator()',
  delCalculator: 'void xtb_delCalculator(_Inout_ void **calc)',
  loadGFN0xTB: 'void xtb_loadGFN0xTB(void *env, void *mol, void *calc, const char *filename)',
  loadGFN1xTB: 'void xtb_loadGFN1xTB(void *env, void *mol, void *calc, const char *filename)',
  loadGFN2xTB: 'void xtb_loadGFN2xTB(void *env, void *mol, void *calc, const char *filename)',
  loadGFNFF: 'void xtb_loadGFNFF(void *env, void *mol, void *calc, const char *filename)',
  // Replaced by the seven-argument form for C API 2 (see bind()).
  setSolvent:
    'void xtb_setSolvent(void *env, void *calc, const char *solvent, const int32_t *state, const double *temp, const int32_t *grid)',
  releaseSolvent: 'void xtb_releaseSolvent(void *env, void *calc)',
  setAccuracy: 'void xtb_setAccuracy(void *env, void *calc, double accuracy)',
  setMaxIter: 'void xtb_setMaxIter(void *env, void *calc, int iterations)',
  setElectronicTemp: 'void xtb_setElectronicTemp(void *env, void *calc, double temperature)',
  singlepoint: 'void xtb_singlepoint(void *env, void *mol, void *calc, void *res)',
  newResults: 'void *xtb_newResults()',
  delResults: 'void xtb_delResults(_Inout_ void **res)',
  getEnergy: 'void xtb_getEnergy(void *env, void *res, double *energy)',
  getGradient: 'void xtb_getGradient(void *env, void *res, double *gradient)',
  getVirial: 'void xtb_getVirial(void *env, void *res, double *virial)',
};

const SET_SOLVENT_V2 =
  'void xtb_setSolvent(void *env, void *calc, const char *solvent, const int32_t *state, const double *temp, const int32_t *grid, const char *model)';

const LOADERS: Record<XtbMethod, keyof Bindings> = {
  'GFN0-xTB': 'loadGFN0xTB',
  'GFN1-xTB': 'loadGFN1xTB',
  'GFN2-xTB': 'loadGFN2xTB',
  'GFN-FF': 'loadGFNFF',
};

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Turns libxtb's error log ("-2- outer: message\n-1- inner: message", newest first) into
 * one line, innermost cause first.
 */
function formatErrorLog(log: string): string {
  return log
    .split('\n')
    .map((line) => line.replace(/^\s*-\d+-\s*/, '').trim())
    .filter((line) => line.length > 0)
    .reverse()
    .join('; ');
}

/**
 * libxtb, the xtb shared library, called in process through koffi: the C API of `xtb.h`
 * (environment, molecule, calculator, results) with every call checked.
 *
 * Loading is lazy and happens once per path ({@link XtbLibrary.load}); nothing native is
 * touched when this package is imported. After every call the library's environment is
 * checked and a reported error becomes an {@link XtbError} carrying xtb's message, the error
 * log emptied. Output is muted and sent to the null device.
 *
 * libxtb is not thread safe (Fortran module state), so every call is synchronous on the
 * calling thread: two calculators in one thread can never overlap. Do not use libxtb from
 * several worker threads of one process at once; run separate processes (or the `xtb`
 * program) for parallel work. Threads inside a call are OpenMP's and OpenBLAS's; see
 * {@link XtbLibrary.setThreads}.
 */
export class XtbLibrary {
  private static readonly loaded = new Map<string, XtbLibrary>();

  /** The name or path that loaded. */
  readonly path: string;
  /** libxtb's C API version, 10000·major + 100·minor + patch (10000 for xtb 6.5). */
  readonly apiVersion: number;
  /** Whether `xtb_setSolvent` can build ALPB models (C API 2, xtb ≥ 6.7); libxtb 6.5 cannot. */
  readonly supportsAlpb: boolean;
  private readonly fn: Bindings;
  private readonly env: XtbEnvironmentHandle;
  private readonly errorBuffer = new Uint8Array(8192);
  private readonly errorBufferSize = Int32Array.of(8192);
  private readonly energyBuffer = new Float64Array(1);
  private readonly ompSetNumThreads: NativeFunction | null;
  private readonly ompGetMaxThreads: NativeFunction | null;
  private readonly openblasSetNumThreads: NativeFunction | null;
  /** Whether GFN0-xTB was set up, which spoils later GFN2-xTB setups (see methodLimitation). */
  private gfn0SetUp = false;

  private constructor(path: string, fn: Bindings, optional: Record<string, NativeFunction | null>) {
    this.path = path;
    this.fn = fn;
    this.apiVersion = fn.getAPIVersion() as number;
    this.supportsAlpb = this.apiVersion >= API_WITH_SOLVENT_MODEL;
    this.ompSetNumThreads = optional.omp_set_num_threads ?? null;
    this.ompGetMaxThreads = optional.omp_get_max_threads ?? null;
    this.openblasSetNumThreads = optional.openblas_set_num_threads ?? null;
    const env = fn.newEnvironment() as XtbEnvironmentHandle | null;
    if (env === null) throw new XtbError('libxtb could not create a calculation environment');
    this.env = env;
    fn.setVerbosity(env, VERBOSITY_MUTED);
    fn.setOutput(env, devNull);
    this.check('xtb_setOutput');
  }

  /**
   * The library for these options, loaded on first use and shared afterwards. Throws
   * {@link XtbUnavailableError} saying which names were tried, why each failed and how to
   * install libxtb.
   */
  static load(options: XtbLibraryOptions = {}): XtbLibrary {
    const names = options.path ? [options.path] : defaultXtbLibraryNames();
    for (const name of names) {
      const cached = XtbLibrary.loaded.get(name);
      if (cached) return cached;
    }
    let koffi: ReturnType<typeof loadKoffi>;
    try {
      koffi = loadKoffi();
    } catch (error) {
      throw new XtbUnavailableError(
        'library',
        `cannot call libxtb: the koffi FFI module failed to load (${reason(error)}); reinstall dependencies for this platform`,
        { cause: error },
      );
    }
    const failures: string[] = [];
    for (const name of names) {
      let lib: ReturnType<typeof koffi.load>;
      try {
        lib = koffi.load(name);
      } catch (error) {
        failures.push(`${name}: ${reason(error)}`);
        continue;
      }
      let fn: Bindings;
      try {
        const apiVersion = lib.func(SIGNATURES.getAPIVersion)() as number;
        fn = {} as Bindings;
        for (const [key, signature] of Object.entries(SIGNATURES) as [keyof Bindings, string][]) {
          const sig =
            key === 'setSolvent' && apiVersion >= API_WITH_SOLVENT_MODEL
              ? SET_SOLVENT_V2
              : signature;
          fn[key] = lib.func(sig);
        }
      } catch (error) {
        failures.push(`${name}: not a usable libxtb (${reason(error)})`);
        continue;
      }
      const optional: Record<string, NativeFunction | null> = {};
      for (const signature of [
        'void omp_set_num_threads(int n)',
        'int omp_get_max_threads()',
        'void openblas_set_num_threads(int n)',
      ]) {
        const symbol = /(\w+)\(/.exec(signature)![1]!;
        try {
          optional[symbol] = lib.func(signature);
        } catch {
          optional[symbol] = null;
        }
      }
      pinSharedLibrary(koffi, name);
      const library = new XtbLibrary(name, fn, optional);
      XtbLibrary.loaded.set(name, library);
      return library;
    }
    throw new XtbUnavailableError(
      'library',
      `libxtb could not be loaded (tried ${failures.join('; ')}). Install it with "apt-get install libxtb6" (Debian/Ubuntu) or "conda install -c conda-forge xtb", or give its path (the "library.path" option, or MLFFD_LIBXTB=PATH)`,
    );
  }

  /**
   * Checks libxtb's environment after `operation` and throws {@link XtbError} with xtb's
   * messages when it logged an error (the log is emptied, so the next call starts clean).
   */
  check(operation: string): void {
    if (this.fn.checkEnvironment(this.env) === 0) return;
    this.errorBuffer.fill(0);
    this.fn.getError(this.env, this.errorBuffer, this.errorBufferSize);
    const end = this.errorBuffer.indexOf(0);
    const log = Buffer.from(this.errorBuffer.subarray(0, end < 0 ? undefined : end))
      .toString('utf8')
      .trim();
    const summary = formatErrorLog(log) || 'no message';
    throw new XtbError(`libxtb: ${operation} failed: ${summary}`, log);
  }

  /**
   * Sets the threads of the next calls: OpenMP's (for this thread) and OpenBLAS's. Without
   * a call, OpenMP uses `OMP_NUM_THREADS` or one thread per core. Returns whether libxtb
   * exposes the OpenMP control (a serial build does not).
   */
  setThreads(threads: number): boolean {
    if (!(Number.isInteger(threads) && threads >= 1)) {
      throw new RangeError(`threads must be an integer ≥ 1, got ${threads}`);
    }
    this.ompSetNumThreads?.(threads);
    this.openblasSetNumThreads?.(threads);
    return this.ompSetNumThreads !== null;
  }

  /** OpenMP's thread count for the next parallel region of this thread, or null without OpenMP. */
  maxThreads(): number | null {
    return this.ompGetMaxThreads ? (this.ompGetMaxThreads() as number) : null;
  }

  /**
   * A new structure: `numbers` (N), `positions` (3N, Bohr), total `charge` (e), unpaired
   * electrons `uhf`, and for periodic systems the `lattice` (9, Bohr, rows are lattice
   * vectors) with periodicity along all three vectors.
   */
  newMolecule(
    numbers: Int32Array,
    positions: Float64Array,
    charge: number,
    uhf: number,
    lattice: Float64Array | null,
  ): XtbMoleculeHandle {
    const mol = this.fn.newMolecule(
      this.env,
      Int32Array.of(numbers.length),
      numbers,
      positions,
      Float64Array.of(charge),
      Int32Array.of(uhf),
      lattice,
      lattice ? Uint8Array.of(1, 1, 1) : null,
    ) as XtbMoleculeHandle | null;
    try {
      this.check('xtb_newMolecule');
    } catch (error) {
      if (
        error instanceof XtbError &&
        /Could not generate molecular structure/.test(error.message)
      ) {
        throw new XtbError(
          `${error.message} (two atoms closer than 1e-9 Bohr?)`,
          error.xtbMessage,
          { cause: error },
        );
      }
      throw error;
    }
    if (mol === null) throw new XtbError('libxtb: xtb_newMolecule returned no structure');
    return mol;
  }

  /** Moves the atoms (3N, Bohr) and, for periodic systems, the lattice (9, Bohr). */
  updateMolecule(
    mol: XtbMoleculeHandle,
    positions: Float64Array,
    lattice: Float64Array | null,
  ): void {
    this.fn.updateMolecule(this.env, mol, positions, lattice);
    this.check('xtb_updateMolecule');
  }

  /** Frees a structure. */
  deleteMolecule(mol: XtbMoleculeHandle): void {
    this.fn.delMolecule([mol]);
  }

  /** A new, empty calculator; give it a method with {@link XtbLibrary.loadMethod}. */
  newCalculator(): XtbCalculatorHandle {
    const calc = this.fn.newCalculator() as XtbCalculatorHandle | null;
    if (calc === null) throw new XtbError('libxtb: xtb_newCalculator returned no calculator');
    return calc;
  }

  /**
   * Why this library cannot set `method` up correctly now, or null when it can.
   *
   * libxtb keeps the D4 reference charges in module state (`refq` of
   * `xtb_disp_dftd4param`, xtb 6.5 to 6.7): setting GFN0-xTB up overwrites them with its
   * own (Goedecker) set, and every GFN2-xTB set up afterwards in the same process silently
   * takes those (measured: 1.1e-4 Eh off for ethanol). GFN2-xTB calculators set up before
   * keep their own copy and stay right; GFN1-xTB and GFN-FF (D3) are not affected.
   */
  methodLimitation(method: XtbMethod): string | null {
    if (method === 'GFN2-xTB' && this.gfn0SetUp) {
      return 'GFN2-xTB cannot be set up in a process that has set up GFN0-xTB through libxtb: libxtb keeps the D4 reference charges in global module state and GFN0-xTB overwrote them, so GFN2-xTB energies would be off by ~1e-4 Eh. Run GFN0-xTB and GFN2-xTB in separate processes, or use the xtb program (mode "program")';
    }
    return null;
  }

  /**
   * Sets the calculator up with `method` for the structure `mol`, with a parameter file
   * (absolute path) or the built-in parameters (null). Runs in a private scratch directory,
   * so files in the working directory do not leak in (see `inScratchDirectory`). Throws
   * {@link XtbError} when {@link XtbLibrary.methodLimitation} says the setup would be wrong.
   */
  loadMethod(
    method: XtbMethod,
    mol: XtbMoleculeHandle,
    calc: XtbCalculatorHandle,
    parameterFile: string | null,
  ): void {
    const limitation = this.methodLimitation(method);
    if (limitation !== null) throw new XtbError(limitation);
    if (method === 'GFN0-xTB') this.gfn0SetUp = true;
    const key = LOADERS[method];
    inScratchDirectory(() => this.fn[key](this.env, mol, calc, parameterFile));
    this.check(`xtb_${key}`);
  }

  /** xtb's accuracy factor (1e-4 to 1000, lower is tighter). */
  setAccuracy(calc: XtbCalculatorHandle, accuracy: number): void {
    this.fn.setAccuracy(this.env, calc, accuracy);
    this.check('xtb_setAccuracy');
  }

  /** Maximum SCF iterations (self-consistent tight binding only). */
  setMaxIterations(calc: XtbCalculatorHandle, iterations: number): void {
    this.fn.setMaxIter(this.env, calc, iterations);
    this.check('xtb_setMaxIter');
  }

  /** Electronic temperature in K (tight binding only). */
  setElectronicTemperature(calc: XtbCalculatorHandle, kelvin: number): void {
    this.fn.setElectronicTemp(this.env, calc, kelvin);
    this.check('xtb_setElectronicTemp');
  }

  /**
   * Adds implicit solvation with xtb's defaults (solvation free energy reference state,
   * 298.15 K, 230-point grid). GBSA always; ALPB only with C API 2 (xtb ≥ 6.7): libxtb 6.5's
   * `xtb_setSolvent` hard-codes GBSA, so ALPB throws {@link XtbError} there.
   */
  setSolvent(calc: XtbCalculatorHandle, solvent: XtbSolvent): void {
    if (this.apiVersion >= API_WITH_SOLVENT_MODEL) {
      this.fn.setSolvent(this.env, calc, solvent.name, null, null, null, solvent.model);
    } else if (solvent.model === 'gbsa') {
      this.fn.setSolvent(this.env, calc, solvent.name, null, null, null);
    } else {
      throw new XtbError(
        `ALPB solvation is not available through libxtb's C API version ${this.apiVersion} (${this.path}): its xtb_setSolvent always builds a GBSA model (ALPB arrived with C API 2.0, xtb 6.7). Use solvent model "gbsa", or the xtb program (mode "program") for ALPB`,
      );
    }
    this.check('xtb_setSolvent');
  }

  /** Removes the solvation model. */
  releaseSolvent(calc: XtbCalculatorHandle): void {
    this.fn.releaseSolvent(this.env, calc);
    this.check('xtb_releaseSolvent');
  }

  /** Frees a calculator. */
  deleteCalculator(calc: XtbCalculatorHandle): void {
    this.fn.delCalculator([calc]);
  }

  /** A new results object; reusing it across calls restarts the SCF from its wavefunction. */
  newResults(): XtbResultsHandle {
    const res = this.fn.newResults() as XtbResultsHandle | null;
    if (res === null) throw new XtbError('libxtb: xtb_newResults returned no results object');
    return res;
  }

  /** Frees a results object. */
  deleteResults(res: XtbResultsHandle): void {
    this.fn.delResults([res]);
  }

  /** Runs a single point: energy, gradient and (where the method has one) virial into `res`. */
  singlepoint(mol: XtbMoleculeHandle, calc: XtbCalculatorHandle, res: XtbResultsHandle): void {
    this.fn.singlepoint(this.env, mol, calc, res);
    this.check('xtb_singlepoint');
  }

  /** The total energy in Hartree. */
  getEnergy(res: XtbResultsHandle): number {
    this.fn.getEnergy(this.env, res, this.energyBuffer);
    this.check('xtb_getEnergy');
    return this.energyBuffer[0]!;
  }

  /** The gradient ∂E/∂x in Hartree/Bohr into `out` (3N, row-major). */
  getGradient(res: XtbResultsHandle, out: Float64Array): Float64Array {
    this.fn.getGradient(this.env, res, out);
    this.check('xtb_getGradient');
    return out;
  }

  /** The strain derivative ∂E/∂ε in Hartree into `out` (3×3, row-major). */
  getVirial(res: XtbResultsHandle, out: Float64Array): Float64Array {
    this.fn.getVirial(this.env, res, out);
    this.check('xtb_getVirial');
    return out;
  }
}
