import type { DType, GraphBuilder, NodeId } from '@mlff-distiller/graph';
import type { PainnConfig } from './painn-config.js';

/**
 * Node ids of the inputs and outputs of an energy graph built by {@link buildPainnEnergy}.
 *
 * Inputs (symbolic dims `atoms`, `neighbors`, `structures`; atoms of all structures in a
 * batch are concatenated):
 * - `positions` [atoms, 3] Å
 * - `species` int32 [atoms]: index into {@link PainnConfig.species}
 * - `structure` int32 [atoms]: which structure each atom belongs to
 * - `neighbors`, `reverse` int32 [atoms, neighbors]: padded neighbour matrix and reverse slots
 *   (core's `toNeighborMatrix` / `reverseSlotIndex`; padding points at the atom itself)
 * - `mask` [atoms, neighbors]: 1 for a real neighbour slot, 0 for padding
 * - `shifts` [atoms, neighbors, 3] Å: Cartesian periodic-image offset of each slot (S·cell)
 * - `strain` [structures, 3, 3]: fed as zeros; ∂E/∂strain is the virial used for stress
 */
export interface PainnEnergyNodes {
  positions: NodeId;
  strain: NodeId;
  /** Per-atom energies [atoms], eV. */
  energies: NodeId;
  /** Per-structure energies [structures], eV. */
  energy: NodeId;
  /** Names of the trainable parameters (weights and biases, not normalisation). */
  trainable: string[];
}

/** Names of the normalisation parameters: eᵢ = scale·(network output) + reference[species]. */
export const NORMALISATION_PARAMETERS = ['energy_scale', 'reference_energies'] as const;

/**
 * Adds a PaiNN energy model to `b`: element embedding; radial basis sin(nπr/rc)/r with a
 * cosine cutoff; per block a message (filter-weighted neighbour features, scalar and
 * vector) and an update (channel mixing U, V of the vectors, gated by an MLP of
 * [s, ‖Vv‖]); a two-layer readout to per-atom energies. Vector features are [atoms, 3, F]
 * and only ever mixed across the feature axis, so energies are rotation invariant and
 * vector features equivariant. Neighbour aggregation is `neighborGather` + a dense sum over
 * the neighbour axis (its gradient has no scatter either).
 */
export function buildPainnEnergy(
  b: GraphBuilder,
  config: PainnConfig,
  dtype: DType = 'float32',
): PainnEnergyNodes {
  const F = config.features;
  const S = config.species.length;
  const rc = config.cutoff;
  const trainable: string[] = [];
  const param = (name: string, shape: number[]) => {
    trainable.push(name);
    return b.param(name, shape, dtype);
  };
  const linear = (x: NodeId, name: string, fin: number, fout: number) =>
    b.dense(x, param(`${name}.weight`, [fin, fout]), param(`${name}.bias`, [fout]));

  const positions = b.input('positions', dtype, ['atoms', 3]);
  const species = b.input('species', 'int32', ['atoms']);
  const structure = b.input('structure', 'int32', ['atoms']);
  const nbr = b.input('neighbors', 'int32', ['atoms', 'neighbors']);
  const rev = b.input('reverse', 'int32', ['atoms', 'neighbors']);
  const mask = b.input('mask', dtype, ['atoms', 'neighbors']);
  const shifts = b.input('shifts', dtype, ['atoms', 'neighbors', 3]);
  const strain = b.input('strain', dtype, ['structures', 3, 3]);

  // Edge vectors D = r_j − r_i + shift, strained: D·(I + ε) with ε of the atom's structure.
  const d0 = b.add(
    b.sub(b.neighborGather(positions, nbr, rev), b.reshape(positions, ['atoms', 1, 3])),
    shifts,
  );
  const eps = b.reshape(b.gather(strain, structure), ['atoms', 1, 3, 3]);
  const strained = b.reduceSum(b.mul(b.reshape(d0, ['atoms', 'neighbors', 3, 1]), eps), [2]);
  const d = b.add(d0, strained);

  // Distances with padding made safe (r = 1 there; the mask zeroes every use).
  const r2 = b.reduceSum(b.square(d), [2]);
  const real = b.greater(mask, { scalar: 0 });
  const r = b.sqrt(b.where(real, r2, { scalar: 1 }));
  const cosine = b.mul(b.add(b.cos(b.mul(r, { scalar: Math.PI / rc })), { scalar: 1 }), {
    scalar: 0.5,
  });
  const fc = b.mul(b.where(b.less(r, { scalar: rc }), cosine, { scalar: 0 }), mask);
  const rCol = b.reshape(r, ['atoms', 'neighbors', 1]);
  const unit = b.div(d, rCol);
  const n = Array.from({ length: config.radialBasis }, (_, k) => ((k + 1) * Math.PI) / rc);
  const rbf = b.div(b.sin(b.mul(rCol, b.constant(n, [n.length], dtype))), rCol);
  const fcCol = b.reshape(fc, ['atoms', 'neighbors', 1]);
  const unitCol = b.reshape(unit, ['atoms', 'neighbors', 3, 1]);

  let s = b.gather(param('embedding', [S, F]), species);
  let v: NodeId | undefined;
  const split3 = (x: NodeId, axis: number) =>
    [0, 1, 2].map((k) => b.slice(x, axis, k * F, (k + 1) * F));

  for (let l = 0; l < config.interactions; l++) {
    // Message block.
    const phi = linear(b.silu(linear(s, `message${l}.phi1`, F, F)), `message${l}.phi2`, F, 3 * F);
    const w = b.mul(linear(rbf, `message${l}.filter`, config.radialBasis, 3 * F), fcCol);
    const x = b.mul(b.neighborGather(phi, nbr, rev), w);
    const [xs, xvv, xvs] = split3(x, 2);
    s = b.add(s, b.reduceSum(xs, [1]));
    let dv = b.mul(b.reshape(xvs, ['atoms', 'neighbors', 1, F]), unitCol);
    if (v !== undefined) {
      const vj = b.neighborGather(v, nbr, rev);
      dv = b.add(dv, b.mul(vj, b.reshape(xvv, ['atoms', 'neighbors', 1, F])));
    }
    const dvSum = b.reduceSum(dv, [1]);
    v = v === undefined ? dvSum : b.add(v, dvSum);

    // Update block.
    const uv = b.matmul(v, param(`update${l}.U`, [F, F]));
    const vv = b.matmul(v, param(`update${l}.V`, [F, F]));
    const norm = b.sqrt(b.add(b.reduceSum(b.square(vv), [1]), { scalar: 1e-8 }));
    const a = linear(
      b.silu(linear(b.concat([s, norm], 1), `update${l}.mlp1`, 2 * F, F)),
      `update${l}.mlp2`,
      F,
      3 * F,
    );
    const [avv, asv, ass] = split3(a, 1);
    v = b.add(v, b.mul(uv, b.reshape(avv, ['atoms', 1, F])));
    s = b.add(s, b.add(b.mul(b.reduceSum(b.mul(uv, vv), [1]), asv), ass));
  }

  // Readout and normalisation.
  const half = Math.max(1, Math.floor(F / 2));
  const out = linear(b.silu(linear(s, 'readout1', F, half)), 'readout2', half, 1);
  const scale = b.param('energy_scale', [], dtype);
  const reference = b.gather(b.param('reference_energies', [S], dtype), species);
  const energies = b.add(b.mul(b.reshape(out, ['atoms']), scale), reference);
  const energy = b.segmentSum(energies, structure, 'structures');
  return { positions, strain, energies, energy, trainable };
}
