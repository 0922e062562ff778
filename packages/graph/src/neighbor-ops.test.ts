/**
 * Neighbour-matrix ops, batched matmul and product-dim reshapes: first and second
 * derivatives against float64 finite differences (tolerances as in ops.test.ts), with
 * symbolic dims, and neighborSum against the scatter-add it replaces.
 */
import { describe, expect, it } from 'vitest';
import { checkGradients, randomTensor, rng } from './__fixtures__/check-grad.js';
import { evaluate } from './evaluate.js';
import { GraphBuilder } from './graph-builder.js';
import { randomNeighborMatrix } from './testing/neighbor-matrix.js';

describe('neighbor ops', () => {
  const r = rng(7);
  const { neighbors, reverse } = randomNeighborMatrix(r, 5, 4, 7);

  it('neighborSum equals a scatter-add over the neighbour indices, padding included', () => {
    const b = new GraphBuilder();
    const g = b.input('g', 'float64', ['atoms', 'neighbors', 3]);
    const nbr = b.input('nbr', 'int32', ['atoms', 'neighbors']);
    const rev = b.input('rev', 'int32', ['atoms', 'neighbors']);
    b.output('sum', b.neighborSum(g, nbr, rev));
    b.output('scatter', b.scatterAdd(g, nbr, 0, 'atoms'));
    const feeds = { g: randomTensor(r, [5, 4, 3]), nbr: neighbors, rev: reverse };
    const out = evaluate(b.build(), feeds);
    expect(out.sum.shape).toEqual([5, 3]);
    for (let i = 0; i < 15; i++) expect(out.sum.data[i]).toBeCloseTo(out.scatter.data[i], 14);
  });

  it('neighborGather: first and second order, symbolic dims', () => {
    checkGradients(
      901,
      (b) => {
        const x = b.input('x', 'float64', ['atoms', 2]);
        const nbr = b.input('nbr', 'int32', ['atoms', 'neighbors']);
        const rev = b.input('rev', 'int32', ['atoms', 'neighbors']);
        const xj = b.neighborGather(x, nbr, rev);
        return { y: b.mul(xj, b.reshape(x, ['atoms', 1, 2])), wrt: [x] };
      },
      { x: randomTensor(r, [5, 2]), nbr: neighbors, rev: reverse },
    );
  });

  it('neighborSum: first and second order', () => {
    checkGradients(
      902,
      (b) => {
        const g = b.input('g', 'float64', ['atoms', 'neighbors', 2]);
        const nbr = b.input('nbr', 'int32', ['atoms', 'neighbors']);
        const rev = b.input('rev', 'int32', ['atoms', 'neighbors']);
        return { y: b.neighborSum(b.sin(g), nbr, rev), wrt: [g] };
      },
      { g: randomTensor(r, [5, 4, 2]), nbr: neighbors, rev: reverse },
    );
  });
});

describe('batched matmul and product dims', () => {
  const r = rng(8);

  it('matmul [atoms, neighbors, k] · [k, n]: first and second order in both operands', () => {
    checkGradients(
      903,
      (b) => {
        const a = b.input('a', 'float64', ['atoms', 'neighbors', 3]);
        const w = b.input('w', 'float64', [3, 2]);
        return { y: b.tanh(b.matmul(a, w)), wrt: [a, w] };
      },
      { a: randomTensor(r, [4, 3, 3]), w: randomTensor(r, [3, 2]) },
    );
  });

  it('reshape merges and splits symbolic axes', () => {
    checkGradients(
      904,
      (b) => {
        const a = b.input('a', 'float64', ['atoms', 'neighbors', 2]);
        const flat = b.reshape(a, ['neighbors*atoms', 2]);
        expect(b.shape(flat)).toEqual(['atoms*neighbors', 2]);
        const back = b.reshape(b.exp(flat), ['atoms', 'neighbors', 2]);
        return { y: b.mul(back, a), wrt: [a] };
      },
      { a: randomTensor(r, [3, 4, 2]) },
    );
  });

  it('rejects a reshape that changes the symbolic size', () => {
    const b = new GraphBuilder();
    const a = b.input('a', 'float64', ['atoms', 3]);
    expect(() => b.reshape(a, ['atoms*neighbors', 3])).toThrow(/reshape.*\[atoms,3\]/);
    expect(() => b.reshape(a, ['3*atoms'])).not.toThrow();
  });
});
