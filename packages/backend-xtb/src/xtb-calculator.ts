import {
  type Atoms,
  BaseCalculator,
  type CalculatorResults,
  cellVolume,
  InvalidInputError,
  type PropertyName,
  type SystemChange,
} from '@mlff-distiller/core';
import { strainDerivativeByFiniteDifferences } from './finite-difference-stress.js';
import { type XtbPeriodicity, xtbPeriodicity } from './periodicity.js';
import { structureCharge } from './structure-charge.js';
import { resolveUnpairedElectrons } from './unpaired-electrons.js';
import { StressNeedsBulkError, XtbError } from './xtb-error.js';
import { XtbLibrary, type XtbLibraryOptions } from './xtb-library.js';
import { checkXtbElements, type XtbMethodInfo, xtbMethodInfo } from './xtb-method.js';
import {
  type ResolvedXtbOptions,
  resolveXtbOptions,
  type XtbOptions,
  xtbSettingsRecord,
} from './xtb-options.js';
import { findXtbParameterFile } from './xtb-parameter-file.js';
import { XtbSession } from './xtb-session.js';
import {
  angstromToBohr,
  forcesFromGradient,
  hartreeToEv,
  stressFromStrainDerivative,
} from './xtb-units.js';

/**
 * How {@link XtbCalculator} computes stress:
 * - `virial`: libxtb's analytic strain derivative; only GFN0-xTB has one (xtb 6.5 computes
 *   no lattice derivative for GFN1-xTB: its virial comes back zero, and the `xtb` program's
 *   lattice gradient is zero too);
 * - `finite-difference`: central differences of the energy over six symmetric strains
 *   (twelve extra single points, each restarted from the converged wavefunction);
 * - `auto` (default): `virial` where the method has one, `finite-difference` otherwise.
 */
export type XtbStressMethod = 'auto' | 'virial' | 'finite-difference';

/** Options of {@link XtbCalculator}: xtb's settings plus where libxtb is and how it runs. */
export interface XtbCalculatorOptions extends XtbOptions {
  /** A loaded library, or where to load it from; default: the platform's libxtb names. */
  library?: XtbLibrary | XtbLibraryOptions;
  /**
   * OpenMP and OpenBLAS threads for this calculator's calls, set before each call. Default:
   * leave them as they are (process state: the last count set in this thread, initially
   * `OMP_NUM_THREADS` or one per core). One thread is fastest for small molecules.
   */
  threads?: number;
  /** How stress is computed for periodic systems; default `auto`. */
  stress?: XtbStressMethod;
  /**
   * Strain step δ for finite-difference stress (dimensionless); default 1e-3. xtb truncates
   * its periodic lattice sums at cutoffs, so E(ε) has steps of a few µeV wherever a lattice
   * point crosses a cutoff (every ~3e-4 of strain for a 24-atom water box); a step of 1e-3
   * averages over them, and agrees with GFN0-xTB's analytic virial to ~1.5e-5 eV/Å³, while
   * 1e-5 can land on one step and be off by 5e-4 eV/Å³. Truncation, δ²·∂³E/∂ε³/6, is
   * ~1e-8 eV/Å³ at 1e-3.
   */
  strainStep?: number;
  /**
   * Path of xtb's GFN0-xTB parameter file `param_gfn0-xtb.txt`; default: searched in
   * `XTBPATH`, `XTBHOME` and the usual install locations.
   */
  parameterFile?: string;
  /**
   * Restart the SCF from the previous structure's wavefunction when only positions or the
   * cell changed (default true: fewer iterations in MD). False starts every structure from
   * xtb's initial guess, so results do not depend on what was computed before (labeling:
   * the same dataset whatever the order or interruptions), at the cost of a setup per call.
   */
  restart?: boolean;
}

/** What the current native session was built for. */
interface SessionKey {
  numbers: Int32Array;
  periodicity: XtbPeriodicity;
  charge: number;
  uhf: number | undefined;
}

/**
 * GFN2-xTB, GFN1-xTB, GFN0-xTB and GFN-FF in process through libxtb: a Calculator with
 * ASE's semantics (Å, eV, eV/Å, eV/Å³).
 *
 * Properties: `energy` and `free_energy` (xtb's total energy, Hartree → eV with ASE's
 * `units.Hartree`), `forces` (−gradient·Hartree/Bohr), and `stress` for fully periodic
 * structures (Voigt, ASE's sign, σ = (1/V)·∂E/∂ε; see {@link XtbStressMethod}). Positions and
 * cell go to xtb in Bohr (÷ `units.Bohr`).
 *
 * The native structure, calculator and results object live across calls: when only
 * positions or the cell changed they are updated in place and the SCF restarts from the
 * previous wavefunction (fewer iterations in MD). A new composition or periodicity builds
 * them afresh. GFN-FF sets its topology (bonds, reference charges) up from the first
 * structure and keeps it while the composition stays, as xtb's own MD does; `reset()` builds
 * it again from the next structure.
 *
 * GFN0-xTB spoils GFN2-xTB setups that come after it in the same process (a libxtb bug:
 * shared D4 reference charges); such a setup throws {@link XtbError} rather than return
 * wrong energies (see `XtbLibrary.methodLimitation`).
 *
 * Periodic systems: GFN1-xTB and GFN0-xTB. xtb 6.5 has no periodic GFN2-xTB (multipoles)
 * or GFN-FF; asking for them throws {@link XtbError} with xtb's reason. Slabs and wires
 * (mixed pbc) are rejected: xtb treats any periodic axis as three-dimensional.
 *
 * Calls are synchronous native calls on the calling thread (they block it for the length
 * of a single point); the calls of one calculator are serialised by BaseCalculator, and no
 * two calls of any calculators in a thread can overlap. `dispose()` frees the native
 * objects (safe twice); a later calculation builds new ones.
 */
export class XtbCalculator extends BaseCalculator {
  readonly name = 'xtb';
  readonly implementedProperties: readonly PropertyName[] = [
    'energy',
    'free_energy',
    'forces',
    'stress',
  ];
  /** The xtb settings in use, defaults filled in. */
  readonly options: ResolvedXtbOptions;
  private readonly method: XtbMethodInfo;
  private readonly libraryOption: XtbLibrary | XtbLibraryOptions | undefined;
  private readonly threads: number | undefined;
  private readonly stressMethod: XtbStressMethod;
  private readonly strainStep: number;
  private readonly parameterFileOption: string | undefined;
  private readonly restart: boolean;
  private setupCount = 0;
  private library: XtbLibrary | null = null;
  private session: XtbSession | null = null;
  private sessionKey: SessionKey | null = null;
  private positionsBohr = new Float64Array(0);
  private readonly latticeBohr = new Float64Array(9);

  /** Checks the options; loads nothing (libxtb is loaded by the first calculation). */
  constructor(options: XtbCalculatorOptions = {}) {
    super();
    this.options = resolveXtbOptions(options);
    this.method = xtbMethodInfo(this.options.method);
    this.libraryOption = options.library;
    if (
      options.threads !== undefined &&
      !(Number.isInteger(options.threads) && options.threads >= 1)
    ) {
      throw new RangeError(`threads must be an integer ≥ 1, got ${options.threads}`);
    }
    this.threads = options.threads;
    this.stressMethod = options.stress ?? 'auto';
    if (!['auto', 'virial', 'finite-difference'].includes(this.stressMethod)) {
      throw new RangeError(
        `stress must be "auto", "virial" or "finite-difference", got "${this.stressMethod}"`,
      );
    }
    this.strainStep = options.strainStep ?? 1e-3;
    if (!(this.strainStep > 0 && this.strainStep < 0.1)) {
      throw new RangeError(`strainStep must be in (0, 0.1), got ${this.strainStep}`);
    }
    this.parameterFileOption = options.parameterFile;
    this.restart = options.restart ?? true;
    Object.assign(this.parameters, {
      backend: 'libxtb',
      ...xtbSettingsRecord(this.options),
      threads: this.threads ?? 'default',
      stress: this.stressMethod,
      restart: this.restart,
    });
  }

  /**
   * How many times native objects were built (first call, new composition or periodicity,
   * after `reset()` or `dispose()`); calls that only moved atoms reuse them.
   */
  get setups(): number {
    return this.setupCount;
  }

  /** libxtb, loaded on first use; throws XtbUnavailableError when it cannot be. */
  getLibrary(): XtbLibrary {
    if (this.library === null) {
      const option = this.libraryOption;
      this.library = option instanceof XtbLibrary ? option : XtbLibrary.load(option);
      this.parameters.library = this.library.path;
      this.parameters.apiVersion = this.library.apiVersion;
    }
    return this.library;
  }

  protected doCalculate(
    atoms: Atoms,
    properties: readonly PropertyName[],
    changes: readonly SystemChange[],
  ): CalculatorResults {
    atoms.validate();
    const periodicity = xtbPeriodicity(atoms);
    const wantStress = properties.includes('stress');
    if (wantStress && periodicity !== 'bulk') {
      throw new StressNeedsBulkError(this.name, this.implementedProperties);
    }
    const library = this.getLibrary();
    if (this.threads !== undefined) library.setThreads(this.threads);
    if (this.positionsBohr.length !== atoms.positions.length) {
      this.positionsBohr = new Float64Array(atoms.positions.length);
    }
    const positions = angstromToBohr(atoms.positions, this.positionsBohr);
    const lattice = periodicity === 'bulk' ? angstromToBohr(atoms.cell, this.latticeBohr) : null;

    // Decided before any work, so that an impossible request fails fast. The analytic
    // virial comes with every single point: its stress is kept even when not asked for.
    let stressMode: 'virial' | 'finite-difference' | null = null;
    if (periodicity === 'bulk') {
      if (wantStress) stressMode = this.resolveStressMethod();
      else if (this.method.virial && this.stressMethod !== 'finite-difference') {
        stressMode = 'virial';
      }
    }

    const session = this.sessionFor(atoms, periodicity, changes, positions, lattice);
    this.runSinglepoint(session, periodicity);
    const results: CalculatorResults = {
      energy: hartreeToEv(session.energy()),
      forces: forcesFromGradient(session.gradient()),
    };
    if (stressMode !== null) {
      if (stressMode === 'virial') {
        results.stress = stressFromStrainDerivative(session.virial(), cellVolume(atoms.cell));
      } else {
        const derivative = strainDerivativeByFiniteDifferences(
          positions,
          lattice!,
          (x, cell) => {
            session.update(x, cell);
            this.runSinglepoint(session, periodicity);
            return session.energy();
          },
          this.strainStep,
        );
        session.update(positions, lattice);
        results.stress = stressFromStrainDerivative(derivative, cellVolume(atoms.cell));
      }
    }
    return results;
  }

  /** The stress method for this calculator's method; throws when `virial` is impossible. */
  private resolveStressMethod(): 'virial' | 'finite-difference' {
    if (this.stressMethod === 'auto') return this.method.virial ? 'virial' : 'finite-difference';
    if (this.stressMethod === 'virial' && !this.method.virial) {
      throw new XtbError(
        `libxtb computes no virial for ${this.options.method} (xtb 6.5 returns zeros: its SCF has no lattice derivative); use stress "finite-difference" or "auto"`,
      );
    }
    return this.stressMethod;
  }

  /** The session for these atoms: the current one updated, or a new one. */
  private sessionFor(
    atoms: Atoms,
    periodicity: XtbPeriodicity,
    changes: readonly SystemChange[],
    positions: Float64Array,
    lattice: Float64Array | null,
  ): XtbSession {
    const key = this.sessionKey;
    const { charge, uhf: uhfSetting } = structureCharge(atoms, this.options);
    const reusable =
      this.restart &&
      this.session?.alive &&
      key !== null &&
      key.periodicity === periodicity &&
      key.charge === charge &&
      key.uhf === uhfSetting &&
      !changes.includes('numbers') &&
      !changes.includes('pbc') &&
      key.numbers.length === atoms.numbers.length &&
      key.numbers.every((z, i) => z === atoms.numbers[i]);
    if (reusable) {
      if (changes.includes('positions') || (lattice !== null && changes.includes('cell'))) {
        this.session!.update(positions, lattice);
      }
      return this.session!;
    }
    this.disposeSession();
    const { options } = this;
    if (atoms.length === 0) throw new InvalidInputError('xtb needs at least one atom');
    checkXtbElements(atoms.numbers, options.method);
    const uhf = this.method.tightBinding
      ? resolveUnpairedElectrons(atoms.numbers, charge, uhfSetting)
      : (uhfSetting ?? 0);
    const parameterFile = this.method.parameterFile
      ? findXtbParameterFile(this.method.parameterFile, this.parameterFileOption)
      : null;
    try {
      this.session = new XtbSession(this.getLibrary(), {
        numbers: atoms.numbers.slice(),
        positions,
        lattice,
        options: { ...options, charge, uhf },
        parameterFile,
      });
    } catch (error) {
      throw this.explainPeriodic(error, periodicity);
    }
    this.setupCount++;
    this.sessionKey = { numbers: atoms.numbers.slice(), periodicity, charge, uhf: uhfSetting };
    return this.session;
  }

  private runSinglepoint(session: XtbSession, periodicity: XtbPeriodicity): void {
    try {
      session.singlepoint();
    } catch (error) {
      throw this.explainPeriodic(this.explainScf(error), periodicity);
    }
  }

  /** Adds the settings to blame to an SCF that did not converge. */
  private explainScf(error: unknown): unknown {
    if (!(error instanceof XtbError) || !/did not converge/i.test(error.message)) return error;
    const { maxIterations, electronicTemperature } = this.options;
    return new XtbError(
      `${error.message} (${this.options.method}, maxIterations ${maxIterations}, electronicTemperature ${electronicTemperature} K): raise maxIterations or electronicTemperature, or check the structure`,
      error.xtbMessage,
      { cause: error },
    );
  }

  /** Says which methods xtb has for periodic systems when a periodic setup failed. */
  private explainPeriodic(error: unknown, periodicity: XtbPeriodicity): unknown {
    if (!(error instanceof XtbError) || periodicity !== 'bulk' || this.method.periodic) {
      return error;
    }
    return new XtbError(
      `${this.options.method} failed for a periodic structure; xtb 6.5 implements periodic boundary conditions for GFN1-xTB and GFN0-xTB only. ${error.message}`,
      error.xtbMessage,
      { cause: error },
    );
  }

  private disposeSession(): void {
    this.session?.dispose();
    this.session = null;
    this.sessionKey = null;
  }

  /** Frees libxtb's objects for this calculator; safe to call twice. */
  async dispose(): Promise<void> {
    this.disposeSession();
  }
}
