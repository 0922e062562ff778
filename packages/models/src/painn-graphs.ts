import { type DType, type Graph, GraphBuilder, grad, prune } from '@mlff-distiller/graph';
import { buildPainnEnergy } from './painn.js';
import type { PainnConfig } from './painn-config.js';

/** A PaiNN graph and the names of its trainable parameters. */
export interface PainnGraph {
  graph: Graph;
  /** Trainable parameter names (normalisation parameters excluded). */
  trainable: string[];
}

/** The energy graph: outputs `energy` [structures] and `energies` [atoms], eV. */
export function painnEnergyGraph(config: PainnConfig, dtype: DType = 'float32'): PainnGraph {
  const b = new GraphBuilder();
  const m = buildPainnEnergy(b, config, dtype);
  b.output('energy', m.energy);
  b.output('energies', m.energies);
  return { graph: b.build(), trainable: m.trainable };
}

/** Options of {@link painnForceGraph}. */
export interface ForceGraphOptions {
  /**
   * Add an input `cell` [structures, 3, 3] (rows, Å) and an output `stress`
   * [structures, 3, 3] = virial / cell volume, eV/Å³ (ASE's sign; meaningful for periodic
   * structures only). For standalone ONNX files; in process the calculator divides itself.
   */
  stress?: boolean;
}

/**
 * The force graph: `energy` [structures], `energies` [atoms], `forces` = −∂E/∂positions
 * [atoms, 3] eV/Å and `virial` = ∂E/∂strain [structures, 3, 3] eV (stress = virial / cell
 * volume, ASE sign convention), from one reverse-mode pass over the energy graph.
 */
export function painnForceGraph(
  config: PainnConfig,
  dtype: DType = 'float32',
  options: ForceGraphOptions = {},
): PainnGraph {
  const b = new GraphBuilder();
  const m = buildPainnEnergy(b, config, dtype);
  b.output('energy', m.energy);
  b.output('energies', m.energies);
  b.output('total', b.sumAll(m.energy));
  const g = grad(b.build(), 'total', [m.positions, m.strain], { names: ['dE/dx', 'virial'] });
  const b2 = GraphBuilder.from(g);
  b2.output('forces', b2.neg(g.outputs['dE/dx']!));
  if (options.stress) {
    const cell = b2.input('cell', dtype, ['structures', 3, 3]);
    const row = (k: number) => b2.reshape(b2.slice(cell, 1, k, k + 1), ['structures', 3]);
    const [a, bb, c] = [row(0), row(1), row(2)];
    const comp = (x: number, k: number) => b2.slice(x, 1, k, k + 1);
    // Volume |a · (b × c)| per structure, [structures, 1].
    const cross = [
      b2.sub(b2.mul(comp(bb, 1), comp(c, 2)), b2.mul(comp(bb, 2), comp(c, 1))),
      b2.sub(b2.mul(comp(bb, 2), comp(c, 0)), b2.mul(comp(bb, 0), comp(c, 2))),
      b2.sub(b2.mul(comp(bb, 0), comp(c, 1)), b2.mul(comp(bb, 1), comp(c, 0))),
    ];
    const det = b2.add(
      b2.add(b2.mul(comp(a, 0), cross[0]!), b2.mul(comp(a, 1), cross[1]!)),
      b2.mul(comp(a, 2), cross[2]!),
    );
    const volume = b2.reshape(b2.sqrt(b2.square(det)), ['structures', 1, 1]);
    b2.output('stress', b2.div(g.outputs.virial!, volume));
  }
  const out = b2.build();
  const { total: _t, 'dE/dx': _d, ...outputs } = out.outputs;
  return { graph: prune({ nodes: out.nodes, outputs }), trainable: m.trainable };
}

/** Weights of the training loss. */
export interface LossWeights {
  /** Weight of the squared per-atom energy error, 1/eV². */
  energy: number;
  /** Weight of the squared force-component error, Å²/eV². */
  forces: number;
  /**
   * When set (eV/Å), force-component errors Δ enter as the pseudo-Huber loss
   * 2δ²(√(1 + (Δ/δ)²) − 1) instead of Δ²: the same for |Δ| ≪ δ, 2δ|Δ| for |Δ| ≫ δ, so
   * training minimises something close to the mean absolute error and a few large errors
   * (rattled structures) weigh less. Default: squared error.
   */
  huberDelta?: number;
}

/**
 * The training graph for force matching: extra inputs `energy_ref` [structures] eV and
 * `forces_ref` [atoms, 3] eV/Å; outputs `loss` = w_E·mean_s((E_s − Ê_s)/N_s)² +
 * w_F·mean((F − F̂)²) (or the pseudo-Huber form of the force term, see
 * {@link LossWeights.huberDelta}) and `grad:<name>` = ∂loss/∂θ for every trainable parameter. The force
 * term makes this a second derivative of the energy graph (grad applied to grad's output).
 */
export function painnTrainingGraph(
  config: PainnConfig,
  weights: LossWeights = { energy: 1, forces: 10 },
  dtype: DType = 'float32',
): PainnGraph {
  const { graph: fg, trainable } = painnForceGraph(config, dtype);
  const b = GraphBuilder.from(fg);
  const energyRef = b.input('energy_ref', dtype, ['structures']);
  const forcesRef = b.input('forces_ref', dtype, ['atoms', 3]);
  const structure = fg.nodes.findIndex((n) => n.op === 'input' && n.attrs.name === 'structure');
  const ones = b.broadcastTo(b.scalar(1, energyRef), ['atoms']);
  const counts = b.segmentSum(ones, structure, 'structures');
  const eErr = b.div(b.sub(fg.outputs.energy!, energyRef), counts);
  const fErr = b.sub(fg.outputs.forces!, forcesRef);
  const delta = weights.huberDelta;
  // 2δ²(√(1 + (Δ/δ)²) − 1) written as 2Δ² / (1 + √(1 + (Δ/δ)²)): no cancellation for |Δ| ≪ δ.
  const fLoss =
    delta === undefined
      ? b.square(fErr)
      : b.div(
          b.mul(b.square(fErr), { scalar: 2 }),
          b.add(b.sqrt(b.add(b.square(b.mul(fErr, { scalar: 1 / delta })), { scalar: 1 })), {
            scalar: 1,
          }),
        );
  const loss = b.add(
    b.mul(b.reduceMean(b.square(eErr), [0]), { scalar: weights.energy }),
    b.mul(b.reduceMean(fLoss, [0, 1]), { scalar: weights.forces }),
  );
  b.output('loss', loss);
  const withLoss = b.build();
  const params = trainable.map((name) =>
    withLoss.nodes.findIndex((n) => n.op === 'param' && n.attrs.name === name),
  );
  const g = grad(withLoss, 'loss', params, { names: trainable.map((n) => `grad:${n}`) });
  const outputs: Record<string, number> = { loss: g.outputs.loss! };
  for (const n of trainable) outputs[`grad:${n}`] = g.outputs[`grad:${n}`]!;
  return { graph: prune({ nodes: g.nodes, outputs }), trainable };
}

/** Number of trainable weights of a PaiNN (normalisation excluded). */
export function painnParameterCount(config: PainnConfig): number {
  const { graph, trainable } = painnEnergyGraph(config);
  const names = new Set(trainable);
  let n = 0;
  for (const node of graph.nodes) {
    if (node.op === 'param' && names.has(node.attrs.name as string)) {
      n += (node.shape as number[]).reduce((p, d) => p * d, 1);
    }
  }
  return n;
}
