/**
 * The force-matching training graph of PaiNN (a second derivative: ∂/∂θ of a loss on
 * −∂E/∂x) against float64 finite differences of the loss in the parameters. PaiNN's silu
 * goes through sigmoid, the case where tfjs's nested gradients are wrong (DESIGN.md).
 * Tolerance 1e-6 relative to the largest gradient entry checked (see painn.test.ts).
 */
import { evaluate, type Graph, type HostTensor } from '@mlff-distiller/graph';
import { describe, expect, it } from 'vitest';
import { type ModelStructure, prepareBatch } from './batch.js';
import { initPainnParameters } from './init-parameters.js';
import type { PainnConfig } from './painn-config.js';
import { painnTrainingGraph } from './painn-graphs.js';

const CONFIG: PainnConfig = {
  species: [1, 8],
  features: 4,
  interactions: 2,
  radialBasis: 3,
  cutoff: 2.5,
};

const structures: ModelStructure[] = [
  {
    numbers: [8, 1, 1],
    positions: [0, 0, 0, 0.96, 0.1, 0, -0.2, 0.93, 0.1],
    cell: new Array(9).fill(0),
    pbc: [false, false, false],
  },
  {
    numbers: [8, 1],
    positions: [0.1, 0.2, 0.3, 1.0, 0.9, 0.4],
    cell: [2.2, 0, 0, 0.3, 2.4, 0, 0.2, 0.4, 2.6],
    pbc: [true, true, true],
  },
];

function feedsFor(graph: Graph, params: Record<string, Float64Array | Float32Array>) {
  const feeds: Record<string, HostTensor> = prepareBatch(structures, {
    ...CONFIG,
    dtype: 'float64',
  });
  feeds.energy_ref = { shape: [2], data: Float64Array.of(-3.1, -1.7) };
  feeds.forces_ref = {
    shape: [5, 3],
    data: Float64Array.from({ length: 15 }, (_, k) => Math.sin(k)),
  };
  for (const n of graph.nodes) {
    if (n.op === 'param') {
      const name = n.attrs.name as string;
      feeds[name] = { shape: n.shape as number[], data: params[name]! };
    }
  }
  return feeds;
}

describe('PaiNN training graph', () => {
  it.each([
    { loss: 'squared error', weights: { energy: 1, forces: 10 } },
    // δ = 0.3 eV/Å against errors of ~1 eV/Å: both the quadratic and the linear regime.
    { loss: 'pseudo-Huber', weights: { energy: 1, forces: 10, huberDelta: 0.3 } },
  ])('∂loss/∂θ equals float64 finite differences ($loss)', ({ weights }) => {
    const { graph, trainable } = painnTrainingGraph(CONFIG, weights, 'float64');
    const params = initPainnParameters(graph, 5);
    params.reference_energies = Float64Array.of(-0.4, -1.1);
    const out = evaluate(graph, feedsFor(graph, params));
    const h = 1e-5;
    let checked = 0;
    for (const name of ['embedding', 'message0.filter', 'update1.U', 'readout1.weight']) {
      expect(trainable).toContain(name);
      const g = out[`grad:${name}`]!.data;
      let scale = 0;
      for (const v of g) scale = Math.max(scale, Math.abs(v));
      expect(scale).toBeGreaterThan(1e-4);
      for (const k of [0, Math.floor(g.length / 2), g.length - 1]) {
        const p = params[name]!;
        const x0 = p[k]!;
        p[k] = x0 + h;
        const lp = evaluate(graph, feedsFor(graph, params)).loss!.data[0]!;
        p[k] = x0 - h;
        const lm = evaluate(graph, feedsFor(graph, params)).loss!.data[0]!;
        p[k] = x0;
        expect(Math.abs(g[k]! - (lp - lm) / (2 * h))).toBeLessThan(1e-6 * scale);
        checked++;
      }
    }
    expect(checked).toBe(12);
  });

  it('pseudo-Huber with a large δ is the squared error, and with a small δ grows linearly', () => {
    const loss = (huberDelta?: number) => {
      const { graph } = painnTrainingGraph(CONFIG, { energy: 0, forces: 1, huberDelta }, 'float64');
      const params = initPainnParameters(graph, 5);
      return evaluate(graph, feedsFor(graph, params)).loss!.data[0]!;
    };
    const squared = loss();
    expect(Math.abs(loss(1e6) - squared)).toBeLessThan(1e-9 * squared);
    // For |Δ| ≫ δ the loss is 2δ·mean|Δ| − 2δ²: halving δ nearly halves it.
    const ratio = loss(1e-4) / loss(2e-4);
    expect(ratio).toBeGreaterThan(0.49);
    expect(ratio).toBeLessThan(0.51);
  });
});
