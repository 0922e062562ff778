import { endianness } from 'node:os';
import type { DType } from '@mlff-distiller/graph';
import { DTYPES, ONNX_INT64 } from './dtypes.js';
import { type OnnxTypes, onnx } from './onnx-proto.js';

/** Element type of a tensor written by {@link OnnxGraphWriter}: an IR dtype or int64. */
export type WriterDType = DType | 'int64';

/** A node attribute: integer, list of integers, string, or tensor (ONNX attribute types). */
export type WriterAttr =
  | number
  | readonly number[]
  | string
  | { readonly tensor: OnnxTypes.ITensorProto };

const AT = onnx.AttributeProto.AttributeType;
const LITTLE_ENDIAN = endianness() === 'LE';
/** Constants up to this many elements are de-duplicated (shape vectors, axes, scalars). */
const CACHE_LIMIT = 16;

function onnxType(dtype: WriterDType): number {
  return dtype === 'int64' ? ONNX_INT64 : DTYPES[dtype].onnx;
}

/**
 * A `TensorProto` holding `values` (row-major) with shape `dims`. Little-endian hosts store
 * the bytes in `raw_data` (compact, fast to encode); big-endian hosts use the typed
 * fields, which protobuf encodes portably.
 */
export function tensorProto(
  name: string,
  dtype: WriterDType,
  dims: readonly number[],
  values: ArrayLike<number>,
): OnnxTypes.ITensorProto {
  const base = { name, dims: [...dims], dataType: onnxType(dtype) };
  if (LITTLE_ENDIAN) {
    let typed: ArrayBufferView;
    if (dtype === 'int64') typed = BigInt64Array.from(Array.from(values, (v) => BigInt(v)));
    else typed = DTYPES[dtype].array.from(values as ArrayLike<number>);
    return { ...base, rawData: new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength) };
  }
  const list = Array.from(values);
  switch (dtype) {
    case 'float32':
      return { ...base, floatData: list };
    case 'float64':
      return { ...base, doubleData: list };
    case 'int64':
      return { ...base, int64Data: list };
    default:
      return { ...base, int32Data: list.map((v) => (dtype === 'bool' ? (v ? 1 : 0) : v)) };
  }
}

/** Options of {@link OnnxGraphWriter.node}. */
export interface NodeOptions {
  /** Name of the output tensor (default: a fresh internal name). */
  output?: string;
  /** Attributes by ONNX attribute name. */
  attrs?: Readonly<Record<string, WriterAttr>>;
}

/**
 * Accumulates the nodes and initializers of one ONNX graph. Internal tensor names are
 * generated so they never collide with the reserved (user-visible) names: graph inputs,
 * parameters and outputs. Small constants are shared.
 */
export class OnnxGraphWriter {
  /** Nodes in emission (= topological) order. */
  readonly nodes: OnnxTypes.INodeProto[] = [];
  /** Initializers (constants and, in constant mode, parameters). */
  readonly initializers: OnnxTypes.ITensorProto[] = [];
  private readonly used = new Set<string>();
  private readonly constants = new Map<string, string>();
  private counter = 0;

  /** `reserved`: names that internal tensors must not take. */
  constructor(reserved: Iterable<string>) {
    for (const n of reserved) this.used.add(n);
  }

  /** A new unique tensor name starting with `hint`. */
  fresh(hint: string): string {
    let name = hint;
    while (this.used.has(name)) name = `${hint}_${++this.counter}`;
    this.used.add(name);
    return name;
  }

  /** Marks `name` as taken (graph inputs and outputs are named by the user). */
  claim(name: string): void {
    this.used.add(name);
  }

  /**
   * Appends a node of `opType` (default ONNX domain) and returns its output name. `label`
   * names the node (shown in onnxruntime error messages) and seeds internal names.
   */
  node(
    opType: string,
    inputs: readonly string[],
    label: string,
    options: NodeOptions = {},
  ): string {
    const output = options.output ?? this.fresh(`${label}/${opType}`);
    const attribute = Object.entries(options.attrs ?? {}).map(([name, v]) =>
      attributeProto(name, v),
    );
    this.nodes.push({
      opType,
      name: this.fresh(`${label}/${opType}#node`),
      input: [...inputs],
      output: [output],
      attribute,
    });
    return output;
  }

  /** Adds an initializer named `name` (a parameter or a large constant). */
  initializer(
    name: string,
    dtype: WriterDType,
    dims: readonly number[],
    values: ArrayLike<number>,
  ): string {
    this.initializers.push(tensorProto(name, dtype, dims, values));
    return name;
  }

  /** A constant initializer with the given values; small constants are shared. */
  constant(dtype: WriterDType, dims: readonly number[], values: ArrayLike<number>): string {
    const small = values.length <= CACHE_LIMIT;
    const key = small ? `${dtype}|${dims.join(',')}|${Array.from(values).join(',')}` : '';
    const cached = small ? this.constants.get(key) : undefined;
    if (cached !== undefined) return cached;
    const name = this.initializer(this.fresh(`const_${dtype}`), dtype, dims, values);
    if (small) this.constants.set(key, name);
    return name;
  }

  /** A 1-D int64 constant (axes, shapes, starts/ends, pads). */
  int64s(values: readonly number[]): string {
    return this.constant('int64', [values.length], values);
  }

  /** A scalar constant of `dtype`. */
  scalar(dtype: WriterDType, value: number): string {
    return this.constant(dtype, [], [value]);
  }
}

function attributeProto(name: string, v: WriterAttr): OnnxTypes.IAttributeProto {
  if (typeof v === 'number') return { name, type: AT.INT, i: v };
  if (typeof v === 'string') return { name, type: AT.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: AT.INTS, ints: [...v] };
  return { name, type: AT.TENSOR, t: (v as { tensor: OnnxTypes.ITensorProto }).tensor };
}
