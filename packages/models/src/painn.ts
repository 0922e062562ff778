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
 * [s, ‖Vv‖]); a two-layer readout to per-atom energies. Vector features (three [atoms, F]
 * tensors, one per axis) are only ever mixed across the feature axis, so energies are rotation invariant and
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
  // Unit-vector components [atoms, neighbors, 1], one per Cartesian axis.
  const unitAxes = [0, 1, 2].map((c) => b.slice(unit, 2, c, c + 1));
  let s = b.gather(param('embedding', [S, F]), species);
  // Vector features are kept as three [atoms, F] tensors, one per Cartesian axis: every
  // op then works on contiguous tensors of one shape (ONNX Runtime is several times slower
  // on [.., 3, F] × [.., 1, F] broadcasts), and the weights still mix channels only.
  let v: NodeId[] | undefined;
  const split3 = (x: NodeId, axis: number) =>
    [0, 1, 2].map((k) => b.slice(x, axis, k * F, (k + 1) * F));
  // Filter input [rbf·fc, fc]: one matmul with the bias as the last weight row gives the
  // cut-off filter fc·(rbf·W + b) without edge-sized bias and cutoff products.
  const filterInput = b.concat([b.mul(rbf, fcCol), fcCol], 2);

  for (let l = 0; l < config.interactions; l++) {
    // Message block. The three channels (Δs, vector gate, direction weight) are computed
    // separately so no edge-sized tensor is ever sliced (a slice's gradient is a pad).
    const phi = linear(b.silu(linear(s, `message${l}.phi1`, F, F)), `message${l}.phi2`, F, 3 * F);
    const filter = split3(param(`message${l}.filter`, [config.radialBasis + 1, 3 * F]), 1);
    const [xs, xvv, xvs] = split3(phi, 1).map((part, k) =>
      b.mul(b.neighborGather(part, nbr, rev), b.matmul(filterInput, filter[k]!)),
    );
    s = b.add(s, b.reduceSum(xs!, [1]));
    const previous = v;
    v = unitAxes.map((u, c) => {
      let dv = b.mul(xvs!, u);
      if (previous !== undefined) {
        dv = b.add(dv, b.mul(b.neighborGather(previous[c]!, nbr, rev), xvv!));
      }
      const sum = b.reduceSum(dv, [1]);
      return previous === undefined ? sum : b.add(previous[c]!, sum);
    });

    // Update block.
    const wU = param(`update${l}.U`, [F, F]);
    const wV = param(`update${l}.V`, [F, F]);
    const uv = v.map((vc) => b.matmul(vc, wU));
    const vv = v.map((vc) => b.matmul(vc, wV));
    const sumAxes = (t: NodeId[]) => b.add(b.add(t[0]!, t[1]!), t[2]!);
    const norm = b.sqrt(b.add(sumAxes(vv.map((x) => b.square(x))), { scalar: 1e-8 }));
    const a = linear(
      b.silu(linear(b.concat([s, norm], 1), `update${l}.mlp1`, 2 * F, F)),
      `update${l}.mlp2`,
      F,
      3 * F,
    );
    const [avv, asv, ass] = split3(a, 1);
    v = v.map((vc, c) => b.add(vc, b.mul(uv[c]!, avv!)));
    const inner = sumAxes(uv.map((x, c) => b.mul(x, vv[c]!)));
    s = b.add(s, b.add(b.mul(inner, asv!), ass!));
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
