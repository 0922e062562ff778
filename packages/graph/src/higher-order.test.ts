import { describe, expect, it } from 'vitest';
import {
  checkGradients,
  expectClose,
  finiteDifference,
  randomTensor,
  rng,
} from './__fixtures__/check-grad.js';
import { evaluate, type Tensor } from './evaluate.js';
import { grad } from './grad.js';
import { GraphBuilder } from './graph-builder.js';
import { nodeCounts, prune } from './prune.js';

describe('third order and graph utilities', () => {
  it('trains on a Hessian-vector product: ∂/∂θ of a loss on ∂(F·v)/∂x matches FD', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float64', ['atoms', 3]);
    const w = b.param('w', [3, 3]);
    const bias = b.param('bias', [3]);
    const h = b.tanh(b.dense(x, w, bias));
    b.output('E', b.sumAll(b.mul(b.sigmoid(h), b.exp(b.mul(h, { scalar: 0.3 })))));
    const g1 = grad(b.build(), 'E', [x], { names: ['dE'] });
    const b2 = GraphBuilder.from(g1);
    const v = b2.input('v', 'float64', ['atoms', 3]);
    b2.output('Fv', b2.sumAll(b2.mul(b2.neg(g1.outputs.dE), v)));
    const g2 = grad(b2.build(), 'Fv', [x], { names: ['Hv'] });
    const b3 = GraphBuilder.from(g2);
    const target = b3.input('target', 'float64', ['atoms', 3]);
    b3.output('L', b3.sumAll(b3.square(b3.sub(g2.outputs.Hv, target))));
    const withLoss = b3.build();
    const g3 = grad(withLoss, 'L', [w, bias]);

    const r = rng(21);
    const feeds: Record<string, Tensor> = {
      x: randomTensor(r, [4, 3]),
      v: randomTensor(r, [4, 3]),
      target: randomTensor(r, [4, 3]),
      w: randomTensor(r, [3, 3]),
      bias: randomTensor(r, [3]),
    };
    const out = evaluate(g3, feeds);
    expectClose(out['dL/dw'].data, finiteDifference(withLoss, feeds, 'L', 'w'), 1e-6);
    expectClose(out['dL/dbias'].data, finiteDifference(withLoss, feeds, 'L', 'bias'), 1e-6);

    const pruned = prune(g3, ['dL/dw', 'dL/dbias']);
    expect(nodeCounts(pruned).total).toBeLessThanOrEqual(nodeCounts(g3).total);
    const pout = evaluate(pruned, feeds);
    expect(pout['dL/dw']).toEqual(out['dL/dw']);
  });

  it('prune drops nodes and inputs that no kept output needs', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float64', [2]);
    const y = b.input('y', 'float64', [2]);
    b.output('a', b.exp(x));
    b.output('b', b.sin(y));
    const p = prune(b.build(), ['a']);
    expect(nodeCounts(p)).toEqual({ total: 2, byOp: { input: 1, exp: 1 } });
  });

  it('reduceMean and cast are differentiable; float32 graphs infer float32', () => {
    const r = rng(5);
    checkGradients(
      77,
      (b) => {
        const a = b.input('a', 'float64', [3, 4]);
        const m = b.reduceMean(b.cast(b.cast(a, 'float32'), 'float64'), [1], true);
        return { y: b.mul(m, a), wrt: [a] };
      },
      { a: randomTensor(r, [3, 4]) },
    );
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', ['atoms', 4]);
    const w = b.param('w', [4, 2], 'float32');
    const y = b.silu(b.dense(x, w));
    expect(b.dtype(y)).toBe('float32');
    expect(b.shape(y)).toEqual(['atoms', 2]);
    const g = grad(
      (() => {
        b.output('E', b.sumAll(y));
        return b.build();
      })(),
      'E',
      [x, w],
    );
    expect(g.nodes[g.outputs['dE/dw']].dtype).toBe('float32');
    expect(g.nodes[g.outputs['dE/dx']].shape).toEqual(['atoms', 4]);
  });

  it('scatterAdd over a symbolic segment count with 2-D indices', () => {
    const r = rng(9);
    checkGradients(
      91,
      (b) => {
        const a = b.input('a', 'float64', [2, 3, 2]);
        const idx = b.constant([2, 0, 2, 2, 1, 0], [2, 3], 'int32');
        return { y: b.scatterAdd(b.tanh(a), idx, 0, 3), wrt: [a] };
      },
      { a: randomTensor(r, [2, 3, 2]) },
    );
  });
});

describe('symbolic sizes', () => {
  it('reduceMean over a symbolic axis divides by the runtime size and differentiates', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float64', ['atoms', 3]);
    const m = b.reduceMean(b.square(x), [0, 1]);
    b.output('E', m);
    const g = grad(b.build(), 'E', [x]);
    const r = rng(12);
    const feeds = { x: randomTensor(r, [7, 3]) };
    const out = evaluate(g, feeds);
    let s = 0;
    for (const v of feeds.x.data) s += v * v;
    expect(out.E.data[0]).toBeCloseTo(s / 21, 14);
    expectClose(out['dE/dx'].data, finiteDifference(b.build(), feeds, 'E', 'x'), 1e-6);
  });
});
