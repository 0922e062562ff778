import type { Atoms } from '../atoms.js';

/**
 * Names of the properties a calculator may provide, as in ASE:
 * - `energy`: potential energy in eV;
 * - `free_energy`: free energy in eV (equal to `energy` for calculators without smearing);
 * - `energies`: per-atom potential energies in eV, length N;
 * - `forces`: forces in eV/Å, Float64Array of length 3N, row-major;
 * - `stress`: stress in eV/Å³, Voigt order (xx, yy, zz, yz, xz, xy), length 6; positive
 *   when the system pulls inward (ASE's sign: stress = (1/V)·∂E/∂ε);
 * - `stresses`: per-atom stresses in eV/Å³, Voigt, length 6N.
 */
export type PropertyName = 'energy' | 'free_energy' | 'energies' | 'forces' | 'stress' | 'stresses';

/** All property names, in ASE's order. */
export const ALL_PROPERTIES: readonly PropertyName[] = [
  'energy',
  'free_energy',
  'energies',
  'forces',
  'stress',
  'stresses',
];

/** What changed in the atoms since the last calculation (ASE's `system_changes`). */
export type SystemChange = 'positions' | 'numbers' | 'cell' | 'pbc' | 'masses';

/** Results of a calculation; units as in {@link PropertyName}. */
export interface CalculatorResults {
  energy?: number;
  free_energy?: number;
  energies?: Float64Array;
  forces?: Float64Array;
  stress?: Float64Array;
  stresses?: Float64Array;
}

/**
 * The calculator contract, with ASE's semantics made asynchronous (GPU and remote
 * calculators are). A calculator caches its results until the atoms' positions, numbers,
 * cell or pbc change; asking again for the same structure costs nothing. Asking for a
 * property outside `implementedProperties` throws PropertyNotImplementedError.
 */
export interface Calculator {
  /** A short name for logs and reports ("lj", "morse", "xtb", "student:tiny"). */
  readonly name: string;
  /** The properties this calculator can compute. */
  readonly implementedProperties: readonly PropertyName[];
  /** Results of the last calculation (ASE's `calc.results`). */
  readonly results: Readonly<CalculatorResults>;
  /** Settings worth recording in a benchmark or report (cutoffs, parameters, backend…). */
  readonly parameters: Readonly<Record<string, unknown>>;

  /**
   * Makes sure the listed properties are in `results` for `atoms`, computing them (and
   * possibly more) when the cached results belong to another structure or lack one of them.
   */
  calculate(atoms: Atoms, properties?: readonly PropertyName[]): Promise<void>;
  /** Potential energy in eV. */
  getPotentialEnergy(atoms: Atoms): Promise<number>;
  /** Forces in eV/Å, Float64Array of length 3N (a copy the caller may keep). */
  getForces(atoms: Atoms): Promise<Float64Array>;
  /** Stress in eV/Å³, Voigt (xx, yy, zz, yz, xz, xy); needs a three-dimensional cell. */
  getStress(atoms: Atoms): Promise<Float64Array>;
  /** Per-atom potential energies in eV, length N. */
  getPotentialEnergies(atoms: Atoms): Promise<Float64Array>;
  /** Any property by name, ASE's `get_property`. */
  getProperty(name: PropertyName, atoms: Atoms): Promise<number | Float64Array>;
  /** Drops cached results (ASE's `reset`). */
  reset(): void;
  /** Releases sessions, sockets or worker threads. Safe to call twice. */
  dispose?(): Promise<void>;
}
