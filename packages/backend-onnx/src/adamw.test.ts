import { describe, expect, it } from 'vitest';
import { expectClose } from './__fixtures__/random.js';
import { AdamW } from './adamw.js';

describe('AdamW', () => {
  it('first step equals the hand-computed update', () => {
    // lr 0.1, λ 0.01, β (0.9, 0.999), ε 1e-8. At t = 1, m̂ = g and √v̂ = |g|, so
    // p₁ = p₀(1 − lr·λ) − lr·g/(|g| + ε):
    //   1   → 0.999  − 0.1·0.5/0.50000001 = 0.999  − 0.099999998 = 0.899000002
    //   −2  → −1.998 + 0.1·0.1/0.10000001 = −1.998 + 0.09999999  = −1.89800001
    //   0.5 → 0.4995 (zero gradient: decay only)
    const p = Float32Array.from([1, -2, 0.5]);
    const opt = new AdamW({ p }, { lr: 0.1, weightDecay: 0.01 });
    opt.step({ p: Float32Array.from([0.5, -0.1, 0]) });
    expectClose(p, [0.899000002, -1.89800001, 0.4995], 1e-7);
    expect(opt.stepCount).toBe(1);
  });

  it('follows the textbook bias-corrected formula over several steps', () => {
    // Reference in float64 with m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ), p ← p(1−lr·λ) − lr·m̂/(√v̂+ε).
    const h = { lr: 0.05, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.1 };
    const grads = [
      [0.3, -1.2, 2],
      [-0.5, -0.4, 0.1],
      [0.05, 0.9, -3],
      [1, 1, 1],
    ];
    const ref = [0.7, -0.3, 1.5];
    const m = [0, 0, 0];
    const v = [0, 0, 0];
    const p = Float32Array.from(ref);
    const opt = new AdamW({ p }, { ...h, lr: h.lr });
    grads.forEach((g, s) => {
      const t = s + 1;
      for (let i = 0; i < 3; i++) {
        m[i] = h.beta1 * m[i] + (1 - h.beta1) * g[i];
        v[i] = h.beta2 * v[i] + (1 - h.beta2) * g[i] ** 2;
        const mh = m[i] / (1 - h.beta1 ** t);
        const vh = v[i] / (1 - h.beta2 ** t);
        ref[i] = ref[i] * (1 - h.lr * h.weightDecay) - (h.lr * mh) / (Math.sqrt(vh) + h.eps);
      }
      opt.step({ p: Float32Array.from(g) });
      // float32 storage of p, m, v: a few ulp (6e-8) per step.
      expectClose(p, ref, 1e-6);
    });
  });

  it('uses a changed learning rate from the next step on', () => {
    const a = Float32Array.from([1]);
    const b = Float32Array.from([1]);
    const oa = new AdamW({ a }, { lr: 0.1, weightDecay: 0 });
    const ob = new AdamW({ b }, { lr: 0.2, weightDecay: 0 });
    oa.learningRate = 0.2;
    oa.step({ a: Float32Array.from([1]) });
    ob.step({ b: Float32Array.from([1]) });
    expect(a[0]).toBe(b[0]);
  });

  it('state round-trips through plain arrays (checkpoint and resume)', () => {
    const p = Float32Array.from([0.1, 0.2]);
    const opt = new AdamW({ p });
    opt.step({ p: Float32Array.from([1, -1]) });
    opt.step({ p: Float32Array.from([0.5, 2]) });
    const saved = JSON.parse(JSON.stringify(opt.state()));
    expect(saved.step).toBe(2);
    const q = Float32Array.from(p);
    const resumed = new AdamW({ p: q });
    resumed.loadState(saved);
    const g = Float32Array.from([-0.3, 0.7]);
    opt.step({ p: g });
    resumed.step({ p: g });
    expect(Array.from(q)).toEqual(Array.from(p));
    expect(resumed.state()).toEqual(opt.state());
  });

  it('rejects bad hyper-parameters, gradients and states', () => {
    const p = new Float32Array(2);
    expect(() => new AdamW({ p }, { beta1: 1 })).toThrow(/beta1/);
    expect(() => new AdamW({ p }, { lr: -1 })).toThrow(/lr/);
    const opt = new AdamW({ p });
    expect(() => opt.step({ p: new Float32Array(3) })).toThrow(/gradient of 'p'/);
    expect(() => opt.step({})).toThrow(/gradient of 'p'/);
    expect(() => opt.loadState({ step: 1, m: { p: [0] }, v: { p: [0, 0] } })).toThrow(/'p'/);
    expect(opt.stepCount).toBe(0);
  });
});
