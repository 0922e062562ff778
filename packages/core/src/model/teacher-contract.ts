import type { PropertyName } from '../calculator/calculator.js';
import { MlffdError } from '../errors.js';

/** Inputs a teacher model may declare; see {@link TEACHER_CONTRACT}. */
export type TeacherInputName =
  | 'positions'
  | 'numbers'
  | 'cell'
  | 'pbc'
  | 'edge_index'
  | 'edge_shift';
/** Outputs the calculator reads from a teacher model; see {@link TEACHER_CONTRACT}. */
export type TeacherOutputName = 'energy' | 'forces' | 'energies' | 'stress';
/** Floating-point element types of teacher tensors. */
export type TeacherFloatType = 'float32' | 'float64';
/** Element types the contract knows. */
export type TeacherDType = TeacherFloatType | 'int32' | 'int64' | 'bool';
/** How a teacher's forces relate to its energy (`mlffd.forces`), or `'none'` for an energy-only teacher. */
export type TeacherForceKind = 'conservative' | 'direct' | 'none';

/** A dimension of a contract shape: a size, or the number of atoms or of edges (any size). */
export type TeacherSpecDim = number | 'n_atoms' | 'n_edges';

/** One input or output of the contract. */
export interface TeacherTensorSpec {
  readonly name: string;
  /** Element types accepted. */
  readonly dtypes: readonly TeacherDType[];
  /** When set, the element type must equal that of `positions` (one float type per model). */
  readonly sameDTypeAs?: 'positions';
  /** Accepted shapes (alternatives), e.g. `[[], [1]]` for the energy. */
  readonly shapes: readonly (readonly TeacherSpecDim[])[];
  /** Unit of the values, `''` when dimensionless. */
  readonly unit: string;
  /** When the tensor must be there. */
  readonly presence: string;
  readonly description: string;
}

/** One `metadata_props` key of the contract. */
export interface TeacherMetadataSpec {
  readonly key: string;
  /** Accepted values, when they form a closed set. */
  readonly values?: readonly string[];
  /** When the key must be there. */
  readonly presence: string;
  readonly description: string;
}

/** The shape of {@link TEACHER_CONTRACT}. */
export interface TeacherContract {
  readonly version: 'v1';
  readonly inputs: readonly TeacherTensorSpec[];
  readonly outputs: readonly TeacherTensorSpec[];
  readonly metadata: readonly TeacherMetadataSpec[];
}

const FLOATS: readonly TeacherDType[] = ['float32', 'float64'];
const INTEGERS: readonly TeacherDType[] = ['int32', 'int64'];

/**
 * The input/output contract of teacher models (version `v1`): what an ONNX or tfjs graph
 * model must look like for MLFF Distiller to label structures with it. `docs/teacher-models.md`
 * is the user-facing description, with a PyTorch export recipe.
 *
 * One structure per call (no batch axis). Units as ASE: Å, eV, eV/Å, eV/Å³.
 *
 * **Inputs** (by name; no other input is accepted, the calculator could not feed it):
 * - `positions` float32 | float64 [n_atoms, 3], Å (required). Its element type is the
 *   model's float type: `cell` and `edge_shift` use the same one.
 * - `numbers` int32 | int64 [n_atoms], atomic numbers (optional only because
 *   `torch.onnx.export` drops inputs a graph does not use: a single-element model).
 * - `cell` [3, 3], Å, rows are the lattice vectors (ASE's `atoms.cell`); all zeros for a
 *   structure without a cell. A model without `cell` is non-periodic only.
 * - `pbc` bool [3], periodicity along each lattice vector (optional, needs `cell`). A model
 *   with `cell` but neither `pbc` nor `edge_index` cannot tell periodic axes from the rest:
 *   it takes fully periodic structures only. With `edge_index`, the neighbor list carries
 *   the periodicity.
 * - `edge_index` int32 | int64 [2, n_edges]: a full neighbor list (both directions) of every
 *   pair closer than `mlffd.cutoff`, row 0 the centre atom i, row 1 the neighbor j. Optional;
 *   a model declaring it must give `mlffd.cutoff`.
 * - `edge_shift` [n_edges, 3], integer image counts S (cell units, stored in the float type):
 *   r_ij = positions[j] − positions[i] + S·cell. Required with `edge_index` and `cell`.
 *
 * **Outputs** (others are ignored):
 * - `energy` float [] or [1], eV (required).
 * - `forces` float [n_atoms, 3], eV/Å. Required unless the model is loaded for energy labels
 *   only (`allowEnergyOnly`): ONNX Runtime and tfjs have no autodiff at run time, so forces
 *   cannot be derived from the energy; the exporter must compute them.
 * - `energies` float [n_atoms], eV, per-atom energies (optional).
 * - `stress` float [6] (Voigt xx yy zz yz xz xy) or [3, 3], eV/Å³, ASE's sign
 *   σ = (1/V)·∂E/∂ε (optional; needs `cell`; asked for fully periodic 3-D cells only).
 *
 * **Metadata** (ONNX `metadata_props`; tfjs `userDefinedMetadata`):
 * - `mlffd.teacher` = `'v1'` (required).
 * - `mlffd.forces` = `'conservative'` (−∂E/∂x) | `'direct'` (predicted by a head, not a
 *   gradient; allowed and flagged) (required with a `forces` output).
 * - `mlffd.cutoff` in Å (required with `edge_index`).
 * - `mlffd.species`: comma-separated atomic numbers the model knows, e.g. `'1,6,8'`
 *   (optional; other elements are refused before the model runs).
 *
 * Shapes: a fixed size must match; `n_atoms`/`n_edges` axes must be dynamic (symbolic or
 * unknown) in the model, a fixed size there is refused. Unknown sizes and ranks are
 * accepted at load time and checked on every run.
 */
export const TEACHER_CONTRACT: TeacherContract = {
  version: 'v1',
  inputs: [
    {
      name: 'positions',
      dtypes: FLOATS,
      shapes: [['n_atoms', 3]],
      unit: 'Å',
      presence: 'required',
      description: 'Cartesian positions; its float type is the float type of the model',
    },
    {
      name: 'numbers',
      dtypes: INTEGERS,
      shapes: [['n_atoms']],
      unit: '',
      presence: 'optional: a single-element model may leave it out',
      description: 'atomic numbers',
    },
    {
      name: 'cell',
      dtypes: FLOATS,
      sameDTypeAs: 'positions',
      shapes: [[3, 3]],
      unit: 'Å',
      presence: 'optional: without it, non-periodic structures only',
      description: 'lattice vectors as rows (ASE); zeros when the structure has no cell',
    },
    {
      name: 'pbc',
      dtypes: ['bool'],
      shapes: [[3]],
      unit: '',
      presence: 'optional, needs cell',
      description: 'periodicity along each lattice vector',
    },
    {
      name: 'edge_index',
      dtypes: INTEGERS,
      shapes: [[2, 'n_edges']],
      unit: '',
      presence: 'optional, needs mlffd.cutoff',
      description:
        'full neighbor list within mlffd.cutoff, both directions: row 0 centre atom i, row 1 neighbor j',
    },
    {
      name: 'edge_shift',
      dtypes: FLOATS,
      sameDTypeAs: 'positions',
      shapes: [['n_edges', 3]],
      unit: 'cell units',
      presence: 'with edge_index and cell',
      description: 'integer image counts S: r_ij = positions[j] − positions[i] + S·cell',
    },
  ],
  outputs: [
    {
      name: 'energy',
      dtypes: FLOATS,
      shapes: [[], [1]],
      unit: 'eV',
      presence: 'required',
      description: 'potential energy',
    },
    {
      name: 'forces',
      dtypes: FLOATS,
      shapes: [['n_atoms', 3]],
      unit: 'eV/Å',
      presence: 'required unless allowEnergyOnly',
      description: 'forces (−∂E/∂x when mlffd.forces is conservative)',
    },
    {
      name: 'energies',
      dtypes: FLOATS,
      shapes: [['n_atoms']],
      unit: 'eV',
      presence: 'optional',
      description: 'per-atom energies',
    },
    {
      name: 'stress',
      dtypes: FLOATS,
      shapes: [[6], [3, 3]],
      unit: 'eV/Å³',
      presence: 'optional, needs cell',
      description: 'stress (1/V)·∂E/∂ε, ASE sign; [6] in Voigt order xx yy zz yz xz xy',
    },
  ],
  metadata: [
    {
      key: 'mlffd.teacher',
      values: ['v1'],
      presence: 'required',
      description: 'version of this contract',
    },
    {
      key: 'mlffd.forces',
      values: ['conservative', 'direct'],
      presence: 'with forces',
      description: 'conservative: forces = −∂E/∂x; direct: forces predicted directly (flagged)',
    },
    {
      key: 'mlffd.cutoff',
      presence: 'with edge_index',
      description: 'cutoff of the neighbor list in Å',
    },
    {
      key: 'mlffd.species',
      presence: 'optional',
      description: "comma-separated atomic numbers the model knows, e.g. '1,6,8'",
    },
  ],
};

/** A dimension as found in a model: a size, a symbolic name, or unknown (`null`). */
export type FoundDim = number | string | null;

/** An input or output of a model file, as read from it. */
export interface TeacherTensorInfo {
  readonly name: string;
  /** Element type, e.g. `'float32'`, `'int64'`, `'bool'` (other types by their own name). */
  readonly dtype: string;
  /** Dimensions, or `null` when the model does not declare the rank. */
  readonly shape: readonly FoundDim[] | null;
}

/** What a model file declares: its inputs, outputs and string metadata. */
export interface TeacherSignature {
  readonly inputs: readonly TeacherTensorInfo[];
  readonly outputs: readonly TeacherTensorInfo[];
  readonly metadata: Readonly<Record<string, string>>;
}

/** Options of {@link checkTeacherSignature}. */
export interface CheckTeacherOptions {
  /**
   * Accept a model without a `forces` output, for energy labels only (its calculator does
   * not implement forces). Default false: such a model is refused.
   */
  allowEnergyOnly?: boolean;
}

/** A model that follows the contract, as {@link checkTeacherSignature} describes it. */
export interface TeacherSpec {
  /** The file (or other source) in messages. */
  readonly source: string;
  readonly contractVersion: 'v1';
  /** Contract inputs of the model, with the element type to feed, in model order. */
  readonly inputs: readonly { readonly name: TeacherInputName; readonly dtype: TeacherDType }[];
  /** Contract outputs of the model, in model order. */
  readonly outputs: readonly TeacherOutputName[];
  /** Outputs outside the contract, which the calculator ignores. */
  readonly ignoredOutputs: readonly string[];
  /** Element type of `positions` (and `cell`, `edge_shift`). */
  readonly floatType: TeacherFloatType;
  /** Whether the model takes `cell` (otherwise: non-periodic structures only). */
  readonly periodic: boolean;
  /** Whether the model takes `pbc`. */
  readonly takesPbc: boolean;
  /** Whether the model takes a neighbor list (`edge_index`). */
  readonly neighborList: boolean;
  /** `mlffd.cutoff` in Å, when given. */
  readonly cutoff?: number;
  /** `mlffd.forces`, or `'none'` for an energy-only model. */
  readonly forces: TeacherForceKind;
  /** `mlffd.species`, when given. */
  readonly species?: readonly number[];
  /** Properties a calculator over this model implements. */
  readonly properties: readonly PropertyName[];
  /** Things a user must know (direct forces, energy-only), each naming the source. */
  readonly warnings: readonly string[];
  readonly metadata: Readonly<Record<string, string>>;
}

/** Which part of the contract a problem is about. */
export type TeacherContractSection = 'inputs' | 'outputs' | 'metadata';

/** One way a model breaks the contract. */
export interface TeacherContractProblem {
  readonly section: TeacherContractSection;
  readonly message: string;
}

/**
 * A teacher model that does not follow {@link TEACHER_CONTRACT} (at load time), or returned
 * something else than it declared (at run time). The message names the source, every
 * problem, and for each section with a problem what was expected and what was found.
 */
export class TeacherContractError extends MlffdError {
  constructor(
    /** The model file (or other source). */
    readonly source: string,
    readonly problems: readonly TeacherContractProblem[],
    message: string,
  ) {
    super(message);
  }
}

/** `[n_atoms,3]` for a contract shape. */
function formatSpecShape(shape: readonly TeacherSpecDim[]): string {
  return `[${shape.join(',')}]`;
}

/** `[n_atoms,3]`, `[?,3]` for unknown dims, `unknown shape` when the rank is unknown. */
export function formatFoundShape(shape: readonly FoundDim[] | null): string {
  if (shape === null) return 'unknown shape';
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(',')}]`;
}

/** `positions float32|float64 [n_atoms,3] (Å)`, the one-line description of a tensor spec. */
export function formatTensorSpec(spec: TeacherTensorSpec): string {
  const dtype = spec.sameDTypeAs ? `<dtype of ${spec.sameDTypeAs}>` : spec.dtypes.join('|');
  const shapes = spec.shapes.map(formatSpecShape).join(' or ');
  const notes = [spec.unit, spec.presence === 'required' ? '' : spec.presence].filter(Boolean);
  return `${spec.name} ${dtype} ${shapes}${notes.length ? ` (${notes.join(', ')})` : ''}`;
}

function formatFoundTensor(t: TeacherTensorInfo): string {
  return `${t.name} ${t.dtype} ${formatFoundShape(t.shape)}`;
}

function formatMetadataSpec(spec: TeacherMetadataSpec): string {
  const value = spec.values ? spec.values.join('|') : spec.key === 'mlffd.cutoff' ? 'Å' : '…';
  return `${spec.key}=${value}${spec.presence === 'required' ? '' : ` (${spec.presence})`}`;
}

const CONTRACT_INPUTS = new Map(TEACHER_CONTRACT.inputs.map((s) => [s.name, s]));
const CONTRACT_OUTPUTS = new Map(TEACHER_CONTRACT.outputs.map((s) => [s.name, s]));

/** Whether a found dim can stand where the contract has `expected`. */
function dimMatches(expected: TeacherSpecDim, found: FoundDim): boolean {
  if (typeof expected === 'number') return typeof found !== 'number' || found === expected;
  return typeof found !== 'number';
}

function shapeMatches(expected: readonly TeacherSpecDim[], found: readonly FoundDim[]): boolean {
  return expected.length === found.length && expected.every((d, k) => dimMatches(d, found[k]!));
}

/**
 * Compares a tensor with its spec; returns the problems. `floatType` is the element type of
 * `positions` when valid (for `sameDTypeAs`).
 */
function checkTensor(
  kind: 'input' | 'output',
  spec: TeacherTensorSpec,
  found: TeacherTensorInfo,
  floatType: string | undefined,
): string[] {
  const problems: string[] = [];
  const what = `${kind} '${spec.name}'`;
  if (spec.sameDTypeAs && floatType !== undefined) {
    if (found.dtype !== floatType) {
      problems.push(
        `${what} has dtype ${found.dtype}; expected ${floatType} (the dtype of ${spec.sameDTypeAs})`,
      );
    }
  } else if (!spec.dtypes.includes(found.dtype as TeacherDType)) {
    problems.push(`${what} has dtype ${found.dtype}; expected ${spec.dtypes.join('|')}`);
  }
  if (found.shape !== null && !spec.shapes.some((s) => shapeMatches(s, found.shape!))) {
    const expected = spec.shapes.map(formatSpecShape).join(' or ');
    let message = `${what} has shape ${formatFoundShape(found.shape)}; expected ${expected}`;
    const sameRank = spec.shapes.find((s) => s.length === found.shape!.length);
    const fixed = sameRank?.findIndex(
      (d, k) => typeof d === 'string' && typeof found.shape![k] === 'number',
    );
    if (sameRank && fixed !== undefined && fixed >= 0) {
      message += ` (axis ${fixed} must be dynamic, ${sameRank[fixed]}: export it with dynamic_axes)`;
    }
    problems.push(message);
  }
  return problems;
}

/** Parses `mlffd.species`; undefined when malformed. */
function parseSpecies(value: string): number[] | undefined {
  const parts = value.split(',').map((s) => s.trim());
  const numbers = parts.map(Number);
  if (parts.some((p) => !/^\d+$/.test(p)) || numbers.some((z) => z < 1 || z > 118))
    return undefined;
  return numbers;
}

/** The properties a calculator over a valid model implements. */
function propertiesOf(outputs: readonly TeacherOutputName[]): PropertyName[] {
  const props: PropertyName[] = ['energy', 'free_energy'];
  if (outputs.includes('forces')) props.push('forces');
  if (outputs.includes('energies')) props.push('energies');
  if (outputs.includes('stress')) props.push('stress');
  return props;
}

/**
 * Checks a model's inputs, outputs and metadata against {@link TEACHER_CONTRACT}. Returns
 * what the calculator needs to know about it, or throws a {@link TeacherContractError}
 * listing every problem, each section's expectation and what the model has, e.g.
 *
 *     teacher.onnx: output 'forces' is missing (…); expected outputs: energy float32|float64
 *     [] or [1] (eV), forces …; found outputs: energy float32 [1]
 *
 * `source` (the file) starts the message. Backends read `found` from their model format:
 * backend-onnx from the ONNX `ModelProto`, backend-tfjs from `model.json`.
 */
export function checkTeacherSignature(
  found: TeacherSignature,
  source: string,
  options: CheckTeacherOptions = {},
): TeacherSpec {
  const problems: TeacherContractProblem[] = [];
  const add = (section: TeacherContractSection, message: string) =>
    problems.push({ section, message });
  const inputs = new Map(found.inputs.map((t) => [t.name, t]));
  const outputs = new Map(found.outputs.map((t) => [t.name, t]));
  const meta = found.metadata;

  // Inputs.
  for (const t of found.inputs) {
    if (!CONTRACT_INPUTS.has(t.name)) {
      add(
        'inputs',
        `input '${t.name}' is not part of the contract (the calculator cannot feed it)`,
      );
    }
  }
  const positions = inputs.get('positions');
  const floatType =
    positions && FLOATS.includes(positions.dtype as TeacherDType) ? positions.dtype : undefined;
  const has = (name: TeacherInputName) => inputs.has(name);
  if (!has('positions')) add('inputs', "input 'positions' is missing");
  if (has('pbc') && !has('cell')) {
    add('inputs', "input 'cell' is missing (pbc comes with it)");
  }
  if (has('edge_shift') && !has('edge_index')) {
    add('inputs', "input 'edge_index' is missing (edge_shift comes with it)");
  }
  if (has('edge_shift') && !has('cell')) {
    add('inputs', "input 'cell' is missing (edge_shift is in cell units)");
  }
  if (has('edge_index') && has('cell') && !has('edge_shift')) {
    add(
      'inputs',
      "input 'edge_shift' is missing (a periodic teacher with edge_index needs the image shifts)",
    );
  }
  for (const t of found.inputs) {
    const spec = CONTRACT_INPUTS.get(t.name);
    if (spec) for (const m of checkTensor('input', spec, t, floatType)) add('inputs', m);
  }

  // Outputs.
  const energyOnly = !outputs.has('forces') && Boolean(options.allowEnergyOnly);
  if (!outputs.has('energy')) add('outputs', "output 'energy' is missing");
  if (!outputs.has('forces') && !options.allowEnergyOnly) {
    add(
      'outputs',
      "output 'forces' is missing (ONNX Runtime and tfjs cannot differentiate the energy: " +
        'export the forces as an output, or load with allowEnergyOnly for energy labels only)',
    );
  }
  if (outputs.has('stress') && !has('cell')) {
    add('outputs', "output 'stress' needs the input cell");
  }
  for (const t of found.outputs) {
    const spec = CONTRACT_OUTPUTS.get(t.name);
    if (spec) for (const m of checkTensor('output', spec, t, floatType)) add('outputs', m);
  }

  // Metadata.
  const version = meta['mlffd.teacher'];
  if (version === undefined) {
    add('metadata', "metadata 'mlffd.teacher' is missing (expected 'v1')");
  } else if (version !== 'v1') {
    add(
      'metadata',
      `metadata 'mlffd.teacher' is '${version}'; this version of MLFF Distiller reads 'v1'`,
    );
  }
  const forcesMeta = meta['mlffd.forces'];
  let forces: TeacherForceKind = 'none';
  if (outputs.has('forces')) {
    if (forcesMeta === undefined) {
      add('metadata', "metadata 'mlffd.forces' is missing (expected 'conservative' or 'direct')");
    } else if (forcesMeta !== 'conservative' && forcesMeta !== 'direct') {
      add(
        'metadata',
        `metadata 'mlffd.forces' is '${forcesMeta}'; expected 'conservative' or 'direct'`,
      );
    } else {
      forces = forcesMeta;
    }
  }
  const cutoffMeta = meta['mlffd.cutoff'];
  let cutoff: number | undefined;
  if (cutoffMeta !== undefined) {
    const value = cutoffMeta.trim() === '' ? Number.NaN : Number(cutoffMeta);
    if (Number.isFinite(value) && value > 0) cutoff = value;
    else
      add(
        'metadata',
        `metadata 'mlffd.cutoff' is '${cutoffMeta}'; expected a positive number of Å`,
      );
  } else if (has('edge_index')) {
    add(
      'metadata',
      "metadata 'mlffd.cutoff' is missing (a teacher taking edge_index must give its cutoff in Å)",
    );
  }
  const speciesMeta = meta['mlffd.species'];
  let species: number[] | undefined;
  if (speciesMeta !== undefined) {
    species = parseSpecies(speciesMeta);
    if (!species) {
      add(
        'metadata',
        `metadata 'mlffd.species' is '${speciesMeta}'; expected comma-separated atomic numbers such as '1,6,8'`,
      );
    }
  }

  if (problems.length > 0) {
    throw new TeacherContractError(source, problems, contractMessage(source, problems, found));
  }

  const presentOutputs = found.outputs
    .map((t) => t.name)
    .filter((n): n is TeacherOutputName => CONTRACT_OUTPUTS.has(n));
  const warnings: string[] = [];
  if (forces === 'direct') {
    warnings.push(
      `${source}: direct (non-conservative) forces: they are not −∂E/∂x, so energy and force ` +
        'labels need not agree and MD with this teacher does not conserve energy',
    );
  }
  if (energyOnly) {
    warnings.push(`${source}: no forces output: loaded for energy labels only`);
  }
  return {
    source,
    contractVersion: 'v1',
    inputs: found.inputs.map((t) => ({
      name: t.name as TeacherInputName,
      dtype: t.dtype as TeacherDType,
    })),
    outputs: presentOutputs,
    ignoredOutputs: found.outputs.map((t) => t.name).filter((n) => !CONTRACT_OUTPUTS.has(n)),
    floatType: floatType as TeacherFloatType,
    periodic: has('cell'),
    takesPbc: has('pbc'),
    neighborList: has('edge_index'),
    ...(cutoff !== undefined ? { cutoff } : {}),
    forces,
    ...(species ? { species } : {}),
    properties: propertiesOf(presentOutputs),
    warnings,
    metadata: { ...meta },
  };
}

/** The message of a {@link TeacherContractError} raised at load time. */
function contractMessage(
  source: string,
  problems: readonly TeacherContractProblem[],
  found: TeacherSignature,
): string {
  const parts = [problems.map((p) => p.message).join('; ')];
  const sections = new Set(problems.map((p) => p.section));
  if (sections.has('inputs')) {
    parts.push(`expected inputs: ${TEACHER_CONTRACT.inputs.map(formatTensorSpec).join(', ')}`);
    parts.push(`found inputs: ${found.inputs.map(formatFoundTensor).join(', ') || '(none)'}`);
  }
  if (sections.has('outputs')) {
    parts.push(`expected outputs: ${TEACHER_CONTRACT.outputs.map(formatTensorSpec).join(', ')}`);
    parts.push(`found outputs: ${found.outputs.map(formatFoundTensor).join(', ') || '(none)'}`);
  }
  if (sections.has('metadata')) {
    parts.push(
      `expected metadata: ${TEACHER_CONTRACT.metadata.map(formatMetadataSpec).join(', ')}`,
    );
    const keys = Object.entries(found.metadata).filter(([k]) => k.startsWith('mlffd.'));
    parts.push(
      `found metadata: ${keys.map(([k, v]) => `${k}=${v}`).join(', ') || '(no mlffd.* keys)'}`,
    );
  }
  return `${source}: ${parts.join('; ')}`;
}
