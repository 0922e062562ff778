import type { Atoms } from '../atoms.js';
import type { CalculatorResults } from '../calculator/calculator.js';

/**
 * One frame of an extended XYZ file as read: the structure, the calculator results stored
 * with it, and where it starts.
 *
 * Which key goes where follows ASE 3.22.1: `energy` (eV), `free_energy` (eV) and `stress`
 * (eV/Å³; 3×3 in the file, Voigt xx yy zz yz xz xy here) on the comment line, and the
 * `forces` (eV/Å, 3 columns), `energies` (eV, 1 column) and `stresses` (eV/Å³, Voigt, 6
 * columns) per-atom columns go to `results`; `Lattice`, `pbc`, `Properties` describe the
 * structure; `species`/`Z`, `pos`, `masses` and `momenta` (amu·Å per ASE time unit, turned
 * into velocities in Å/fs) fill the Atoms; a `velocities` column (Å/fs, our extension) sets the
 * velocities when there is no `momenta` column; `charge` becomes `arrays.initial_charges`;
 * every other key goes to `atoms.info` and every other column to `atoms.arrays`. A `virial`
 * is kept in info as a row-major Float64Array(9).
 */
export interface ExtxyzFrame {
  /** The structure: positions Å, cell Å (row vectors), masses amu, velocities Å/fs. */
  atoms: Atoms;
  /** Calculator results stored in the frame (empty when there are none); units as in CalculatorResults. */
  results: CalculatorResults;
  /** 1-based line number of the frame's atom-count line. */
  line: number;
}

/** Something that can be written as a frame: a structure and, optionally, results. */
export interface ExtxyzFrameInput {
  /** The structure to write. */
  atoms: Atoms;
  /** Calculator results to store with it (energy eV, forces eV/Å, stress eV/Å³ Voigt…). */
  results?: CalculatorResults;
}
