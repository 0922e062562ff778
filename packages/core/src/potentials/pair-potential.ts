import type { Atoms } from '../atoms.js';
import { BaseCalculator } from '../calculator/base-calculator.js';
import type { CalculatorResults, PropertyName } from '../calculator/calculator.js';
import { cellRank, cellVolume } from '../cell.js';
import { InvalidInputError, PropertyNotImplementedError } from '../errors.js';
import { traceBegin, traceEnd } from '../trace/tracer.js';
import { accumulatePerAtom, HalfPairList } from './half-pair-list.js';

const PAIR_PROPERTIES: readonly PropertyName[] = [
  'energy',
  'free_energy',
  'energies',
  'forces',
  'stress',
  'stresses',
];

/** Throws InvalidInputError unless `value` is a finite number; returns it. */
export function finiteParameter(value: number, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidInputError(`${what} must be a finite number, got ${value}`);
  }
  return value;
}

/**
 * Shared machinery of the reference pair potentials ({@link LennardJones}, {@link Morse}):
 * a Verlet half pair list, ASE's conventions for per-atom energies (half of each pair
 * energy to each atom) and for the virial stress (1/V)·Σ_pairs f_ij ⊗ r_ij (eV/Å³, Voigt
 * xx yy zz yz xz xy from the upper triangle, as ASE 3.22.1's `full_3x3_to_voigt_6_stress`),
 * and stress only for a three-dimensional cell (PropertyNotImplementedError otherwise).
 *
 * Cost model: one pass over the pairs of the list's extended system (atoms and periodic
 * images) gives energy and per-entry forces, folded back onto the atoms; once stress has been
 * asked for (a barostat asks every step), the virial comes from the per-entry forces in a
 * pass over the entries (−Σ x_e ⊗ F_e, no per-pair work); per-atom energies and stresses
 * take a separate pass over the pairs, only when asked for.
 */
export abstract class PairPotential extends BaseCalculator {
  /** energy, free_energy, energies, forces, stress, stresses. */
  readonly implementedProperties = PAIR_PROPERTIES;
  /** Interaction cutoff in Å (the Verlet list adds the skin). */
  readonly cutoff: number;
  /** The half pair list, refreshed when the Verlet list rebuilds. */
  protected readonly pairs: HalfPairList;
  private stressWanted = false;

  /**
   * @param cutoff interaction cutoff in Å.
   * @param skin Verlet skin in Å.
   */
  protected constructor(cutoff: number, skin: number) {
    super();
    if (!(cutoff > 0)) throw new InvalidInputError(`the cutoff must be positive, got ${cutoff} Å`);
    if (!(skin >= 0)) throw new InvalidInputError(`skin must be zero or positive, got ${skin} Å`);
    this.cutoff = cutoff;
    this.pairs = new HalfPairList(cutoff, skin);
  }

  /** The Verlet half pair list (cutoff + skin); `builds` counts rebuilds, `invalidate()` forces one. */
  get neighborList(): HalfPairList {
    return this.pairs;
  }

  /**
   * Adds the forces (eV/Å) of every pair within the cutoff to `forces`, per entry of the
   * list's extended system (zeroed, length ≥ 3·entryCount; positions in `pairs.positions`),
   * and returns the energy in eV. Pairs beyond the cutoff (the skin) contribute nothing.
   */
  protected abstract forceKernel(pairs: HalfPairList, forces: Float64Array): number;

  /** The scalar pair term for the per-atom pass (the `PairTerm` contract of half-pair-list.ts). */
  protected abstract pairTerm(r2: number, out: Float64Array): void;

  protected doCalculate(atoms: Atoms, properties: readonly PropertyName[]): CalculatorResults {
    const has3dCell = cellRank(atoms.cell) === 3;
    for (const p of properties) {
      if (p === 'stress' || p === 'stresses') {
        if (!has3dCell) {
          throw new PropertyNotImplementedError(
            p,
            `${this.name} (stress needs a three-dimensional cell)`,
            this.implementedProperties,
          );
        }
        this.stressWanted = true;
      }
    }
    const pairs = this.pairs;
    traceBegin('calculator.neighbors');
    try {
      if (pairs.update(atoms)) this.parameters.neighborBuilds = pairs.builds;
    } finally {
      traceEnd('calculator.neighbors');
    }

    traceBegin('calculator.compute');
    try {
      return this.compute(atoms, properties, has3dCell);
    } finally {
      traceEnd('calculator.compute');
    }
  }

  private compute(
    atoms: Atoms,
    properties: readonly PropertyName[],
    has3dCell: boolean,
  ): CalculatorResults {
    const pairs = this.pairs;
    const n = atoms.length;
    const entryForces = pairs.forceBuffer();
    const energy = this.forceKernel(pairs, entryForces);
    let virial: Float64Array | null = null;
    if (has3dCell && this.stressWanted) {
      virial = new Float64Array(6);
      const c = atoms.cell;
      const center = [0, 1, 2].map((k) => 0.5 * (c[k]! + c[3 + k]! + c[6 + k]!));
      pairs.virial(entryForces, center, virial);
    }
    const forces = new Float64Array(3 * n);
    pairs.gatherForces(entryForces, forces);
    const results: CalculatorResults = { energy, free_energy: energy, forces };

    const energies = properties.includes('energies') ? new Float64Array(n) : null;
    const stresses = properties.includes('stresses') ? new Float64Array(6 * n) : null;
    if (energies || stresses) {
      const term = (r2: number, out: Float64Array) => this.pairTerm(r2, out);
      accumulatePerAtom(pairs, this.cutoff * this.cutoff, term, energies, stresses);
    }
    if (energies) results.energies = energies;
    if (virial) {
      const volume = cellVolume(atoms.cell);
      for (let k = 0; k < 6; k++) virial[k]! /= volume;
      results.stress = virial;
      if (stresses) {
        for (let k = 0; k < stresses.length; k++) stresses[k]! /= volume;
        results.stresses = stresses;
      }
    }
    return results;
  }
}
