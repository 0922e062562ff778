import {
  type Dim,
  type DType,
  evaluate,
  type Graph,
  type HostTensor,
  resolveDim,
  type Shape,
} from '@mlff-distiller/graph';
import { expect } from 'vitest';
import { onnxSignature } from '../compile-to-onnx.js';

export { rng } from '@mlff-distiller/graph/testing';

/** How to fill the random feeds of a graph's inputs. */
export interface FeedRecipe {
  /** Sizes of the symbolic dims. */
  sizes?: Readonly<Record<string, number>>;
  /** Value range [lo, hi) of float inputs by name (default [−2, 2)). */
  range?: Readonly<Record<string, readonly [number, number]>>;
  /** Exclusive upper bound of int32 inputs by name (a dim; default 4). */
  index?: Readonly<Record<string, Dim>>;
}

/** Numeric shape of `shape` under `sizes`. */
export function resolveShape(shape: Shape, sizes: Readonly<Record<string, number>>): number[] {
  return shape.map((d) => {
    const v = resolveDim(d, (n) => sizes[n]);
    if (v === undefined) throw new Error(`fixture: unbound dim ${d}`);
    return v;
  });
}

/** Random host tensor of `dtype` and numeric `shape`. */
export function randomHost(
  r: () => number,
  dtype: DType,
  shape: readonly number[],
  lo = -2,
  hi = 2,
): HostTensor {
  const n = shape.reduce((p, d) => p * d, 1);
  switch (dtype) {
    case 'float32':
      return { shape, data: Float32Array.from({ length: n }, () => lo + (hi - lo) * r()) };
    case 'float64':
      return { shape, data: Float64Array.from({ length: n }, () => lo + (hi - lo) * r()) };
    case 'int32':
      return {
        shape,
        data: Int32Array.from({ length: n }, () => Math.floor(lo + (hi - lo) * r())),
      };
    case 'bool':
      return { shape, data: Uint8Array.from({ length: n }, () => (r() < 0.5 ? 1 : 0)) };
  }
}

/** Random feeds for every input (and input-mode parameter) of `graph`. */
export function randomFeeds(
  r: () => number,
  graph: Graph,
  recipe: FeedRecipe = {},
): Record<string, HostTensor> {
  const sizes = recipe.sizes ?? {};
  const feeds: Record<string, HostTensor> = {};
  for (const spec of onnxSignature(graph, { parameterMode: 'input' }).inputs) {
    const shape = resolveShape(spec.shape, sizes);
    if (spec.dtype === 'int32') {
      const bound = resolveShape([recipe.index?.[spec.name] ?? 4], sizes)[0];
      feeds[spec.name] = randomHost(r, 'int32', shape, 0, bound);
    } else {
      const [lo, hi] = recipe.range?.[spec.name] ?? [-2, 2];
      feeds[spec.name] = randomHost(r, spec.dtype, shape, lo, hi);
    }
  }
  return feeds;
}

/** Largest |value|, or 1 when every value is 0. */
export function scaleOf(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s = Math.max(s, Math.abs(values[i]));
  return s === 0 ? 1 : s;
}

/**
 * Asserts |actual − expected| ≤ rtol · max|expected| elementwise (NaN only where NaN is
 * expected), reporting the worst element.
 */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rtol: number,
  what = '',
): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  const tol = rtol * scaleOf(expected);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const a = actual[i];
    if (Number.isNaN(e) || Number.isNaN(a)) {
      expect(Number.isNaN(a), `${what}[${i}]: ${a} vs ${e}`).toBe(Number.isNaN(e));
      continue;
    }
    const err = Math.abs(a - e);
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  expect(
    worst,
    `${what}: worst |error| at [${at}] (${actual[at]} vs ${expected[at]})`,
  ).toBeLessThanOrEqual(tol);
}

/** Evaluates `graph` with the float64 reference interpreter on host feeds. */
export function oracle(graph: Graph, feeds: Readonly<Record<string, HostTensor>>) {
  return evaluate(graph, feeds);
}
