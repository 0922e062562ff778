/**
 * Gradient graphs (built by the graph package's `grad`) run on tfjs and compared with
 * `evaluate`: Lennard-Jones forces over a full pair list (gather / scatterAdd backward) and over
 * a padded neighbour matrix (neighborGather / neighborSum backward), and a force-matching loss
 * differentiated twice w.r.t. parameters through sigmoid, tanh and exp.
 */
import { type Graph, GraphBuilder, grad, type NodeId, type Tensor } from '@mlff-distiller/graph';
import { allPairs, jitteredCluster, randomNeighborMatrix } from '@mlff-distiller/graph/testing';
import { describe, expect, it } from 'vitest';
import { checkAgainstOracle, randomTensor, rng, TEST_BACKENDS } from './__fixtures__/oracle.js';

/**
 * Tolerance of forces relative to the largest |force|. A force is a sum of pair terms of both
 * signs that largely cancel: the float32 rounding error of each term (~1e-7 of it) is relative
 * to the largest pair term, which near r ≈ 0.9σ is several times the largest net force, over
 * ≲ 30 terms. Measured here: ≤ 3.1e-6 (cpu and wasm); 3e-5 keeps a 10× margin, while a wrong
 * gradient is off by O(1).
 */
const FORCE_TOLERANCE = 3e-5;

/** Jittered cubic lattice, spacing 1.2, so every distance stays ≳ 0.9 (shared with the graph tests). */
const cluster = jitteredCluster;

function fullPairs(n: number): { i: Tensor; j: Tensor } {
  const { i, j } = allPairs(n);
  return {
    i: { shape: [i.length], data: Float64Array.from(i) },
    j: { shape: [j.length], data: Float64Array.from(j) },
  };
}

/** Adds F = −∂E/∂positions to a graph with output E. */
function withForces(graph: Graph, positions: NodeId): Graph {
  const g = grad(graph, 'E', [positions], { names: ['dE'] });
  const b = GraphBuilder.from(g);
  b.output('F', b.neg(g.outputs.dE));
  return b.build();
}

describe.each(TEST_BACKENDS)('gradient graphs on tfjs %s', (backend) => {
  it('Lennard-Jones forces over a full pair list (gather → scatterAdd backward)', async () => {
    const b = new GraphBuilder();
    const pos = b.input('positions', 'float64', ['atoms', 3]);
    const i = b.input('i', 'int32', ['pairs']);
    const j = b.input('j', 'int32', ['pairs']);
    const d = b.sub(b.gather(pos, j), b.gather(pos, i));
    const r2 = b.reduceSum(b.square(d), [1]);
    const s6 = b.pow(b.div({ scalar: 1.1 ** 2 }, r2), { scalar: 3 });
    b.output('E', b.sumAll(b.mul({ scalar: 0.5 * 4 * 0.7 }, b.sub(b.square(s6), s6))));
    const graph = withForces(b.build(), pos);
    for (const n of [6, 9]) {
      const out = await checkAgainstOracle(
        backend,
        graph,
        { positions: cluster(n, n), ...fullPairs(n) },
        { tolerance: FORCE_TOLERANCE },
      );
      for (let k = 0; k < 3; k++) {
        let s = 0;
        let m = 0;
        for (let a = 0; a < n; a++) {
          s += out.F.data[a * 3 + k];
          m = Math.max(m, Math.abs(out.F.data[a * 3 + k]));
        }
        expect(Math.abs(s)).toBeLessThan(FORCE_TOLERANCE * m * n);
      }
    }
  });

  it('Lennard-Jones forces over a padded neighbour matrix (neighborGather → neighborSum)', async () => {
    const b = new GraphBuilder();
    const pos = b.input('positions', 'float64', ['atoms', 3]);
    const nbr = b.input('nbr', 'int32', ['atoms', 'neighbors']);
    const rev = b.input('rev', 'int32', ['atoms', 'neighbors']);
    const pj = b.neighborGather(pos, nbr, rev);
    const d = b.sub(pj, b.reshape(pos, ['atoms', 1, 3]));
    const r2 = b.reduceSum(b.square(d), [2]);
    const mask = b.greater(r2, { scalar: 1e-6 }); // padding and self-images have r² = 0
    const safe = b.where(mask, r2, { scalar: 1 });
    const s6 = b.pow(b.div({ scalar: 1.21 }, safe), { scalar: 3 });
    const pair = b.where(mask, b.sub(b.square(s6), s6), { scalar: 0 });
    b.output('E', b.mul(b.sumAll(pair), { scalar: 1.4 }));
    const graph = withForces(b.build(), pos);
    const r = rng(4);
    for (const [n, k, pairs] of [
      [8, 6, 14],
      [5, 3, 5],
    ]) {
      // Self-image slots and padding point at the atom itself (r² = 0): masked out above.
      const m = randomNeighborMatrix(r, n, k, pairs);
      await checkAgainstOracle(
        backend,
        graph,
        { positions: cluster(n, 10 + n), nbr: m.neighbors, rev: m.reverse },
        { tolerance: FORCE_TOLERANCE },
      );
    }
  });

  it('force-matching loss: ∂L/∂θ through sigmoid, tanh, exp (second order)', async () => {
    const b = new GraphBuilder();
    const pos = b.input('positions', 'float64', ['atoms', 3]);
    const i = b.input('i', 'int32', ['pairs']);
    const j = b.input('j', 'int32', ['pairs']);
    const w1 = b.param('w1', [1, 4]);
    const w2 = b.param('w2', [4, 2]);
    const d = b.sub(b.gather(pos, j), b.gather(pos, i));
    const r2 = b.reduceSum(b.square(d), [1], true);
    const agg = b.segmentSum(b.mul(b.exp(b.neg(r2)), w1), i, 'atoms');
    b.output('E', b.sumAll(b.tanh(b.matmul(b.sigmoid(agg), w2))));
    const g = grad(b.build(), 'E', [pos], { names: ['dE'] });
    const b2 = GraphBuilder.from(g);
    const fref = b2.input('F_ref', 'float64', ['atoms', 3]);
    b2.output('L', b2.sumAll(b2.square(b2.sub(b2.neg(g.outputs.dE), fref))));
    const train = grad(b2.build(), 'L', [w1, w2]);
    const r = rng(11);
    await checkAgainstOracle(
      backend,
      train,
      {
        positions: cluster(5, 5),
        ...fullPairs(5),
        F_ref: randomTensor(r, [5, 3], -0.5, 0.5),
        w1: randomTensor(r, [1, 4]),
        w2: randomTensor(r, [4, 2]),
      },
      { tolerance: FORCE_TOLERANCE },
    );
  });
});
