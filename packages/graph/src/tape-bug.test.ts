import { describe, expect, it } from 'vitest';
import { expectClose, finiteDifference, randomTensor, rng } from './__fixtures__/check-grad.js';
import { evaluate } from './evaluate.js';
import { grad } from './grad.js';
import { GraphBuilder } from './graph-builder.js';

/**
 * The tfjs failure mode from DESIGN.md: a first derivative σ'(x) = s(1−s) whose saved
 * output s is treated as a constant by the outer differentiation. Reproduced here by
 * freezing s; the FD check must reject it, and our own nested grad must pass.
 */
describe('nested gradients through sigmoid', () => {
  it('a frozen saved output is caught by the FD check; grad∘grad is not', () => {
    const r = rng(42);
    const x0 = randomTensor(r, [6], -2, 2);
    const feeds = { x: x0 };

    // Ours: L = Σ (dE/dx)² with E = Σ σ(x); differentiate twice.
    const b = new GraphBuilder();
    const x = b.input('x', 'float64', [6]);
    b.output('E', b.sumAll(b.sigmoid(x)));
    const g1 = grad(b.build(), 'E', [x], { names: ['dE'] });
    const b2 = GraphBuilder.from(g1);
    b2.output('L', b2.sumAll(b2.square(g1.outputs.dE)));
    const withL = b2.build();
    const ours = evaluate(grad(withL, 'L', [x]), feeds)['dL/dx'].data;
    const fd = finiteDifference(withL, feeds, 'L', 'x');
    expectClose(ours, fd, 1e-6);

    // Tape-style: s frozen as a constant inside the first derivative.
    const s = Array.from(x0.data, (v) => 1 / (1 + Math.exp(-v)));
    const t = new GraphBuilder();
    const tx = t.input('x', 'float64', [6]);
    const frozen = t.constant(s, [6]);
    const sig = t.sigmoid(tx); // only the outer factor sees x
    const d = t.mul(sig, t.sub({ scalar: 1 }, frozen)); // value equals σ'(x)
    t.output('L', t.sumAll(t.square(d)));
    const wrong = evaluate(grad(t.build(), 'L', [tx]), feeds)['dL/dx'].data;
    expect(() => expectClose(wrong, fd, 1e-6)).toThrow();
  });
});
