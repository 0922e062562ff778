import type { io } from '@tensorflow/tfjs-core';

/** A dimension: a size, or unknown (`null`; tfjs writes −1). */
export type TfjsDim = number | null;

/** An input or output of a tfjs graph model, as its `model.json` declares it. */
export interface TfjsTensorInfo {
  /** The signature key (or the node name when the model has no signature). */
  readonly name: string;
  /** `float32`, `float64`, `int32`, `int64`, `bool`, or the TensorFlow type in lower case. */
  readonly dtype: string;
  /** Dimensions, or `null` when the rank is unknown. */
  readonly shape: readonly TfjsDim[] | null;
}

/**
 * What a tfjs graph model declares: inputs, outputs and string metadata. The same shape as
 * core's `TeacherSignature`, so it goes straight to `checkTeacherSignature`.
 */
export interface TfjsTeacherSignature {
  readonly inputs: readonly TfjsTensorInfo[];
  readonly outputs: readonly TfjsTensorInfo[];
  readonly metadata: Readonly<Record<string, string>>;
}

const TF_DTYPES: Readonly<Record<string, string>> = {
  DT_FLOAT: 'float32',
  DT_DOUBLE: 'float64',
  DT_INT32: 'int32',
  DT_INT64: 'int64',
  DT_BOOL: 'bool',
};

function dtypeName(type: unknown): string {
  if (typeof type !== 'string') return 'unknown';
  return TF_DTYPES[type] ?? type.replace(/^DT_/, '').toLowerCase();
}

interface TensorShapeJson {
  dim?: { size?: string | number }[];
  unknownRank?: boolean;
}

function shapeOf(shape: TensorShapeJson | undefined): TfjsDim[] | null {
  if (!shape || shape.unknownRank) return null;
  return (shape.dim ?? []).map((d) => {
    const size = Number(d.size ?? -1);
    return Number.isFinite(size) && size >= 0 ? size : null;
  });
}

interface NodeJson {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, { type?: string; shape?: TensorShapeJson }>;
}

interface TensorInfoJson {
  name?: string;
  dtype?: string;
  tensorShape?: TensorShapeJson;
}

/**
 * String metadata of a model: `userDefinedMetadata` entries with string, number or boolean
 * values, and the entries of object values one level down (what
 * `tensorflowjs_converter --metadata mlffd:teacher-metadata.json` writes).
 */
function metadataOf(user: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (key: string, value: unknown) => {
    if (typeof value === 'string') out[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') out[key] = String(value);
  };
  for (const [key, value] of Object.entries(user ?? {})) {
    // tfjs-converter's own entries, not metadata.
    if (key === 'signature' || key === 'structuredOutputKeys') continue;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) put(k, v);
    } else {
      put(key, value);
    }
  }
  return out;
}

/**
 * The inputs, outputs and metadata a tfjs graph model's `model.json` declares, for core's
 * `checkTeacherSignature`. Inputs and outputs come from the `signature` (written by
 * `tensorflowjs_converter` from a SavedModel; names are the signature keys; a
 * `userDefinedMetadata.signature` takes precedence, as in tfjs-converter's `GraphModel`,
 * which feeds and fetches through the same signature); without one,
 * inputs are the `Placeholder` nodes and outputs the nodes no other node consumes (their
 * shapes unknown). TensorFlow types map to `float32`, `float64`, `int32`, `int64`, `bool`.
 */
export function readTfjsTeacherSignature(
  model: io.ModelJSON | io.ModelArtifacts,
): TfjsTeacherSignature {
  const user = model.userDefinedMetadata as Record<string, unknown> | undefined;
  const metadata = metadataOf(user);
  const signature = (user?.signature ?? model.signature) as
    | { inputs?: Record<string, TensorInfoJson>; outputs?: Record<string, TensorInfoJson> }
    | undefined;
  const fromSignature = (entries: Record<string, TensorInfoJson> | undefined) =>
    Object.entries(entries ?? {}).map(
      ([key, info]): TfjsTensorInfo => ({
        name: key,
        dtype: dtypeName(info.dtype),
        shape: shapeOf(info.tensorShape),
      }),
    );
  if (signature?.inputs || signature?.outputs) {
    return {
      inputs: fromSignature(signature.inputs),
      outputs: fromSignature(signature.outputs),
      metadata,
    };
  }
  const topology = model.modelTopology as { node?: NodeJson[] } | undefined;
  const nodes = topology?.node ?? [];
  const consumed = new Set<string>();
  for (const n of nodes) {
    for (const input of n.input ?? []) consumed.add(input.replace(/^\^/, '').replace(/:\d+$/, ''));
  }
  const inputs = nodes
    .filter((n) => n.op === 'Placeholder')
    .map(
      (n): TfjsTensorInfo => ({
        name: n.name,
        dtype: dtypeName(n.attr?.dtype?.type),
        shape: shapeOf(n.attr?.shape?.shape),
      }),
    );
  const outputs = nodes
    .filter((n) => !consumed.has(n.name) && !['Placeholder', 'Const', 'NoOp'].includes(n.op))
    .map(
      (n): TfjsTensorInfo => ({
        name: n.name,
        dtype: dtypeName(n.attr?.T?.type ?? n.attr?.dtype?.type),
        shape: null,
      }),
    );
  return { inputs, outputs, metadata };
}
