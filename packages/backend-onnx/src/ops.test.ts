/**
 * Every IR op compiled to ONNX and run on onnxruntime-node, against the float64 reference
 * interpreter `evaluate` on the same inputs.
 *
 * Tolerances, relative to the largest |value| of the reference output:
 * - float64: 1e-12. onnxruntime's double kernels are libm-accurate (≤ a few ulp, 2.2e-16
 *   each); the deepest chains here (sums of ≤ 40 terms, matmul with k ≤ 4) stay below
 *   1e-14, so 1e-12 leaves two orders of magnitude and still catches any wrong index or
 *   dropped term (those are O(1)).
 * - float32: 1e-5. The inputs are the same float32 values, so only float32 arithmetic
 *   differs: unit roundoff 6e-8, MLAS's vectorised exp/tanh/sigmoid approximations are
 *   within a few ulp, and a sum of n ≤ 40 terms accumulates ≲ n·u ≈ 2.4e-6 in the worst
 *   case relative to the largest magnitude — 1e-5 is above that and far below any
 *   semantic error.
 */
import { type Dim, GraphBuilder, type HostTensor } from '@mlff-distiller/graph';
import { afterAll, describe, expect, it } from 'vitest';
import { expectClose, type FeedRecipe, oracle, randomFeeds, rng } from './__fixtures__/random.js';
import { OnnxBackend } from './onnx-backend.js';
import type { OnnxSession } from './onnx-session.js';

type FloatType = 'float32' | 'float64';
const TOL: Record<FloatType, number> = { float32: 1e-5, float64: 1e-12 };

interface OpCase {
  name: string;
  build: (b: GraphBuilder, dt: FloatType) => void;
  /** One entry per run of the same session (different symbolic sizes show reuse). */
  runs?: FeedRecipe[];
  range?: FeedRecipe['range'];
  index?: FeedRecipe['index'];
}

const two = (extra: Record<string, number> = {}): FeedRecipe[] => [
  { sizes: { atoms: 4, ...extra } },
  { sizes: { atoms: 7, ...extra } },
];
const positive = { x: [0.1, 3] as const };

const unary = (op: string, range?: FeedRecipe['range']): OpCase => ({
  name: op,
  build: (b, dt) => {
    const x = b.input('x', dt, ['atoms', 3]);
    b.output('y', b.addNode(op, [x]));
  },
  runs: two(),
  range,
});

const binary = (op: string, bShape: Dim[], range?: FeedRecipe['range']): OpCase => ({
  name: `${op} [atoms,3]·${JSON.stringify(bShape)}`,
  build: (b, dt) => {
    const x = b.input('x', dt, ['atoms', 3]);
    const y = b.input('y', dt, bShape);
    b.output('z', b.addNode(op, [x, y]));
    b.output('w', b.addNode(op, [y, x]));
  },
  runs: two(),
  range,
});

const CASES: OpCase[] = [
  ...['neg', 'exp', 'sin', 'cos', 'square', 'silu', 'sigmoid', 'tanh', 'softplus'].map((op) =>
    unary(op),
  ),
  ...['log', 'sqrt', 'rsqrt'].map((op) => unary(op, positive)),
  { ...unary('softplus', { x: [-40, 40] }), name: 'softplus, large |x|' },
  ...['add', 'sub', 'mul', 'div'].flatMap((op) => [
    binary(op, [3], op === 'div' ? { y: [0.5, 2] } : undefined),
    binary(op, ['atoms', 1], op === 'div' ? { y: [0.5, 2], x: [0.5, 2] } : undefined),
  ]),
  binary('pow', [], { x: [0.2, 2], y: [0.2, 2] }),
  {
    name: 'pow with a constant exponent (negative base)',
    build: (b, dt) => {
      const x = b.input('x', dt, ['atoms', 3]);
      b.output('cube', b.pow(x, { scalar: 3 }));
      b.output('inv', b.pow(x, { scalar: -2 }));
    },
    runs: two(),
  },
  ...['less', 'lessEqual', 'greater', 'greaterEqual', 'equal'].map(
    (op): OpCase => ({
      name: `${op} (float, int32, bool)`,
      build: (b, dt) => {
        const x = b.input('x', dt, ['atoms', 3]);
        const y = b.input('y', dt, [1, 3]);
        const i = b.input('i', 'int32', ['atoms', 3]);
        const j = b.input('j', 'int32', [3]);
        const p = b.input('p', 'bool', ['atoms', 3]);
        const q = b.input('q', 'bool', ['atoms', 1]);
        b.output('f', b.addNode(op, [x, y]));
        b.output('fSelf', b.addNode(op, [x, x]));
        b.output('n', b.addNode(op, [i, j]));
        b.output('t', b.addNode(op, [p, q]));
      },
      runs: two(),
      index: { i: 3, j: 3 },
    }),
  ),
  {
    name: 'where (float, int32 and bool branches, broadcasting)',
    build: (b, dt) => {
      const m = b.input('m', 'bool', ['atoms', 1]);
      const x = b.input('x', dt, ['atoms', 3]);
      const y = b.input('y', dt, [3]);
      const i = b.input('i', 'int32', ['atoms', 3]);
      const p = b.input('p', 'bool', ['atoms', 3]);
      b.output('f', b.where(m, x, y));
      b.output('s', b.where(m, x, { scalar: 1 }));
      b.output('n', b.where(m, i, b.constant([7], [], 'int32')));
      b.output('t', b.where(m, p, b.constant([0], [], 'bool')));
    },
    runs: two(),
  },
  {
    name: 'cast between every dtype',
    build: (b, dt) => {
      const x = b.input('x', dt, ['atoms', 3]);
      const i = b.input('i', 'int32', ['atoms']);
      const p = b.input('p', 'bool', ['atoms']);
      b.output('toInt', b.cast(x, 'int32'));
      b.output('toBool', b.cast(x, 'bool'));
      b.output('toOther', b.cast(x, dt === 'float32' ? 'float64' : 'float32'));
      b.output('same', b.cast(x, dt));
      b.output('intToFloat', b.cast(i, dt));
      b.output('boolToFloat', b.cast(p, dt));
      b.output('boolToInt', b.cast(p, 'int32'));
    },
    runs: two(),
    range: { x: [-5, 5] },
    index: { i: 100 },
  },
  {
    name: 'dimSize (symbolic and numeric axes) and reduceMean',
    build: (b, dt) => {
      const x = b.input('x', dt, ['atoms', 3]);
      b.output('n', b.dimSize(x, 0));
      b.output('three', b.dimSize(x, -1));
      b.output('scaled', b.mul(x, b.dimSize(x, 0)));
      b.output('mean', b.reduceMean(x, [0]));
    },
    runs: two(),
  },
  {
    name: 'matmul rank 2 and batched rank 3',
    build: (b, dt) => {
      const x = b.input('x', dt, ['atoms', 4]);
      const w = b.input('w', dt, [4, 5]);
      const t = b.input('t', dt, ['atoms', 'neighbors', 4]);
      b.output('xw', b.matmul(x, w));
      b.output('tw', b.matmul(t, w));
    },
    runs: two({ neighbors: 3 }),
  },
  {
    name: 'transpose',
    build: (b, dt) => {
      const x = b.input('x', dt, ['atoms', 3, 2]);
      b.output('y', b.transpose(x, [2, 0, 1]));
      b.output('id', b.transpose(x, [0, 1, 2]));
    },
    runs: two(),
  },
  {
    name: 'reduceSum over axes, keepDims, negative and no axes',
    build: (b, dt) => {
      const x = b.input('x', dt, ['atoms', 3, 2]);
      b.output('a0', b.reduceSum(x, [0]));
      b.output('a12', b.reduceSum(x, [2, 1], true));
      b.output('neg', b.reduceSum(x, [-1]));
      b.output('none', b.reduceSum(x, []));
      b.output('all', b.sumAll(x));
    },
    runs: two(),
  },
  {
    name: 'gather: axis 0 with repeated indices, axis 1 with a rank-2 index, int32 data',
    build: (b, dt) => {
      const x = b.input('x', dt, ['atoms', 5]);
      const i = b.input('i', 'int32', ['pairs']);
      const k = b.input('k', 'int32', [2, 2]);
      const ids = b.input('ids', 'int32', ['atoms']);
      b.output('rows', b.gather(x, i));
      b.output('cols', b.gather(x, k, 1));
      b.output('ints', b.gather(ids, i));
    },
    runs: [{ sizes: { atoms: 3, pairs: 12 } }, { sizes: { atoms: 6, pairs: 20 } }],
    index: { i: 'atoms', k: 5, ids: 100 },
  },
  {
    name: 'scatterAdd: segment sum with heavy repeats, inner axis with a rank-2 index',
    build: (b, dt) => {
      const e = b.input('e', dt, ['pairs', 3]);
      const i = b.input('i', 'int32', ['pairs']);
      const pos = b.input('pos', dt, ['atoms', 3]);
      b.output('seg', b.segmentSum(e, i, 'atoms'));
      b.output('segFixed', b.scatterAdd(e, i, 0, 5));
      const d = b.input('d', dt, ['atoms', 2, 3, 4]);
      const k = b.input('k', 'int32', [2, 3]);
      b.output('inner', b.scatterAdd(d, k, 1, 4));
      b.output('withPos', b.add(b.segmentSum(e, i, 'atoms'), pos));
    },
    runs: [{ sizes: { atoms: 3, pairs: 40 } }, { sizes: { atoms: 5, pairs: 9 } }],
    index: { i: 3, k: 4 },
  },
  {
    name: 'reshape: numeric, copied symbolic, product dims (merge and split), coefficient',
    build: (b, dt) => {
      const x = b.input('x', dt, ['atoms', 6]);
      const t = b.input('t', dt, ['atoms', 'neighbors', 2]);
      b.output('split', b.reshape(x, ['atoms', 2, 3]));
      b.output('flat', b.reshape(x, ['6*atoms']));
      b.output('unit', b.reshape(b.sumAll(x), [1, 1]));
      const merged = b.reshape(t, ['atoms*neighbors', 2]);
      b.output('merged', merged);
      b.output('back', b.reshape(b.exp(merged), ['atoms', 'neighbors', 2]));
      b.output('swap', b.reshape(t, ['neighbors', 'atoms', 2]));
      b.output('num', b.reshape(b.input('c', dt, [2, 6]), [3, 4]));
    },
    runs: two({ neighbors: 3 }),
  },
  {
    name: 'broadcastTo: stretch 1, new symbolic axes, scalar',
    build: (b, dt) => {
      const x = b.input('x', dt, ['atoms', 1]);
      const y = b.input('y', dt, [3]);
      const s = b.input('s', dt, []);
      b.input('nbr', 'int32', ['atoms', 'neighbors']);
      b.output('a', b.broadcastTo(x, ['atoms', 3]));
      b.output('b', b.broadcastTo(y, ['atoms', 3]));
      b.output('c', b.broadcastTo(s, ['atoms', 'neighbors']));
      b.output('d', b.broadcastTo(x, ['atoms', 1]));
    },
    runs: two({ neighbors: 2 }),
  },
  {
    name: 'concat, slice, pad',
    build: (b, dt) => {
      const x = b.input('x', dt, ['atoms', 2]);
      const y = b.input('y', dt, ['atoms', 3]);
      const z = b.input('z', dt, [4, 3]);
      b.output('cat', b.concat([x, y, x], 1));
      b.output('catNeg', b.concat([y, x], -1));
      b.output('one', b.concat([x], 1));
      b.output('catRows', b.concat([z, z], 0));
      b.output('slice', b.slice(y, 1, 1, 3));
      b.output('sliceAll', b.slice(y, 1, 0, 3));
      b.output('sliceRows', b.slice(z, 0, 1, 3));
      b.output('pad', b.pad(y, 1, 1, 2));
      b.output('padRows', b.pad(z, 0, 2, 0));
    },
    runs: two(),
  },
  {
    name: 'neighborGather and neighborSum',
    build: (b, dt) => {
      const x = b.input('x', dt, ['atoms', 3]);
      const g = b.input('g', dt, ['atoms', 'neighbors', 3]);
      const h = b.input('h', dt, ['atoms', 'neighbors']);
      const nbr = b.input('nbr', 'int32', ['atoms', 'neighbors']);
      const rev = b.input('rev', 'int32', ['atoms', 'neighbors']);
      b.output('xj', b.neighborGather(x, nbr, rev));
      b.output('sum', b.neighborSum(g, nbr, rev));
      b.output('sumScalar', b.neighborSum(h, nbr, rev));
    },
    runs: two({ neighbors: 3 }),
    index: { nbr: 'atoms', rev: 'atoms*neighbors' },
  },
  {
    name: 'neighborSum with a symbolic trailing dim',
    build: (b, dt) => {
      const g = b.input('g', dt, ['atoms', 'neighbors', 'features']);
      const nbr = b.input('nbr', 'int32', ['atoms', 'neighbors']);
      const rev = b.input('rev', 'int32', ['atoms', 'neighbors']);
      b.output('sum', b.neighborSum(g, nbr, rev));
    },
    runs: [
      { sizes: { atoms: 4, neighbors: 3, features: 2 } },
      { sizes: { atoms: 5, neighbors: 2, features: 6 } },
    ],
    index: { nbr: 'atoms', rev: 'atoms*neighbors' },
  },
];

describe('every op on onnxruntime-node equals evaluate', () => {
  const backend = new OnnxBackend();
  const sessions: OnnxSession[] = [];
  afterAll(async () => {
    for (const s of sessions) await s.dispose();
  });

  for (const c of CASES) {
    for (const dt of ['float32', 'float64'] as const) {
      it(`${c.name} (${dt})`, async () => {
        const b = new GraphBuilder();
        c.build(b, dt);
        const graph = b.build();
        const session = await backend.compile(graph);
        sessions.push(session);
        const r = rng(c.name.length * 31 + (dt === 'float32' ? 1 : 2));
        for (const run of c.runs ?? [{}]) {
          const feeds = randomFeeds(r, graph, { ...run, range: c.range, index: c.index });
          const got = await session.run(feeds);
          const want = oracle(graph, feeds);
          for (const name of Object.keys(graph.outputs)) {
            const node = graph.nodes[graph.outputs[name]];
            const out: HostTensor = got[name];
            expect(out.shape, name).toEqual(want[name].shape);
            if (node.dtype === 'float32' || node.dtype === 'float64') {
              expect(out.data, name).toBeInstanceOf(
                node.dtype === 'float32' ? Float32Array : Float64Array,
              );
              expectClose(
                out.data,
                want[name].data,
                TOL[node.dtype],
                `${name} ${JSON.stringify(run.sizes)}`,
              );
            } else {
              // + 0 maps −0 (Math.trunc in the oracle) to 0, as integers have no sign of zero.
              expect(Array.from(out.data), name).toEqual(Array.from(want[name].data, (v) => v + 0));
            }
          }
        }
      });
    }
  }
});
