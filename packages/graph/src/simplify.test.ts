import { describe, expect, it } from 'vitest';
import { expectClose, randomTensor, rng } from './__fixtures__/check-grad.js';
import { evaluate, type Tensor } from './evaluate.js';
import { grad } from './grad.js';
import { GraphBuilder } from './graph-builder.js';
import { nodeCounts } from './prune.js';
import { simplify } from './simplify.js';

describe('simplify', () => {
  it('folds constants, removes identities and shares common subexpressions', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float64', [3]);
    const c = b.mul(b.constant([2], []), b.constant([3], [])); // folds to 6
    const y1 = b.mul(b.sin(x), c);
    const y2 = b.mul(c, b.sin(x)); // CSE with y1 (operands swapped)
    const z = b.add(b.mul(b.neg(b.neg(y1)), { scalar: 1 }), { scalar: 0 }); // identities
    b.output('out', b.add(z, y2));
    const g = b.build();
    const s = simplify(g);
    expect(nodeCounts(s).byOp).toEqual({ input: 1, constant: 1, sin: 1, mul: 1, add: 1 });
    const feeds = { x: { shape: [3], data: Float64Array.from([0.1, -0.4, 2]) } };
    expect(evaluate(s, feeds).out.data).toEqual(evaluate(g, feeds).out.data);
  });

  it('shrinks force and training graphs without changing their values', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float64', ['atoms', 3]);
    const w = b.param('w', [3, 4]);
    const v = b.param('v', [4, 1]);
    const h = b.silu(b.dense(x, w));
    b.output('E', b.sumAll(b.matmul(b.tanh(h), v)));
    const forward = b.build();
    const force = grad(forward, 'E', [x], { names: ['dE'] });
    const b2 = GraphBuilder.from(force);
    b2.output('L', b2.sumAll(b2.square(force.outputs.dE)));
    const train = grad(b2.build(), 'L', [w, v]);
    const r = rng(3);
    const feeds: Record<string, Tensor> = {
      x: randomTensor(r, [5, 3]),
      w: randomTensor(r, [3, 4]),
      v: randomTensor(r, [4, 1]),
    };
    for (const g of [forward, force, train]) {
      const s = simplify(g);
      expect(nodeCounts(s).total).toBeLessThanOrEqual(nodeCounts(g).total);
      const a = evaluate(g, feeds);
      const c = evaluate(s, feeds);
      for (const k of Object.keys(g.outputs)) expectClose(c[k].data, a[k].data, 1e-14);
    }
    expect(nodeCounts(simplify(train)).total).toBeLessThan(nodeCounts(train).total);
  });
});
