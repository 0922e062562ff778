import {
  type DType,
  evaluate,
  type Graph,
  GraphBuilder,
  type HostTensor,
  isFloat,
  type Tensor,
} from '@mlff-distiller/graph';

export { randomTensor, rng } from '@mlff-distiller/graph/testing';

import { expect } from 'vitest';
import type { TfjsBackendName } from '../backend-names.js';
import { TfjsBackend } from '../tfjs-backend.js';

/**
 * The configurations every op test runs on here (tfjs-node cannot be installed on these
 * machines): cpu and wasm as used, and each with its host-memory fast paths turned off, which
 * runs the lowerings tfjs-node uses (tf.gather, Tile, gather + sum for neighborSum).
 */
export const TEST_BACKENDS = ['cpu', 'wasm', 'cpu/tfjs-kernels', 'wasm/tfjs-kernels'] as const;
/** One of {@link TEST_BACKENDS}. */
export type TestBackend = (typeof TEST_BACKENDS)[number];

/** The backend a test configuration runs on. */
export function backendName(config: TestBackend): TfjsBackendName {
  return config.startsWith('wasm') ? 'wasm' : 'cpu';
}

const backends = new Map<TestBackend, TfjsBackend>();
/** One shared {@link TfjsBackend} per test configuration. */
export function backendFor(config: TestBackend): TfjsBackend {
  let b = backends.get(config);
  if (b === undefined) {
    const kernelsOnly = config.endsWith('/tfjs-kernels');
    b = new TfjsBackend({
      backend: backendName(config),
      traits: kernelsOnly ? { hostGather: false, broadcastByAdd: false } : {},
    });
    backends.set(config, b);
  }
  return b;
}

const count = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);

/** Integers 0 … n−1 (indices, or small integer-valued floats for exact comparisons). */
export function integerTensor(rand: () => number, shape: number[], n: number): Tensor {
  return { shape, data: Float64Array.from({ length: count(shape) }, () => Math.floor(rand() * n)) };
}

/** An oracle tensor as the host tensor a session is fed for a node of dtype `dtype`. */
export function toHost(t: Tensor, dtype: DType): HostTensor {
  const data =
    dtype === 'float64'
      ? t.data
      : dtype === 'float32'
        ? Float32Array.from(t.data)
        : dtype === 'int32'
          ? Int32Array.from(t.data)
          : Uint8Array.from(t.data, (v) => (v ? 1 : 0));
  return { shape: t.shape, data };
}

/** Host feeds for `graph` from oracle tensors, typed by the graph's leaf dtypes. */
export function hostFeeds(
  graph: Graph,
  feeds: Readonly<Record<string, Tensor>>,
): Record<string, HostTensor> {
  const out: Record<string, HostTensor> = {};
  for (const n of graph.nodes) {
    const name = n.attrs.name as string;
    if ((n.op === 'input' || n.op === 'param') && feeds[name])
      out[name] = toHost(feeds[name], n.dtype);
  }
  return out;
}

/**
 * Default tolerance of float outputs, relative to the largest |value| of the output.
 *
 * tfjs computes in float32 (unit roundoff 2⁻²⁴ ≈ 6e-8); each op is correctly rounded or, for
 * exp/log/sin/tanh/pow, within a few ulps. The test graphs are a few ops deep with sums of at
 * most ~100 terms, so the accumulated error stays below ~100 · 6e-8 ≈ 6e-6 of the largest
 * magnitude involved (measured: ≤ 5e-7 on cpu and wasm); 1e-5 leaves room for that, while a
 * wrong index, axis or broadcast gives errors of order 1.
 */
export const FLOAT32_TOLERANCE = 1e-5;

/** Asserts `got` equals the float64 oracle `ref` (floats within `tolerance` · max|ref|). */
export function expectMatches(
  got: HostTensor,
  ref: Tensor,
  dtype: DType,
  tolerance: number,
  what: string,
): void {
  expect(got.shape, `${what}: shape`).toEqual(ref.shape);
  expect(got.data.length, `${what}: length`).toBe(ref.data.length);
  const expectedType =
    dtype === 'float64'
      ? Float64Array
      : dtype === 'float32'
        ? Float32Array
        : dtype === 'int32'
          ? Int32Array
          : Uint8Array;
  expect(got.data, `${what}: array type`).toBeInstanceOf(expectedType);
  if (!isFloat(dtype)) {
    // `+ 0` turns the oracle's −0 (Math.trunc(−0.5)) into the 0 an integer holds.
    expect(Array.from(got.data), what).toEqual(Array.from(ref.data, (v) => v + 0));
    return;
  }
  let scale = 0;
  for (const v of ref.data) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  let at = -1;
  for (let i = 0; i < ref.data.length; i++) {
    const r = ref.data[i];
    const g = got.data[i];
    if (Number.isNaN(r) || !Number.isFinite(r)) {
      expect(
        Object.is(g, r) || (Number.isNaN(r) && Number.isNaN(g)),
        `${what}[${i}]: ${g} vs ${r}`,
      ).toBe(true);
      continue;
    }
    const e = Math.abs(g - r);
    if (!(e <= worst)) {
      worst = e;
      at = i;
    }
  }
  expect(
    worst,
    `${what}: |error| ${worst} at ${at} (${got.data[at]} vs ${ref.data[at]}), max |value| ${scale}`,
  ).toBeLessThanOrEqual(tolerance * scale);
}

/** Options of {@link checkAgainstOracle}. */
export interface OracleCheck {
  tolerance?: number;
}

/** Compile options the oracle checks use: parameters are fed with the inputs. */
const FEED_PARAMETERS = { parameterMode: 'input' } as const;

/**
 * Compiles `graph` on `backend` (parameters in `'input'` mode), runs it on `feeds` and compares
 * every output with `evaluate` (float64). Returns the session's outputs.
 */
export async function checkAgainstOracle(
  backend: TestBackend,
  graph: Graph,
  feeds: Readonly<Record<string, Tensor>>,
  options: OracleCheck = {},
): Promise<Record<string, HostTensor>> {
  const session = await backendFor(backend).compile(graph, FEED_PARAMETERS);
  try {
    const got = await session.run(hostFeeds(graph, feeds));
    const ref = evaluate(graph, feeds);
    for (const [name, id] of Object.entries(graph.outputs)) {
      expectMatches(
        got[name],
        ref[name],
        graph.nodes[id].dtype,
        options.tolerance ?? FLOAT32_TOLERANCE,
        name,
      );
    }
    return got;
  } finally {
    await session.dispose();
  }
}

/** Builds a graph with `build` and checks it with {@link checkAgainstOracle}. */
export function checkBuilt(
  backend: TestBackend,
  build: (b: GraphBuilder) => void,
  feeds: Readonly<Record<string, Tensor>>,
  options: OracleCheck = {},
): Promise<Record<string, HostTensor>> {
  const b = new GraphBuilder();
  build(b);
  return checkAgainstOracle(backend, b.build(), feeds, options);
}
