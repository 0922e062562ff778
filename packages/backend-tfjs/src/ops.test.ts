/**
 * Every op the graph IR has, run on the tfjs cpu and wasm backends and compared with the
 * float64 `evaluate` oracle (tolerance: FLOAT32_TOLERANCE, justified in the fixture), on small
 * random graphs with broadcasting, negative axes and repeated indices.
 */
import {
  BINARY_FLOAT_OPS,
  COMPARISON_OPS,
  type DType,
  UNARY_FLOAT_OPS,
} from '@mlff-distiller/graph';
import { describe, it } from 'vitest';
import {
  checkBuilt,
  integerTensor,
  randomTensor,
  rng,
  TEST_BACKENDS,
} from './__fixtures__/oracle.js';

/** Inputs inside each unary op's domain. */
const DOMAIN: Record<string, [number, number]> = { log: [0.2, 3], sqrt: [0.2, 3], rsqrt: [0.2, 3] };

describe.each(TEST_BACKENDS)('ops on tfjs %s', (backend) => {
  const r = rng(backend === 'cpu' ? 1 : 2);

  it.each(UNARY_FLOAT_OPS)('%s', async (op) => {
    const [lo, hi] = DOMAIN[op] ?? [-3, 3];
    await checkBuilt(
      backend,
      (b) => {
        const x = b.input('x', 'float64', [3, 4]);
        b.output('y', b.addNode(op, [x]));
      },
      { x: randomTensor(r, [3, 4], lo, hi) },
    );
  });

  it.each(BINARY_FLOAT_OPS)('%s, broadcasting [2,3,4] with [3,1] and with a scalar', async (op) => {
    const positive = op === 'pow' || op === 'div';
    await checkBuilt(
      backend,
      (b) => {
        const x = b.input('x', 'float64', [2, 3, 4]);
        const y = b.input('y', 'float64', [3, 1]);
        const s = b.input('s', 'float32', []);
        const xf = b.cast(x, 'float32');
        b.output('xy', b.addNode(op, [x, y]));
        b.output('yx', b.addNode(op, [y, x]));
        b.output('xs', b.addNode(op, [xf, s]));
      },
      {
        x: randomTensor(r, [2, 3, 4], positive ? 0.5 : -2, 2),
        y: randomTensor(r, [3, 1], positive ? 0.5 : -2, 2),
        s: randomTensor(r, [], 0.5, 1.5),
      },
    );
  });

  it.each(COMPARISON_OPS)('%s on floats and int32, broadcasting', async (op) => {
    await checkBuilt(
      backend,
      (b) => {
        const x = b.input('x', 'float64', [3, 4]);
        const y = b.input('y', 'float64', [4]);
        const i = b.input('i', 'int32', [2, 1]);
        const j = b.input('j', 'int32', [3]);
        b.output('f', b.addNode(op, [x, y]));
        b.output('n', b.addNode(op, [i, j]));
      },
      // Small integers so that equal values (the interesting case) occur.
      {
        x: integerTensor(r, [3, 4], 3),
        y: integerTensor(r, [4], 3),
        i: integerTensor(r, [2, 1], 3),
        j: integerTensor(r, [3], 3),
      },
    );
  });

  it('where: float, int32 and bool branches, all three broadcasting', async () => {
    await checkBuilt(
      backend,
      (b) => {
        const m = b.input('m', 'bool', [3, 1]);
        const x = b.input('x', 'float64', [3, 4]);
        const i = b.input('i', 'int32', [4]);
        const p = b.input('p', 'bool', [4]);
        const q = b.input('q', 'bool', [3, 4]);
        b.output('f', b.where(m, x, { scalar: -7 }));
        b.output('n', b.where(m, i, b.constant([9], [], 'int32')));
        b.output('b', b.where(m, p, q));
        b.output('b2', b.where(b.greater(x, { scalar: 0 }), q, p));
      },
      {
        m: integerTensor(r, [3, 1], 2),
        x: randomTensor(r, [3, 4]),
        i: integerTensor(r, [4], 10),
        p: integerTensor(r, [4], 2),
        q: integerTensor(r, [3, 4], 2),
      },
    );
  });

  it('cast between every pair of dtypes (float → int32 truncates, x ≠ 0 → true)', async () => {
    const dtypes: DType[] = ['float64', 'float32', 'int32', 'bool'];
    await checkBuilt(
      backend,
      (b) => {
        const x = b.input('x', 'float64', [10]);
        const i = b.input('i', 'int32', [10]);
        const m = b.input('m', 'bool', [10]);
        for (const [name, src] of [
          ['x', x],
          ['i', i],
          ['m', m],
        ] as const) {
          for (const to of dtypes) b.output(`${name}->${to}`, b.cast(src, to));
        }
        b.output('x32->bool', b.cast(b.cast(x, 'float32'), 'bool'));
      },
      {
        x: { shape: [10], data: Float64Array.from([-2.7, -1, -0.5, 0, 0, 0.25, 1, 1.5, 2.99, -0]) },
        i: { shape: [10], data: Float64Array.from([-3, -1, 0, 0, 1, 2, 5, 0, 7, -8]) },
        m: integerTensor(r, [10], 2),
      },
    );
  });

  it('dimSize of symbolic and numeric axes (negative axis too)', async () => {
    await checkBuilt(
      backend,
      (b) => {
        const x = b.input('x', 'float64', ['atoms', 3]);
        b.output('n', b.dimSize(x, 0));
        b.output('k', b.dimSize(x, -1, 'float32'));
        b.output('mean', b.reduceMean(x, [0]));
      },
      { x: randomTensor(r, [5, 3]) },
    );
  });

  it('matmul: [m,k]·[k,n], batched [b,m,k]·[k,n] and [a,b,m,k]·[k,n]', async () => {
    await checkBuilt(
      backend,
      (b) => {
        const a2 = b.input('a2', 'float64', [4, 3]);
        const a3 = b.input('a3', 'float64', [2, 4, 3]);
        const a4 = b.input('a4', 'float64', ['atoms', 'neighbors', 2, 3]);
        const w = b.input('w', 'float64', [3, 5]);
        b.output('y2', b.matmul(a2, w));
        b.output('y3', b.matmul(a3, w));
        b.output('y4', b.matmul(a4, w));
      },
      {
        a2: randomTensor(r, [4, 3]),
        a3: randomTensor(r, [2, 4, 3]),
        a4: randomTensor(r, [3, 2, 2, 3]),
        w: randomTensor(r, [3, 5]),
      },
    );
  });

  it('transpose of rank 2, 3 and 4; int32 and bool too', async () => {
    await checkBuilt(
      backend,
      (b) => {
        const x = b.input('x', 'float64', [2, 3, 4, 5]);
        const i = b.input('i', 'int32', [2, 3]);
        const m = b.input('m', 'bool', [2, 3, 2]);
        b.output('t4', b.transpose(x, [2, 0, 3, 1]));
        b.output('t3', b.transpose(b.reshape(x, [6, 4, 5]), [2, 0, 1]));
        b.output('ti', b.transpose(i, [1, 0]));
        b.output('tm', b.transpose(m, [1, 2, 0]));
      },
      {
        x: randomTensor(r, [2, 3, 4, 5]),
        i: integerTensor(r, [2, 3], 9),
        m: integerTensor(r, [2, 3, 2], 2),
      },
    );
  });

  it('reduceSum over one, several, negative, all and no axes, with and without keepDims', async () => {
    await checkBuilt(
      backend,
      (b) => {
        const x = b.input('x', 'float64', [3, 4, 5]);
        b.output('a0', b.reduceSum(x, [0]));
        b.output('a1k', b.reduceSum(x, [1], true));
        b.output('a02', b.reduceSum(x, [0, 2]));
        b.output('neg', b.reduceSum(x, [-1], true));
        b.output('all', b.sumAll(x));
        b.output('allk', b.reduceSum(x, [0, 1, 2], true));
        b.output('none', b.reduceSum(x, []));
      },
      { x: randomTensor(r, [3, 4, 5]) },
    );
  });

  it('gather on every axis with scalar, 1-D and 2-D indices, repeats, int32 and bool data', async () => {
    await checkBuilt(
      backend,
      (b) => {
        const x = b.input('x', 'float64', [4, 3, 5]);
        const i1 = b.input('i1', 'int32', [6]);
        const i2 = b.input('i2', 'int32', [2, 3]);
        const n = b.input('n', 'int32', [4]);
        const m = b.input('m', 'bool', [4]);
        b.output('g0', b.gather(x, i1, 0));
        b.output('g1', b.gather(x, i2, 1));
        b.output('g2', b.gather(x, i2, 2));
        b.output('gneg', b.gather(x, i1, -3));
        b.output('gs', b.gather(x, b.constant([2], [], 'int32'), 1));
        b.output('gn', b.gather(n, i2, 0));
        b.output('gm', b.gather(m, i1, 0));
      },
      {
        x: randomTensor(r, [4, 3, 5]),
        i1: { shape: [6], data: Float64Array.from([3, 0, 3, 1, 1, 2]) },
        i2: { shape: [2, 3], data: Float64Array.from([2, 0, 2, 1, 1, 0]) },
        n: integerTensor(r, [4], 100),
        m: integerTensor(r, [4], 2),
      },
    );
  });

  it('scatterAdd on axis 0, 1 and with 2-D indices, repeated indices summing', async () => {
    await checkBuilt(
      backend,
      (b) => {
        const x = b.input('x', 'float64', ['pairs', 3]);
        const i = b.input('i', 'int32', ['pairs']);
        const a = b.input('a', 'float64', ['atoms', 1]);
        const y = b.input('y', 'float64', [2, 6, 3]);
        const j = b.input('j', 'int32', [6]);
        const z = b.input('z', 'float64', [2, 2, 3, 4]);
        const k = b.input('k', 'int32', [2, 3]);
        b.output('s0', b.scatterAdd(x, i, 0, 'atoms'));
        b.output('seg', b.segmentSum(x, i, 5));
        b.output('s1', b.scatterAdd(y, j, 1, 4));
        b.output('s2d', b.scatterAdd(z, k, 1, 3));
        b.output('touch', b.dimSize(a, 0));
      },
      {
        x: randomTensor(r, [7, 3]),
        i: { shape: [7], data: Float64Array.from([0, 4, 4, 2, 0, 4, 1]) },
        a: randomTensor(r, [5, 1]),
        y: randomTensor(r, [2, 6, 3]),
        j: { shape: [6], data: Float64Array.from([3, 3, 0, 1, 3, 0]) },
        z: randomTensor(r, [2, 2, 3, 4]),
        k: { shape: [2, 3], data: Float64Array.from([2, 0, 2, 2, 1, 0]) },
      },
    );
  });

  it('reshape (symbolic, merged and split), broadcastTo, concat, slice, pad', async () => {
    await checkBuilt(
      backend,
      (b) => {
        const x = b.input('x', 'float64', ['atoms', 2, 3]);
        const y = b.input('y', 'float64', ['atoms', 1, 3]);
        const v = b.input('v', 'float64', [3]);
        const i = b.input('i', 'int32', [2, 2]);
        b.output('flat', b.reshape(x, ['atoms', 6]));
        b.output('merged', b.reshape(x, ['2*atoms', 3]));
        b.output('split', b.reshape(b.reshape(x, ['atoms', 6]), ['atoms', 3, 2]));
        b.output('bc', b.broadcastTo(v, ['atoms', 2, 3]));
        b.output('bcy', b.broadcastTo(y, ['atoms', 4, 3]));
        b.output('bci', b.broadcastTo(i, [3, 2, 2]));
        b.output('cat', b.concat([x, y, x], 1));
        b.output('cat1', b.concat([x], 2));
        b.output('catneg', b.concat([x, x], -1));
        b.output('slice', b.slice(x, 2, 1, 3));
        b.output('slice0', b.slice(x, 1, 1, 1));
        b.output('pad', b.pad(x, 1, 2, 1));
        b.output('padneg', b.pad(x, -1, 0, 2));
      },
      {
        x: randomTensor(r, [4, 2, 3]),
        y: randomTensor(r, [4, 1, 3]),
        v: randomTensor(r, [3]),
        i: integerTensor(r, [2, 2], 5),
      },
    );
  });

  it('constants of every dtype and outputs that are leaves', async () => {
    await checkBuilt(
      backend,
      (b) => {
        const x = b.input('x', 'float64', [2]);
        b.output('x', x);
        b.output('again', x);
        b.output('c64', b.constant([1.5, -2], [2]));
        b.output('c32', b.constant([3.25], [1], 'float32'));
        b.output('ci', b.constant([1, -2, 3], [3], 'int32'));
        b.output('cb', b.constant([1, 0], [2], 'bool'));
        b.output('sum', b.add(x, b.constant([1.5, -2], [2])));
      },
      { x: randomTensor(r, [2]) },
    );
  });
});
