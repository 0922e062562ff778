import type { Atoms } from '../atoms.js';
import { BaseCalculator } from '../calculator/base-calculator.js';
import type { CalculatorResults, PropertyName } from '../calculator/calculator.js';
import { InvalidInputError, PropertyNotImplementedError } from '../errors.js';
import { VerletNeighborList } from '../neighbor/verlet-list.js';
import { traceBegin, traceEnd } from '../trace/tracer.js';
import type { Model, StructureBatch } from './model.js';

/** Options of {@link ModelCalculator}. */
export interface ModelCalculatorOptions {
  /** Verlet skin in Å added to the model's cutoff; the list is rebuilt when an atom moved more than skin/2. Default 0.5. */
  skin?: number;
}

/**
 * Turns any {@link Model} into a {@link Calculator}. It owns the neighbor list and reuses
 * it across MD steps (cutoff + skin, rebuilt when an atom moved more than skin/2 or the
 * cell changed), and asks the model for a batch of one structure.
 */
export class ModelCalculator extends BaseCalculator {
  readonly name: string;
  readonly implementedProperties: readonly PropertyName[];
  readonly neighborList: VerletNeighborList;

  constructor(
    readonly model: Model,
    options: ModelCalculatorOptions = {},
  ) {
    super();
    this.name = model.name;
    const props = new Set<PropertyName>(model.implementedProperties);
    props.add('free_energy');
    this.implementedProperties = [...props];
    this.neighborList = new VerletNeighborList(model.cutoff, options.skin ?? 0.5);
    Object.assign(this.parameters, model.parameters ?? {}, {
      cutoff: model.cutoff,
      skin: this.neighborList.skin,
    });
  }

  /**
   * Throws an {@link InvalidInputError} naming the first atom whose element the model does
   * not know (models without a species list take any). Called before every calculation;
   * call it before starting a long job to fail before its first step.
   */
  checkElements(atoms: Atoms): void {
    if (!this.model.species) return;
    for (let a = 0; a < atoms.length; a++) {
      if (!this.model.species.includes(atoms.numbers[a]!)) {
        throw new InvalidInputError(
          `${this.name} was not trained on atomic number ${atoms.numbers[a]} (atom ${a})`,
        );
      }
    }
  }

  protected async doCalculate(
    atoms: Atoms,
    properties: readonly PropertyName[],
  ): Promise<CalculatorResults> {
    this.checkElements(atoms);
    if (properties.includes('stress') && (atoms.getVolume() === 0 || !atoms.pbc.every(Boolean))) {
      throw new PropertyNotImplementedError(
        'stress',
        `${this.name} (stress needs a fully periodic cell)`,
        this.implementedProperties,
      );
    }
    traceBegin('calculator.neighbors');
    try {
      this.neighborList.update(atoms);
    } finally {
      traceEnd('calculator.neighbors');
    }
    const n = atoms.length;
    const batch: StructureBatch = {
      nStructures: 1,
      nAtoms: n,
      positions: atoms.positions,
      numbers: atoms.numbers,
      structureIndex: new Int32Array(n),
      atomStart: Int32Array.of(0, n),
      cells: atoms.cell,
      pbc: Uint8Array.from(atoms.pbc, Number),
      neighbors: this.neighborList.list!,
    };
    const wanted = new Set<PropertyName>(properties);
    if (wanted.has('free_energy')) wanted.add('energy');
    wanted.delete('free_energy');
    traceBegin('calculator.compute');
    let out: Awaited<ReturnType<Model['doPredict']>>;
    try {
      out = await this.model.doPredict(batch, [...wanted]);
    } finally {
      traceEnd('calculator.compute');
    }
    const results: CalculatorResults = { energy: out.energy[0]! };
    if (out.forces) results.forces = out.forces;
    if (out.stress) results.stress = out.stress.slice(0, 6);
    if (out.energies) results.energies = out.energies;
    return results;
  }

  async dispose(): Promise<void> {
    await this.model.dispose?.();
  }
}
