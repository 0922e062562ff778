import {
  type DType,
  formatShape,
  type HostTensor,
  resolveDim,
  type Shape,
} from '@mlff-distiller/graph';
import { arrayName, DTYPES, matchesDType } from './dtypes.js';

/** What a fed tensor must look like: name, dtype and declared (possibly symbolic) shape. */
export interface FeedSpec {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: Shape;
}

/** A feed that does not match the model's input: missing, wrong dtype, rank or size. */
export class FeedError extends Error {
  /** Name of the offending input. */
  readonly input: string;

  constructor(input: string, reason: string) {
    super(`backend-onnx: input '${input}': ${reason}`);
    this.name = 'FeedError';
    this.input = input;
  }
}

/** Sizes of the symbolic dims bound by a set of feeds, with the input that bound each. */
export type DimBindings = Map<string, { size: number; input: string }>;

/**
 * Checks `feeds` against `specs` before anything reaches onnxruntime: every input present,
 * host array type matching the dtype (float32 → Float32Array, float64 → Float64Array,
 * int32 → Int32Array, bool → Uint8Array), rank, data length, numeric dims, and every
 * symbolic dim the same across inputs (plain names are bound first, product dims such as
 * `'atoms*neighbors'` are then checked against the product of their bound factors).
 * Feeds not named in `specs` are ignored. Throws {@link FeedError} naming the input;
 * returns the bound dims.
 */
export function checkFeeds(
  specs: readonly FeedSpec[],
  feeds: Readonly<Record<string, HostTensor | undefined>>,
): DimBindings {
  const missing = specs.filter((s) => !feeds[s.name]);
  if (missing.length > 0) {
    const list = missing.map((s) => `'${s.name}' (${s.dtype} ${formatShape(s.shape)})`);
    throw new FeedError(missing[0].name, `missing feed; not fed: ${list.join(', ')}`);
  }
  const dims: DimBindings = new Map();
  for (const spec of specs) {
    const t = feeds[spec.name] as HostTensor;
    const fail = (reason: string): never => {
      throw new FeedError(spec.name, reason);
    };
    if (!matchesDType(t.data, spec.dtype)) {
      fail(
        `expected ${spec.dtype} data (${DTYPES[spec.dtype].array.name}), got ${arrayName(t.data)}`,
      );
    }
    if (t.shape.length !== spec.shape.length) {
      fail(
        `rank ${t.shape.length} (${formatShape(t.shape)}), expected rank ${spec.shape.length} ` +
          `(${formatShape(spec.shape)})`,
      );
    }
    let size = 1;
    for (const d of t.shape) {
      if (!Number.isInteger(d) || d < 0) fail(`bad shape ${formatShape(t.shape)}`);
      size *= d;
    }
    if (t.data.length !== size) {
      fail(`shape ${formatShape(t.shape)} needs ${size} values, got ${t.data.length}`);
    }
    spec.shape.forEach((d, k) => {
      const actual = t.shape[k];
      if (typeof d === 'number') {
        if (actual !== d) fail(`dim ${k} is ${actual}, expected ${d} (${formatShape(spec.shape)})`);
      } else if (!d.includes('*')) {
        const bound = dims.get(d);
        if (bound === undefined) dims.set(d, { size: actual, input: spec.name });
        else if (bound.size !== actual) {
          fail(
            `dim ${k} ('${d}') is ${actual}, but input '${bound.input}' has ${d} = ${bound.size}`,
          );
        }
      }
    });
  }
  for (const spec of specs) {
    const t = feeds[spec.name] as HostTensor;
    spec.shape.forEach((d, k) => {
      if (typeof d !== 'string' || !d.includes('*')) return;
      const expected = resolveDim(d, (n) => dims.get(n)?.size);
      if (expected !== undefined && expected !== t.shape[k]) {
        throw new FeedError(
          spec.name,
          `dim ${k} ('${d}') is ${t.shape[k]}, expected ${expected} from the bound dims`,
        );
      }
    });
  }
  return dims;
}
