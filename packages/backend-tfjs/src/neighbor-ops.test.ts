/**
 * The neighbour-matrix ops, batched matmul and product dims against `evaluate`, on cpu and
 * wasm: random padded neighbour matrices (self-images, padding), zero neighbour slots, and
 * neighborSum against the scatterAdd it replaces.
 */
import { GraphBuilder } from '@mlff-distiller/graph';
import { randomNeighborMatrix } from '@mlff-distiller/graph/testing';
import { describe, expect, it } from 'vitest';
import {
  backendFor,
  checkBuilt,
  hostFeeds,
  randomTensor,
  rng,
  TEST_BACKENDS,
} from './__fixtures__/oracle.js';

describe.each(TEST_BACKENDS)('neighbour ops on tfjs %s', (backend) => {
  const r = rng(backend === 'cpu' ? 21 : 22);

  it('neighborGather and neighborSum with feature axes, and neighborSum = scatterAdd', async () => {
    const { neighbors, reverse } = randomNeighborMatrix(r, 6, 5, 10);
    const { summed, scattered } = await checkBuilt(
      backend,
      (b) => {
        const x = b.input('x', 'float64', ['atoms', 2, 3]);
        const g = b.input('g', 'float64', ['atoms', 'neighbors', 3]);
        const nbr = b.input('nbr', 'int32', ['atoms', 'neighbors']);
        const rev = b.input('rev', 'int32', ['atoms', 'neighbors']);
        b.output('gathered', b.neighborGather(x, nbr, rev));
        b.output('summed', b.neighborSum(g, nbr, rev));
        b.output('scattered', b.scatterAdd(g, nbr, 0, 'atoms'));
        b.output('roundTrip', b.neighborSum(b.neighborGather(x, nbr, rev), nbr, rev));
      },
      {
        x: randomTensor(r, [6, 2, 3]),
        g: randomTensor(r, [6, 5, 3]),
        nbr: neighbors,
        rev: reverse,
      },
    );
    for (let i = 0; i < summed.data.length; i++) {
      expect(summed.data[i]).toBeCloseTo(scattered.data[i], 5);
    }
  });

  it('zero neighbour slots: gather gives [n, 0, ...], sums give zeros', async () => {
    await checkBuilt(
      backend,
      (b) => {
        const x = b.input('x', 'float64', ['atoms', 3]);
        const nbr = b.input('nbr', 'int32', ['atoms', 'neighbors']);
        const rev = b.input('rev', 'int32', ['atoms', 'neighbors']);
        const xj = b.neighborGather(x, nbr, rev);
        b.output('xj', xj);
        b.output('back', b.neighborSum(xj, nbr, rev));
        b.output('reduced', b.reduceSum(xj, [1]));
        b.output('scattered', b.scatterAdd(xj, nbr, 0, 'atoms'));
      },
      {
        x: randomTensor(r, [4, 3]),
        nbr: { shape: [4, 0], data: new Float64Array(0) },
        rev: { shape: [4, 0], data: new Float64Array(0) },
      },
    );
  });

  it('batched matmul over [atoms, neighbors, F] and product-dim reshapes', async () => {
    await checkBuilt(
      backend,
      (b) => {
        const a = b.input('a', 'float64', ['atoms', 'neighbors', 4]);
        const w = b.input('w', 'float64', [4, 3]);
        const y = b.matmul(a, w);
        const flat = b.reshape(y, ['neighbors*atoms', 3]);
        b.output('y', y);
        b.output('flat', flat);
        b.output('back', b.reshape(b.tanh(flat), ['atoms', 'neighbors', 3]));
        b.output('three', b.reshape(a, ['4*atoms*neighbors']));
      },
      { a: randomTensor(r, [5, 3, 4]), w: randomTensor(r, [4, 3]) },
    );
  });

  it('a product-dim input is checked against its bound factors', async () => {
    const b = new GraphBuilder();
    const a = b.input('a', 'float64', ['atoms', 'neighbors']);
    const f = b.input('f', 'float64', ['atoms*neighbors', 2]);
    b.output('y', b.mul(b.reshape(a, ['atoms*neighbors', 1]), f));
    const graph = b.build();
    const session = await backendFor(backend).compile(graph);
    const feeds = (n: number, k: number, rows: number) =>
      hostFeeds(graph, { a: randomTensor(r, [n, k]), f: randomTensor(r, [rows, 2]) });
    expect((await session.run(feeds(3, 2, 6))).y.shape).toEqual([6, 2]);
    await expect(session.run(feeds(3, 2, 5))).rejects.toThrow(
      /input 'f': dim 0 is 5, expected 'atoms\*neighbors' = 6/,
    );
    await session.dispose();
  });
});
