import { describe, expect, it } from 'vitest';
import { expectClose, finiteDifference, rng } from './__fixtures__/check-grad.js';
import { evaluate, type Tensor } from './evaluate.js';
import { grad } from './grad.js';
import { GraphBuilder } from './graph-builder.js';
import type { NodeId } from './ir.js';
import { allPairs } from './testing/all-pairs.js';
import { jitteredCluster } from './testing/jittered-cluster.js';

/**
 * Lennard-Jones energy over a full (both directions) pair list with symbolic dims:
 * E = ½ Σ_pairs 4ε[(σ²/r²)⁶ − (σ²/r²)³].
 */
function ljGraph() {
  const b = new GraphBuilder();
  const pos = b.input('positions', 'float64', ['atoms', 3]);
  const i = b.input('i', 'int32', ['pairs']);
  const j = b.input('j', 'int32', ['pairs']);
  const d = b.sub(b.gather(pos, j), b.gather(pos, i));
  const r2 = b.reduceSum(b.square(d), [1]);
  const s6 = b.pow(b.div({ scalar: 1.1 ** 2 }, r2), { scalar: 3 });
  const e = b.mul({ scalar: 0.5 * 4 * 0.7 }, b.sub(b.square(s6), s6));
  b.output('E', b.sumAll(e));
  return { graph: b.build(), pos };
}

function cluster(n: number, seed: number): { feeds: Record<string, Tensor>; nPairs: number } {
  const positions = jitteredCluster(n, seed);
  const { i: I, j: J } = allPairs(n);
  return {
    feeds: {
      positions,
      i: { shape: [I.length], data: Float64Array.from(I) },
      j: { shape: [J.length], data: Float64Array.from(J) },
    },
    nPairs: I.length,
  };
}

describe('pair potential forces', () => {
  it('F = −∂E/∂positions equals finite differences and sums to zero', () => {
    const { graph, pos } = ljGraph();
    const g = grad(graph, 'E', [pos], { names: ['dE'] });
    const b = GraphBuilder.from(g);
    b.output('F', b.neg(g.outputs.dE));
    const fg = b.build();
    const { feeds } = cluster(6, 3);
    const out = evaluate(fg, feeds);
    const fd = finiteDifference(graph, feeds, 'E', 'positions');
    expectClose(
      out.F.data,
      fd.map((v) => -v),
      1e-6,
    );
    for (let k = 0; k < 3; k++) {
      let s = 0;
      for (let a = 0; a < 6; a++) s += out.F.data[a * 3 + k];
      expect(Math.abs(s)).toBeLessThan(1e-9);
    }
  });

  it('force-matching loss gradient w.r.t. parameters (second order, through sigmoid/tanh/exp)', () => {
    // E = Σ_atoms Σ_k tanh(h W2)_k, h = sigmoid(Σ_neighbors exp(−r²) · w1) — a tiny
    // message-passing-like energy; L = Σ (F − F_ref)², ∂L/∂θ by differentiating twice.
    const b = new GraphBuilder();
    const pos = b.input('positions', 'float64', ['atoms', 3]);
    const i = b.input('i', 'int32', ['pairs']);
    const j = b.input('j', 'int32', ['pairs']);
    const w1 = b.param('w1', [1, 4]);
    const w2 = b.param('w2', [4, 2]);
    const d = b.sub(b.gather(pos, j), b.gather(pos, i));
    const r2 = b.reduceSum(b.square(d), [1], true);
    const msg = b.mul(b.exp(b.neg(r2)), w1);
    const agg = b.segmentSum(msg, i, 'atoms');
    const hidden = b.sigmoid(agg);
    b.output('E', b.sumAll(b.tanh(b.matmul(hidden, w2))));
    const g = grad(b.build(), 'E', [pos], { names: ['dE'] });
    const b2 = GraphBuilder.from(g);
    const fref = b2.input('F_ref', 'float64', ['atoms', 3]);
    const diff = b2.sub(b2.neg(g.outputs.dE), fref);
    b2.output('L', b2.sumAll(b2.square(diff)));
    const withLoss = b2.build();
    const train = grad(withLoss, 'L', [w1, w2] as NodeId[]);

    const r = rng(11);
    const { feeds } = cluster(5, 5);
    const all: Record<string, Tensor> = {
      ...feeds,
      F_ref: { shape: [5, 3], data: Float64Array.from({ length: 15 }, () => r() - 0.5) },
      w1: { shape: [1, 4], data: Float64Array.from({ length: 4 }, () => 2 * r() - 1) },
      w2: { shape: [4, 2], data: Float64Array.from({ length: 8 }, () => 2 * r() - 1) },
    };
    const out = evaluate(train, all);
    expectClose(out['dL/dw1'].data, finiteDifference(withLoss, all, 'L', 'w1'), 1e-6);
    expectClose(out['dL/dw2'].data, finiteDifference(withLoss, all, 'L', 'w2'), 1e-6);
  });

  it('padded neighbor matrix + mask + dense reduce (the DESIGN.md layout) gives FD forces', () => {
    // nbr [atoms, k]: padded with the atom's own index; mask marks real neighbors. Masked
    // r² is replaced by 1 before dividing so no inf/NaN enters the backward pass.
    const b = new GraphBuilder();
    const pos = b.input('positions', 'float64', ['atoms', 3]);
    const nbr = b.input('nbr', 'int32', ['atoms', 'neighbors']);
    const mask = b.input('mask', 'bool', ['atoms', 'neighbors']);
    const pj = b.gather(pos, nbr); // [atoms, neighbors, 3]
    const d = b.sub(pj, b.reshape(pos, ['atoms', 1, 3]));
    const r2 = b.reduceSum(b.square(d), [2]);
    const safe = b.where(mask, r2, { scalar: 1 });
    const s6 = b.pow(b.div({ scalar: 1.21 }, safe), { scalar: 3 });
    const pair = b.where(mask, b.sub(b.square(s6), s6), { scalar: 0 });
    b.output('E', b.mul(b.sumAll(pair), { scalar: 1.4 }));
    const graph = b.build();
    const g = grad(graph, 'E', [pos], { names: ['dE'] });
    const { feeds } = cluster(5, 8);
    const n = 5;
    const k = 4;
    const nb: number[] = [];
    const mk: number[] = [];
    for (let a = 0; a < n; a++) {
      const others = [...Array(n).keys()].filter((c) => c !== a && (a + c) % 3 !== 0);
      for (let q = 0; q < k; q++) {
        nb.push(q < others.length ? others[q] : a);
        mk.push(q < others.length ? 1 : 0);
      }
    }
    const all: Record<string, Tensor> = {
      positions: feeds.positions,
      nbr: { shape: [n, k], data: Float64Array.from(nb) },
      mask: { shape: [n, k], data: Float64Array.from(mk) },
    };
    const out = evaluate(g, all);
    expect(out.dE.data.every(Number.isFinite)).toBe(true);
    expectClose(out.dE.data, finiteDifference(graph, all, 'E', 'positions'), 1e-6);
  });

  it('stress as a strain derivative: ∂E/∂ε at ε = 0 matches FD (virial)', () => {
    // positions' = positions · (I + ε); the virial is ∂E/∂ε (stress = virial / volume).
    const b = new GraphBuilder();
    const pos = b.input('positions', 'float64', ['atoms', 3]);
    const strain = b.input('strain', 'float64', [3, 3]);
    const i = b.input('i', 'int32', ['pairs']);
    const j = b.input('j', 'int32', ['pairs']);
    const eye = b.constant([1, 0, 0, 0, 1, 0, 0, 0, 1], [3, 3]);
    const p = b.matmul(pos, b.add(eye, strain));
    const d = b.sub(b.gather(p, j), b.gather(p, i));
    const r2 = b.reduceSum(b.square(d), [1]);
    const s6 = b.pow(b.div({ scalar: 1.21 }, r2), { scalar: 3 });
    b.output('E', b.sumAll(b.mul(b.sub(b.square(s6), s6), { scalar: 1.4 })));
    const graph = b.build();
    const g = grad(graph, 'E', [strain, pos], { names: ['virial', 'dE'] });
    const { feeds } = cluster(6, 4);
    const all = { ...feeds, strain: { shape: [3, 3], data: new Float64Array(9) } };
    const out = evaluate(g, all);
    expectClose(out.virial.data, finiteDifference(graph, all, 'E', 'strain'), 1e-6);
    // At ε = 0 the virial equals Σ_atoms xᵀ ∂E/∂x.
    const x = feeds.positions.data;
    const dE = out.dE.data;
    const w = new Float64Array(9);
    for (let a = 0; a < 6; a++) {
      for (let r = 0; r < 3; r++)
        for (let c = 0; c < 3; c++) w[r * 3 + c] += x[a * 3 + r] * dE[a * 3 + c];
    }
    expectClose(out.virial.data, w, 1e-12);
  });
});
