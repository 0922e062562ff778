import {
  type Graph,
  GraphBuilder,
  grad,
  type HostTensor,
  type NodeId,
} from '@mlff-distiller/graph';
import { describe, expect, it } from 'vitest';
import { expectClose, oracle, rng } from './__fixtures__/random.js';
import { globalNorm } from './clip-grad-norm.js';
import { OnnxTrainingStep } from './onnx-training-step.js';

const GRADS = { W1: 'dW1', b1: 'db1', W2: 'dW2', b2: 'db2' };

/** loss = mean over the batch of (tanh(x·W1 + b1)·W2 + b2 − y)², with ∂loss/∂θ outputs. */
function trainingGraph(): Graph {
  const b = new GraphBuilder();
  const x = b.input('x', 'float32', ['batch', 1]);
  const y = b.input('y', 'float32', ['batch', 1]);
  const w1 = b.param('W1', [1, 8], 'float32');
  const b1 = b.param('b1', [8], 'float32');
  const w2 = b.param('W2', [8, 1], 'float32');
  const b2 = b.param('b2', [1], 'float32');
  const pred = b.dense(b.tanh(b.dense(x, w1, b1)), w2, b2);
  b.output('loss', b.reduceMean(b.square(b.sub(pred, y)), [0, 1]));
  return grad(b.build(), 'loss', [w1, b1, w2, b2] as NodeId[], {
    names: ['dW1', 'db1', 'dW2', 'db2'],
  });
}

function initialParameters(seed: number): Record<string, Float32Array> {
  const r = rng(seed);
  const init = (n: number, s: number) => Float32Array.from({ length: n }, () => s * (2 * r() - 1));
  return { W1: init(8, 1), b1: init(8, 0.5), W2: init(8, 0.5), b2: init(1, 0.1) };
}

/** y = sin(2x) on x ∈ [−1.5, 1.5). */
function batch(n: number, seed: number): Record<string, HostTensor> {
  const r = rng(seed);
  const x = Float32Array.from({ length: n }, () => 3 * r() - 1.5);
  return {
    x: { shape: [n, 1], data: x },
    y: { shape: [n, 1], data: x.map((v) => Math.sin(2 * v)) },
  };
}

const hostParams = (p: Record<string, Float32Array>) =>
  Object.fromEntries(
    Object.entries(p).map(([k, v]) => [
      k,
      { shape: k === 'W1' ? [1, 8] : k === 'W2' ? [8, 1] : [v.length], data: v },
    ]),
  );

describe('OnnxTrainingStep', () => {
  it('gradients of one run equal evaluate of the same graph', async () => {
    const graph = trainingGraph();
    const parameters = initialParameters(1);
    const trainer = await OnnxTrainingStep.create(graph, { gradients: GRADS, parameters });
    const data = batch(32, 2);
    const { loss, gradNorm } = await trainer.computeGradients(data);
    const want = oracle(graph, { ...data, ...hostParams(parameters) });
    // float32 run vs float64 oracle on the same values (tolerance as in ops.test.ts).
    expectClose([loss], want.loss.data, 1e-5, 'loss');
    for (const [p, out] of Object.entries(GRADS)) {
      expectClose(trainer.gradients[p], want[out].data, 1e-5, out);
    }
    expect(gradNorm).toBeCloseTo(globalNorm(Object.values(trainer.gradients)), 6);
    await trainer.dispose();
  });

  it('fits a small regression: the loss falls by more than 10×', async () => {
    const parameters = initialParameters(3);
    const trainer = await OnnxTrainingStep.create(trainingGraph(), {
      gradients: GRADS,
      parameters,
      lr: 0.03,
      weightDecay: 0,
    });
    const data = batch(64, 4);
    const first = await trainer.step(data);
    let last = first;
    for (let s = 0; s < 400; s++) last = await trainer.step(data);
    expect(first.updated && last.updated).toBe(true);
    expect(last.loss).toBeLessThan(first.loss / 10);
    expect(trainer.optimizer.stepCount).toBe(401);
    await trainer.dispose();
  });

  it('the first update is the AdamW formula applied to the run gradients, in place', async () => {
    const parameters = initialParameters(5);
    const before = Object.fromEntries(
      Object.entries(parameters).map(([k, v]) => [k, Float64Array.from(v)]),
    );
    const lr = 0.01;
    const wd = 0.05;
    const eps = 1e-8;
    const trainer = await OnnxTrainingStep.create(trainingGraph(), {
      gradients: GRADS,
      parameters,
      lr,
      weightDecay: wd,
      eps,
    });
    await trainer.step(batch(16, 6));
    for (const name of Object.keys(GRADS)) {
      const g = trainer.gradients[name];
      // t = 1: p₁ = p₀(1 − lr·λ) − lr·g/(|g| + ε).
      const want = Array.from(
        before[name],
        (p, i) => p * (1 - lr * wd) - (lr * g[i]) / (Math.abs(g[i]) + eps),
      );
      expectClose(parameters[name], want, 1e-6, name);
    }
    expect(trainer.parameters.W1).toBe(parameters.W1);
    expect(trainer.backend).toBe('onnxruntime-node/cpu');
    await trainer.dispose();
  });

  it('clips the global gradient norm to maxGradNorm and reports the norm before clipping', async () => {
    const graph = trainingGraph();
    const data = batch(16, 7);
    const probe = await OnnxTrainingStep.create(graph, {
      gradients: GRADS,
      parameters: initialParameters(8),
    });
    const { gradNorm } = await probe.computeGradients(data);
    await probe.dispose();
    const maxGradNorm = gradNorm / 4;
    const trainer = await OnnxTrainingStep.create(graph, {
      gradients: GRADS,
      parameters: initialParameters(8),
      maxGradNorm,
    });
    const result = await trainer.step(data);
    expect(result.gradNorm).toBeCloseTo(gradNorm, 5);
    expect(globalNorm(Object.values(trainer.gradients)) / maxGradNorm).toBeCloseTo(1, 6);
    await trainer.dispose();
  });

  it('skips the update when the loss is not finite', async () => {
    const parameters = initialParameters(9);
    const copy = Float32Array.from(parameters.W1);
    const trainer = await OnnxTrainingStep.create(trainingGraph(), {
      gradients: GRADS,
      parameters,
    });
    const data = batch(4, 10);
    (data.y.data as Float32Array)[0] = Number.NaN;
    const result = await trainer.step(data);
    expect(result.updated).toBe(false);
    expect(result.loss).toBeNaN();
    expect(Array.from(parameters.W1)).toEqual(Array.from(copy));
    expect(trainer.optimizer.stepCount).toBe(0);
    await trainer.dispose();
  });

  it('parameters and optimizer state checkpoint as plain arrays and resume exactly', async () => {
    const graph = trainingGraph();
    const data = batch(16, 11);
    const a = await OnnxTrainingStep.create(graph, {
      gradients: GRADS,
      parameters: initialParameters(12),
    });
    for (let s = 0; s < 5; s++) await a.step(data);
    const checkpoint = JSON.parse(
      JSON.stringify({ parameters: a.parameterValues(), optimizer: a.optimizerState() }),
    );
    const b = await OnnxTrainingStep.create(graph, {
      gradients: GRADS,
      parameters: initialParameters(99),
    });
    b.loadParameterValues(checkpoint.parameters);
    b.loadOptimizerState(checkpoint.optimizer);
    const ra = await a.step(data);
    const rb = await b.step(data);
    expect(rb.loss).toBe(ra.loss);
    expect(b.parameterValues()).toEqual(a.parameterValues());
    await a.dispose();
    await b.dispose();
  });

  it('frozen parameters are fed but not updated', async () => {
    const parameters = initialParameters(13);
    const frozen = Float32Array.from(parameters.W1);
    const { W1: _, ...trained } = GRADS;
    const trainer = await OnnxTrainingStep.create(trainingGraph(), {
      gradients: trained,
      parameters,
    });
    await trainer.step(batch(8, 14));
    expect(Array.from(parameters.W1)).toEqual(Array.from(frozen));
    expect(Object.keys(trainer.gradients)).toEqual(['b1', 'W2', 'b2']);
    await trainer.dispose();
  });

  it('rejects mismatched graphs and options at creation', async () => {
    const graph = trainingGraph();
    const parameters = initialParameters(15);
    await expect(
      OnnxTrainingStep.create(graph, {
        gradients: GRADS,
        parameters: { ...parameters, b2: new Float32Array(3) },
      }),
    ).rejects.toThrow(/parameter 'b2' has 3 values, expected 1/);
    const { b1: _, ...missing } = parameters;
    await expect(
      OnnxTrainingStep.create(graph, { gradients: GRADS, parameters: missing }),
    ).rejects.toThrow(/no Float32Array value for parameter 'b1'/);
    await expect(
      OnnxTrainingStep.create(graph, { gradients: { ...GRADS, W1: 'db1' }, parameters }),
    ).rejects.toThrow(/gradient output 'db1' is float32 \[8\], parameter 'W1' is float32 \[1,8\]/);
    await expect(
      OnnxTrainingStep.create(graph, { gradients: { nope: 'dW1' }, parameters }),
    ).rejects.toThrow(/'nope', which is not a parameter/);
    await expect(
      OnnxTrainingStep.create(graph, { gradients: GRADS, parameters, loss: 'dW1' }),
    ).rejects.toThrow(/loss 'dW1' must be a float32 scalar/);
    const b = new GraphBuilder();
    const w = b.param('w', [1], 'float64');
    b.output('loss', b.sumAll(b.square(w)));
    await expect(
      OnnxTrainingStep.create(grad(b.build(), 'loss', [w]), {
        gradients: { w: 'dloss/dw' },
        parameters: { w: new Float32Array(1) },
      }),
    ).rejects.toThrow(/parameter 'w' is float64; the trainer needs float32/);
  });
});
