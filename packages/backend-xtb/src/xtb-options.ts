import { InvalidInputError } from '@mlff-distiller/core';
import { type XtbMethod, xtbMethodInfo } from './xtb-method.js';

/** Implicit solvation. */
export interface XtbSolvent {
  /**
   * `gbsa`: generalized Born with surface area (both paths, identical settings: solvation
   * free energy reference state, 298.15 K, 230-point Lebedev grid). `alpb`: analytical
   * linearised Poisson–Boltzmann; the `xtb` program only, or libxtb with C API 2 (xtb ≥ 6.7)
   * — libxtb 6.5's `xtb_setSolvent` always builds a GBSA model.
   */
  model: 'gbsa' | 'alpb';
  /** Solvent name as xtb knows it: `water`, `methanol`, `acetonitrile`, `toluene`, … */
  name: string;
}

/** Settings of an xtb calculation, shared by the library and the program calculators. */
export interface XtbOptions {
  /** Hamiltonian; default `GFN2-xTB`. */
  method?: XtbMethod;
  /** Total charge in e (an integer, as the `xtb` program takes); default 0. */
  charge?: number;
  /**
   * Number of unpaired electrons (xtb's `uhf`, 2S); default 0 for an even and 1 for an odd
   * number of electrons. Must have the parity of the electron count. Ignored by GFN-FF.
   */
  uhf?: number;
  /**
   * xtb's accuracy factor, 1e-4 to 1000; lower is tighter (SCF energy convergence
   * 1e-6·accuracy Eh, charge convergence 2e-5·accuracy e). Default 1.
   */
  accuracy?: number;
  /** Electronic temperature in K for Fermi smearing (tight binding only); default 300. */
  electronicTemperature?: number;
  /** Maximum SCF iterations (GFN1/GFN2); default 250. */
  maxIterations?: number;
  /** Implicit solvent; default none (gas phase). */
  solvent?: XtbSolvent;
}

/** {@link XtbOptions} with every default filled in and checked. */
export interface ResolvedXtbOptions {
  method: XtbMethod;
  charge: number;
  /** Unpaired electrons as given; undefined means "by the parity of the electron count". */
  uhf: number | undefined;
  accuracy: number;
  electronicTemperature: number;
  maxIterations: number;
  solvent: XtbSolvent | null;
}

/** The defaults of {@link XtbOptions}. */
export const XTB_DEFAULTS = {
  method: 'GFN2-xTB',
  charge: 0,
  accuracy: 1,
  electronicTemperature: 300,
  maxIterations: 250,
} as const satisfies Partial<ResolvedXtbOptions>;

function isInteger(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x);
}

/**
 * Fills in defaults and checks every option; throws InvalidInputError naming the first bad
 * one (unknown method, a non-integer charge, negative uhf, accuracy outside 1e-4…1000, a
 * non-positive temperature or iteration count, a solvent without a name or with an unknown
 * model).
 */
export function resolveXtbOptions(options: XtbOptions = {}): ResolvedXtbOptions {
  const method = options.method ?? XTB_DEFAULTS.method;
  xtbMethodInfo(method);
  const charge = options.charge ?? XTB_DEFAULTS.charge;
  if (!isInteger(charge)) {
    throw new InvalidInputError(`charge must be an integer number of e, got ${charge}`);
  }
  const uhf = options.uhf;
  if (uhf !== undefined && !(isInteger(uhf) && uhf >= 0)) {
    throw new InvalidInputError(`uhf (unpaired electrons) must be an integer ≥ 0, got ${uhf}`);
  }
  const accuracy = options.accuracy ?? XTB_DEFAULTS.accuracy;
  if (!(accuracy >= 1e-4 && accuracy <= 1000)) {
    throw new InvalidInputError(`accuracy must be between 1e-4 and 1000, got ${accuracy}`);
  }
  const electronicTemperature = options.electronicTemperature ?? XTB_DEFAULTS.electronicTemperature;
  if (!(electronicTemperature > 0 && Number.isFinite(electronicTemperature))) {
    throw new InvalidInputError(
      `electronicTemperature must be a positive number of K, got ${electronicTemperature}`,
    );
  }
  const maxIterations = options.maxIterations ?? XTB_DEFAULTS.maxIterations;
  if (!(isInteger(maxIterations) && maxIterations >= 1)) {
    throw new InvalidInputError(`maxIterations must be an integer ≥ 1, got ${maxIterations}`);
  }
  let solvent: XtbSolvent | null = null;
  if (options.solvent) {
    const { model, name } = options.solvent;
    if (model !== 'gbsa' && model !== 'alpb') {
      throw new InvalidInputError(`solvent model must be "gbsa" or "alpb", got "${model}"`);
    }
    if (typeof name !== 'string' || !/^[A-Za-z0-9][\w,()+-]*$/.test(name)) {
      throw new InvalidInputError(`solvent name must be one word such as "water", got "${name}"`);
    }
    solvent = { model, name };
  }
  return { method, charge, uhf, accuracy, electronicTemperature, maxIterations, solvent };
}

/** The settings as a calculator's `parameters` record them (for logs and reports). */
export function xtbSettingsRecord(options: ResolvedXtbOptions): Record<string, unknown> {
  return {
    method: options.method,
    charge: options.charge,
    uhf: options.uhf ?? 'auto',
    accuracy: options.accuracy,
    electronicTemperature: options.electronicTemperature,
    maxIterations: options.maxIterations,
    solvent: options.solvent ? `${options.solvent.model}:${options.solvent.name}` : 'none',
  };
}
