import type { DType, HostData } from '@mlff-distiller/graph';
import { onnx } from './onnx-proto.js';

/** Element type names of onnxruntime tensors used by this backend. */
export type OrtTensorType = 'float32' | 'float64' | 'int32' | 'bool' | 'int64';

/** Everything this backend needs to know about one IR dtype. */
export interface DTypeInfo {
  /** ONNX `TensorProto.DataType` code. */
  readonly onnx: number;
  /** onnxruntime tensor type name. */
  readonly ort: OrtTensorType;
  /** Host storage (bool is one byte per element, 0 or 1). */
  readonly array:
    | Float32ArrayConstructor
    | Float64ArrayConstructor
    | Int32ArrayConstructor
    | Uint8ArrayConstructor;
}

const DT = onnx.TensorProto.DataType;

/** IR dtypes and their ONNX / onnxruntime / host counterparts. */
export const DTYPES: Readonly<Record<DType, DTypeInfo>> = {
  float32: { onnx: DT.FLOAT, ort: 'float32', array: Float32Array },
  float64: { onnx: DT.DOUBLE, ort: 'float64', array: Float64Array },
  int32: { onnx: DT.INT32, ort: 'int32', array: Int32Array },
  bool: { onnx: DT.BOOL, ort: 'bool', array: Uint8Array },
};

/** ONNX `TensorProto.DataType` code of int64 (shape tensors, ScatterND indices). */
export const ONNX_INT64: number = DT.INT64;

/** True when `d` is one of the IR dtypes this backend can compile. */
export function isKnownDType(d: unknown): d is DType {
  return typeof d === 'string' && Object.hasOwn(DTYPES, d);
}

/** Name of the host array class for error messages (`Float32Array`, …). */
export function arrayName(data: HostData | ArrayLike<number>): string {
  return (data as object).constructor?.name ?? typeof data;
}

/** True when `data` is stored in the host array type of `dtype`. */
export function matchesDType(data: HostData, dtype: DType): boolean {
  return data instanceof DTYPES[dtype].array;
}
