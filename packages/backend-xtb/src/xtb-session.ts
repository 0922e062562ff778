import type {
  XtbCalculatorHandle,
  XtbLibrary,
  XtbMoleculeHandle,
  XtbResultsHandle,
} from './xtb-library.js';
import { xtbMethodInfo } from './xtb-method.js';
import type { ResolvedXtbOptions } from './xtb-options.js';

/** What a session is built for: one composition, periodicity and set of options. */
export interface XtbSessionSetup {
  /** Atomic numbers, N. */
  numbers: Int32Array;
  /** Positions in Bohr, 3N. */
  positions: Float64Array;
  /** Lattice in Bohr (9, rows) for a fully periodic system, null for a molecule. */
  lattice: Float64Array | null;
  /** Options, with the unpaired electrons resolved. */
  options: ResolvedXtbOptions & { uhf: number };
  /** Absolute path of the parameter file, or null for libxtb's built-in parameters. */
  parameterFile: string | null;
}

interface Handles {
  library: XtbLibrary;
  mol: XtbMoleculeHandle | null;
  calc: XtbCalculatorHandle | null;
  res: XtbResultsHandle | null;
}

function release(handles: Handles): void {
  const { library } = handles;
  if (handles.res !== null) library.deleteResults(handles.res);
  if (handles.calc !== null) library.deleteCalculator(handles.calc);
  if (handles.mol !== null) library.deleteMolecule(handles.mol);
  handles.res = null;
  handles.calc = null;
  handles.mol = null;
}

/** Frees the native objects of sessions that were dropped without `dispose()`. */
const finalizer = new FinalizationRegistry<Handles>(release);

/**
 * The native objects of one libxtb calculation that lives across calls: the structure, the
 * calculator set up with a method and options, and the results object, whose wavefunction
 * restarts the next SCF. Moving atoms (or the cell) only updates the structure; a new
 * composition or periodicity needs a new session. Units are xtb's: Bohr, Hartree.
 */
export class XtbSession {
  private readonly handles: Handles;
  /** Number of atoms. */
  readonly natoms: number;

  constructor(
    readonly library: XtbLibrary,
    setup: XtbSessionSetup,
  ) {
    this.natoms = setup.numbers.length;
    const handles: Handles = { library, mol: null, calc: null, res: null };
    try {
      const { options } = setup;
      const info = xtbMethodInfo(options.method);
      handles.mol = library.newMolecule(
        setup.numbers,
        setup.positions,
        options.charge,
        options.uhf,
        setup.lattice,
      );
      handles.calc = library.newCalculator();
      library.loadMethod(options.method, handles.mol, handles.calc, setup.parameterFile);
      library.setAccuracy(handles.calc, options.accuracy);
      if (info.tightBinding) {
        library.setElectronicTemperature(handles.calc, options.electronicTemperature);
        library.setMaxIterations(handles.calc, options.maxIterations);
      }
      if (options.solvent) library.setSolvent(handles.calc, options.solvent);
      handles.res = library.newResults();
    } catch (error) {
      release(handles);
      throw error;
    }
    this.handles = handles;
    finalizer.register(this, handles, this);
  }

  /** Whether the native objects are still there. */
  get alive(): boolean {
    return this.handles.mol !== null;
  }

  private live(): Required<{ [K in keyof Handles]: NonNullable<Handles[K]> }> {
    const { library, mol, calc, res } = this.handles;
    if (mol === null || calc === null || res === null) {
      throw new Error('this xtb session was disposed');
    }
    return { library, mol, calc, res };
  }

  /** Moves the atoms (3N, Bohr) and the lattice (9, Bohr; null for a molecule). */
  update(positions: Float64Array, lattice: Float64Array | null): void {
    const { library, mol } = this.live();
    library.updateMolecule(mol, positions, lattice);
  }

  /**
   * Runs a single point. After a failure (an SCF that did not converge…) the results
   * object, and the wavefunction it holds, is replaced, so the next call starts from a
   * fresh guess rather than from a broken state.
   */
  singlepoint(): void {
    const { library, mol, calc, res } = this.live();
    try {
      library.singlepoint(mol, calc, res);
    } catch (error) {
      library.deleteResults(res);
      this.handles.res = null;
      this.handles.res = library.newResults();
      throw error;
    }
  }

  /** Energy of the last single point in Hartree. */
  energy(): number {
    const { library, res } = this.live();
    return library.getEnergy(res);
  }

  /** Gradient of the last single point in Hartree/Bohr (3N) into `out`. */
  gradient(out: Float64Array = new Float64Array(3 * this.natoms)): Float64Array {
    const { library, res } = this.live();
    return library.getGradient(res, out);
  }

  /** Strain derivative ∂E/∂ε of the last single point in Hartree (3×3) into `out`. */
  virial(out: Float64Array = new Float64Array(9)): Float64Array {
    const { library, res } = this.live();
    return library.getVirial(res, out);
  }

  /** Frees the native objects; safe to call twice. */
  dispose(): void {
    finalizer.unregister(this);
    release(this.handles);
  }
}
