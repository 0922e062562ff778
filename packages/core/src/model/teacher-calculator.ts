import type { Atoms } from '../atoms.js';
import { BaseCalculator } from '../calculator/base-calculator.js';
import type { CalculatorResults, PropertyName } from '../calculator/calculator.js';
import { cellRank } from '../cell.js';
import { InvalidInputError, PropertyNotImplementedError } from '../errors.js';
import { pairVectors } from '../neighbor/neighbor-list.js';
import { VerletNeighborList } from '../neighbor/verlet-list.js';
import { traceBegin, traceEnd } from '../trace/tracer.js';
import { VOIGT_PAIRS } from '../voigt.js';
import {
  formatFoundShape,
  TeacherContractError,
  type TeacherDType,
  type TeacherInputName,
  type TeacherOutputName,
  type TeacherSpec,
} from './teacher-contract.js';

/** A tensor fed to a teacher: element type and shape as the model declares them. */
export interface TeacherTensor {
  readonly dtype: TeacherDType;
  readonly shape: readonly number[];
  /** float32 → Float32Array, float64 → Float64Array, int32 → Int32Array, int64 → BigInt64Array, bool → Uint8Array (0/1). */
  readonly data: Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;
}

/** The feeds of one teacher run, by contract input name (only the inputs the model has). */
export type TeacherFeeds = Partial<Record<TeacherInputName, TeacherTensor>>;

/** An output of a teacher run: its run-time shape and values. */
export interface TeacherOutputTensor {
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

/**
 * What runs a teacher model: backend-onnx wraps an onnxruntime session, backend-tfjs a tfjs
 * graph model. `run` returns (at least) the outputs asked for.
 */
export interface TeacherRunner {
  run(
    feeds: TeacherFeeds,
    outputs: readonly TeacherOutputName[],
  ): Promise<Partial<Record<TeacherOutputName, TeacherOutputTensor>>>;
  /** Releases the session. */
  dispose?(): Promise<void>;
}

/** Options of {@link TeacherCalculator}. */
export interface TeacherCalculatorOptions {
  /**
   * Calculator name; default `'teacher:<source>'`. A direct-force teacher gets
   * `' [direct forces]'` appended.
   */
  name?: string;
  /** Verlet skin in Å of the neighbor list of an `edge_index` teacher. Default 0.5. */
  skin?: number;
  /** Extra entries for `parameters` (backend, file…). */
  parameters?: Readonly<Record<string, unknown>>;
}

/**
 * A {@link Calculator} over a teacher model that follows the teacher contract (core's
 * `TEACHER_CONTRACT`, see `docs/teacher-models.md`): builds the feeds the model declares
 * (positions, numbers, cell and pbc, a neighbor list within `mlffd.cutoff`), runs it
 * through a {@link TeacherRunner} and checks every output's run-time shape, throwing a
 * {@link TeacherContractError} naming the source when a model returns something else than
 * the contract says.
 *
 * - `parameters.forces` is `'conservative'`, `'direct'` or `'none'` (energy only). Direct
 *   forces are flagged: in `parameters`, in `warnings` and in the name.
 * - A model without `cell` refuses periodic structures, one with `cell` but neither `pbc`
 *   nor `edge_index` refuses structures that are not fully periodic, one with
 *   `mlffd.species` refuses other elements (InvalidInputError), before running.
 * - Stress is computed for fully periodic structures with a 3-D cell only (otherwise
 *   PropertyNotImplementedError, as ModelCalculator).
 */
export class TeacherCalculator extends BaseCalculator {
  readonly name: string;
  readonly implementedProperties: readonly PropertyName[];
  /** Neighbor list of an `edge_index` teacher (cutoff `mlffd.cutoff` + skin). */
  readonly neighborList: VerletNeighborList | undefined;
  /** What the user must know about this teacher (direct forces, energy only). */
  readonly warnings: readonly string[];
  private readonly dtypes: Partial<Record<TeacherInputName, TeacherDType>>;

  constructor(
    /** The validated contract description of the model. */
    readonly spec: TeacherSpec,
    private readonly runner: TeacherRunner,
    options: TeacherCalculatorOptions = {},
  ) {
    super();
    const base = options.name ?? `teacher:${spec.source}`;
    this.name = spec.forces === 'direct' ? `${base} [direct forces]` : base;
    this.implementedProperties = spec.properties;
    this.warnings = spec.warnings;
    this.dtypes = Object.fromEntries(spec.inputs.map((i) => [i.name, i.dtype]));
    if (spec.neighborList) {
      if (spec.cutoff === undefined) {
        throw new InvalidInputError(`${spec.source}: a teacher taking edge_index needs a cutoff`);
      }
      this.neighborList = new VerletNeighborList(spec.cutoff, options.skin ?? 0.5);
    }
    Object.assign(this.parameters, {
      teacher: spec.source,
      contract: spec.contractVersion,
      forces: spec.forces,
      dtype: spec.floatType,
      periodic: spec.periodic,
      ...(spec.cutoff !== undefined ? { cutoff: spec.cutoff } : {}),
      ...(this.neighborList ? { skin: this.neighborList.skin } : {}),
      ...(spec.species ? { species: [...spec.species] } : {}),
      ...(spec.warnings.length ? { warnings: [...spec.warnings] } : {}),
      ...(options.parameters ?? {}),
    });
  }

  /**
   * Throws an InvalidInputError when the model cannot take the structure: an element
   * outside `mlffd.species`, or a periodic structure for a model without `cell`/`pbc`.
   */
  checkStructure(atoms: Atoms): void {
    const species = this.spec.species;
    if (species) {
      for (let a = 0; a < atoms.length; a++) {
        if (!species.includes(atoms.numbers[a]!)) {
          throw new InvalidInputError(
            `${this.name} does not know atomic number ${atoms.numbers[a]} (atom ${a}; mlffd.species is ${species.join(',')})`,
          );
        }
      }
    }
    if (!this.spec.periodic && atoms.pbc.some(Boolean)) {
      throw new InvalidInputError(
        `${this.name} takes no cell (non-periodic structures only), but the structure has pbc [${atoms.pbc.join(', ')}]`,
      );
    }
    if (
      this.spec.periodic &&
      !this.spec.takesPbc &&
      !this.spec.neighborList &&
      !atoms.pbc.every(Boolean)
    ) {
      throw new InvalidInputError(
        `${this.name} takes a cell but neither pbc nor edge_index (fully periodic structures only), but the structure has pbc [${atoms.pbc.join(', ')}]`,
      );
    }
  }

  protected async doCalculate(
    atoms: Atoms,
    properties: readonly PropertyName[],
  ): Promise<CalculatorResults> {
    this.checkStructure(atoms);
    const wantStress = properties.includes('stress');
    if (wantStress && (cellRank(atoms.cell) < 3 || !atoms.pbc.every(Boolean))) {
      throw new PropertyNotImplementedError(
        'stress',
        `${this.name} (stress needs a fully periodic 3-D cell)`,
        this.implementedProperties,
      );
    }
    const feeds = this.feeds(atoms);
    const fetch: TeacherOutputName[] = ['energy'];
    if (this.spec.outputs.includes('forces')) fetch.push('forces');
    if (properties.includes('energies')) fetch.push('energies');
    if (wantStress) fetch.push('stress');
    traceBegin('calculator.compute');
    let out: Awaited<ReturnType<TeacherRunner['run']>>;
    try {
      out = await this.runner.run(feeds, fetch);
    } finally {
      traceEnd('calculator.compute');
    }
    return this.toResults(out, fetch, atoms.length);
  }

  /** The feeds for `atoms`, in the element types the model declares. */
  private feeds(atoms: Atoms): TeacherFeeds {
    const n = atoms.length;
    const feeds: TeacherFeeds = {};
    const float = (dtype: TeacherDType, values: ArrayLike<number>) =>
      dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values);
    const integer = (dtype: TeacherDType, values: ArrayLike<number>) =>
      dtype === 'int64' ? BigInt64Array.from(values, (v) => BigInt(v)) : Int32Array.from(values);
    const d = this.dtypes;
    feeds.positions = {
      dtype: d.positions!,
      shape: [n, 3],
      data: float(d.positions!, atoms.positions),
    };
    if (d.numbers) {
      feeds.numbers = { dtype: d.numbers, shape: [n], data: integer(d.numbers, atoms.numbers) };
    }
    if (d.cell) feeds.cell = { dtype: d.cell, shape: [3, 3], data: float(d.cell, atoms.cell) };
    if (d.pbc) feeds.pbc = { dtype: 'bool', shape: [3], data: Uint8Array.from(atoms.pbc, Number) };
    if (this.neighborList && d.edge_index) {
      traceBegin('calculator.neighbors');
      try {
        this.neighborList.update(atoms);
        const edges = this.edges(atoms);
        feeds.edge_index = {
          dtype: d.edge_index,
          shape: [2, edges.count],
          data: integer(d.edge_index, edges.index),
        };
        if (d.edge_shift) {
          feeds.edge_shift = {
            dtype: d.edge_shift,
            shape: [edges.count, 3],
            data: float(d.edge_shift, edges.shift),
          };
        }
      } finally {
        traceEnd('calculator.neighbors');
      }
    }
    return feeds;
  }

  /** Pairs of the Verlet list closer than the cutoff now: [i…, j…] and shifts. */
  private edges(atoms: Atoms): { count: number; index: Int32Array; shift: Int32Array } {
    const list = this.neighborList!.list!;
    const cutoff = this.spec.cutoff!;
    const { distances } = pairVectors(list, atoms.positions, atoms.cell);
    const keep: number[] = [];
    for (let p = 0; p < list.nPairs; p++) if (distances[p]! < cutoff) keep.push(p);
    const count = keep.length;
    const index = new Int32Array(2 * count);
    const shift = new Int32Array(3 * count);
    keep.forEach((p, e) => {
      index[e] = list.first[p]!;
      index[count + e] = list.second[p]!;
      shift[3 * e] = list.shifts[3 * p]!;
      shift[3 * e + 1] = list.shifts[3 * p + 1]!;
      shift[3 * e + 2] = list.shifts[3 * p + 2]!;
    });
    return { count, index, shift };
  }

  /** Checks the run-time shapes of the outputs and converts them to results. */
  private toResults(
    out: Awaited<ReturnType<TeacherRunner['run']>>,
    fetched: readonly TeacherOutputName[],
    n: number,
  ): CalculatorResults {
    const source = this.spec.source;
    const get = (name: TeacherOutputName, shapes: readonly (readonly number[])[]) => {
      const t = out[name];
      if (!t) throw runtimeError(source, `output '${name}' was not returned`);
      const shape = shapes.find(
        (s) => s.length === t.shape.length && s.every((d, k) => d === t.shape[k]),
      );
      if (!shape || t.data.length !== shape.reduce((p, d) => p * d, 1)) {
        const expected = shapes.map((s) => formatFoundShape(s)).join(' or ');
        throw runtimeError(
          source,
          `output '${name}' has shape ${formatFoundShape(t.shape)} for ${n} atoms; expected ${expected}`,
        );
      }
      return t.data;
    };
    const results: CalculatorResults = { energy: Number(get('energy', [[], [1]])[0]) };
    if (fetched.includes('forces')) results.forces = Float64Array.from(get('forces', [[n, 3]]));
    if (fetched.includes('energies')) results.energies = Float64Array.from(get('energies', [[n]]));
    if (fetched.includes('stress')) {
      const s = get('stress', [[6], [3, 3]]);
      results.stress =
        s.length === 6
          ? Float64Array.from(s)
          : Float64Array.from(VOIGT_PAIRS, ([a, b]) => 0.5 * (s[3 * a + b]! + s[3 * b + a]!));
    }
    return results;
  }

  async dispose(): Promise<void> {
    await this.runner.dispose?.();
  }
}

/** A {@link TeacherContractError} for an output that breaks the contract at run time. */
function runtimeError(source: string, message: string): TeacherContractError {
  return new TeacherContractError(
    source,
    [{ section: 'outputs', message }],
    `${source}: ${message} (at run time)`,
  );
}
