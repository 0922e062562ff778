import type { DType, HostData } from '@mlff-distiller/graph';
import type * as tf from '@tensorflow/tfjs-core';

/** The tfjs dtypes a graph value is held in. */
export type TfDtype = 'float32' | 'int32' | 'bool';

/** tfjs has no float64: float64 graph values are held, and computed, in float32. */
export function tfDtype(dtype: DType): TfDtype {
  return dtype === 'float64' ? 'float32' : dtype;
}

/**
 * Host data converted to what a tfjs tensor of the graph dtype `dtype` stores:
 * Float32Array for float32/float64 (float64 values are rounded), Int32Array for int32
 * (non-integers truncated), Uint8Array of 0/1 for bool (any non-zero is true). Data already
 * in the right form is returned as is (tfjs copies it when it makes a tensor).
 */
export function toTfValues(data: HostData, dtype: DType): Float32Array | Int32Array | Uint8Array {
  switch (tfDtype(dtype)) {
    case 'float32':
      return data instanceof Float32Array ? data : Float32Array.from(data);
    case 'int32':
      return data instanceof Int32Array ? data : Int32Array.from(data);
    case 'bool': {
      const out = new Uint8Array(data.length);
      for (let i = 0; i < data.length; i++) out[i] = data[i] ? 1 : 0;
      return out;
    }
  }
}

/**
 * Values read from a tfjs tensor, copied into the host array of the graph dtype `dtype`:
 * Float64Array for float64 (holding float32-precision values), Float32Array, Int32Array, or
 * Uint8Array of 0/1 for bool. Always a fresh array the caller owns.
 */
export function fromTfValues(
  values: tf.TypedArray | tf.DataTypeMap['string'],
  dtype: DType,
): HostData {
  if (!ArrayBuffer.isView(values)) throw new Error('tfjs returned string data');
  switch (dtype) {
    case 'float64':
      return Float64Array.from(values);
    case 'float32':
      return Float32Array.from(values);
    case 'int32':
      return Int32Array.from(values);
    case 'bool': {
      const out = new Uint8Array(values.length);
      for (let i = 0; i < values.length; i++) out[i] = values[i] ? 1 : 0;
      return out;
    }
  }
}
