import type { PropertyName } from '../calculator/calculator.js';
import type { NeighborList } from '../neighbor/neighbor-list.js';

/**
 * A batch of structures with their neighbor graph, the input of a {@link Model}. Atoms of
 * all structures are concatenated; pair indices are global.
 */
export interface StructureBatch {
  /** Number of structures B. */
  nStructures: number;
  /** Total number of atoms N over the batch. */
  nAtoms: number;
  /** Cartesian positions in Å, length 3N. */
  positions: Float64Array;
  /** Atomic numbers, length N. */
  numbers: Int32Array;
  /** Structure of each atom, length N, non-decreasing. */
  structureIndex: Int32Array;
  /** Atoms of structure b are `atomStart[b] .. atomStart[b+1]`, length B + 1. */
  atomStart: Int32Array;
  /** Cells in Å, 9 per structure (rows), length 9B. */
  cells: Float64Array;
  /** Periodicity, 3 per structure, length 3B. */
  pbc: Uint8Array;
  /**
   * Full neighbor list over the batch (global atom indices; pairs never cross structures).
   * It may include pairs up to cutoff + skin apart: a model gives them zero weight.
   * r_ij = positions[j] − positions[i] + shifts[p]·cells[structure of i].
   */
  neighbors: NeighborList;
}

/** What a model returns for a batch. Units: eV, eV/Å, eV/Å³. */
export interface ModelOutput {
  /** Energy per structure in eV, length B. */
  energy: Float64Array;
  /** Forces in eV/Å, length 3N. */
  forces?: Float64Array;
  /** Stress per structure in eV/Å³, Voigt (xx yy zz yz xz xy), length 6B. */
  stress?: Float64Array;
  /** Per-atom energies in eV, length N. */
  energies?: Float64Array;
}

/**
 * The model contract: a batch of graphs in, energies/forces/stress out. Teachers and
 * students, ONNX and tfjs, all implement it; {@link ModelCalculator} turns any of them into
 * a Calculator. `doPredict` is meant for calculators and trainers, not end users.
 */
export interface Model {
  readonly specificationVersion: 'v1';
  /** Name for logs and reports. */
  readonly name: string;
  /** Interaction cutoff in Å: pairs beyond it contribute nothing. */
  readonly cutoff: number;
  /** Properties the model can return (`energy` always). */
  readonly implementedProperties: readonly PropertyName[];
  /** Atomic numbers the model knows, or undefined when it takes any. */
  readonly species?: readonly number[];
  /** Settings worth recording (architecture, backend, device…). */
  readonly parameters?: Readonly<Record<string, unknown>>;
  /** Computes the asked properties for every structure of the batch. */
  doPredict(batch: StructureBatch, properties: readonly PropertyName[]): Promise<ModelOutput>;
  /** Releases sessions and buffers. */
  dispose?(): Promise<void>;
}
