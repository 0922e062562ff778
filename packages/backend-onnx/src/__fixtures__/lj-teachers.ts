/**
 * Teacher models for the teacher-contract tests: ASE's shifted Lennard-Jones (as core's
 * `LennardJones`) written as graphs with the contract's input and output names, forces
 * from `grad`, compiled with `compileToOnnx`.
 */
import { type Graph, GraphBuilder, grad, type NodeId } from '@mlff-distiller/graph';
import { compileToOnnx } from '../compile-to-onnx.js';
import { onnx } from '../onnx-proto.js';

/** Argon-like, as core's LJ tests (not ASE's defaults). */
export const ARGON = { epsilon: 0.0104, sigma: 3.405, rc: 8.5 };

/** u(r²) − u(rc) for r² ≤ rc², 0 beyond, for every entry of `r2` (masked safely). */
function shiftedPairEnergy(b: GraphBuilder, r2: NodeId): NodeId {
  const { epsilon, sigma, rc } = ARGON;
  const e0 = 4 * epsilon * ((sigma / rc) ** 12 - (sigma / rc) ** 6);
  const mask = b.lessEqual(r2, { scalar: rc * rc });
  const safe = b.where(mask, r2, { scalar: 1 });
  const s2 = b.div({ scalar: sigma * sigma }, safe);
  const s6 = b.mul(b.mul(s2, s2), s2);
  const u = b.sub(b.mul({ scalar: 4 * epsilon }, b.sub(b.mul(s6, s6), s6)), { scalar: e0 });
  return b.where(mask, u, { scalar: 0 });
}

/** Options of {@link clusterTeacherGraph}. */
export interface ClusterTeacherOptions {
  /** Leave out the forces output. */
  noForces?: boolean;
  /** Return forces as [n_atoms, 4] (a zero column appended). */
  wideForces?: boolean;
  /** dtype of the `numbers` input. Default int32. */
  numbersDType?: 'int32' | 'float64';
  /** Energy as [] (default) or [1]. */
  energyShape?: [] | [1];
}

/**
 * A non-periodic teacher over all pairs: inputs `positions` float64 [n_atoms, 3] and
 * `numbers` [n_atoms]; outputs `energy` [] and `forces` [n_atoms, 3] (−∂E/∂positions).
 */
export function clusterTeacherGraph(options: ClusterTeacherOptions = {}): Graph {
  const b = new GraphBuilder();
  const pos = b.input('positions', 'float64', ['n_atoms', 3]);
  b.input('numbers', options.numbersDType ?? 'int32', ['n_atoms']);
  const d = b.sub(b.reshape(pos, [1, 'n_atoms', 3]), b.reshape(pos, ['n_atoms', 1, 3]));
  const r2all = b.reduceSum(b.square(d), [2]);
  // Self-pairs (r² = 0) are moved beyond the cutoff.
  const r2 = b.where(b.greater(r2all, { scalar: 0 }), r2all, { scalar: 4 * ARGON.rc ** 2 });
  const energy = b.mul({ scalar: 0.5 }, b.sumAll(shiftedPairEnergy(b, r2)));
  b.output('energy', options.energyShape?.length === 1 ? b.reshape(energy, [1]) : energy);
  const g = b.build();
  if (options.noForces) return g;
  const withGrad = grad(g, 'energy', [pos], { names: ['dE'] });
  const fb = GraphBuilder.from(withGrad);
  let forces = fb.neg(withGrad.outputs.dE);
  if (options.wideForces) {
    const zero = fb.mul(fb.slice(forces, 1, 0, 1), { scalar: 0 });
    forces = fb.concat([forces, zero], 1);
  }
  fb.output('forces', forces);
  const out = fb.build();
  const { dE: _, ...outputs } = out.outputs;
  return { nodes: out.nodes, outputs };
}

/**
 * A periodic teacher over a neighbor list: inputs `positions` float64 [n_atoms, 3],
 * `numbers` int32, `cell` [3, 3], `pbc` bool [3], `edge_index` int32 [2, n_edges],
 * `edge_shift` [n_edges, 3]; outputs `energy` [1], `forces` [n_atoms, 3] and `stress`
 * [3, 3] = (1/V)·∂E/∂ε (positions and cell strained by a zero constant ε).
 */
export function periodicTeacherGraph(): Graph {
  const b = new GraphBuilder();
  const pos = b.input('positions', 'float64', ['n_atoms', 3]);
  b.input('numbers', 'int32', ['n_atoms']);
  const cell = b.input('cell', 'float64', [3, 3]);
  b.input('pbc', 'bool', [3]);
  const edges = b.input('edge_index', 'int32', [2, 'n_edges']);
  const shift = b.input('edge_shift', 'float64', ['n_edges', 3]);
  const strain = b.constant(new Array(9).fill(0), [3, 3]);
  const deformation = b.add(b.constant([1, 0, 0, 0, 1, 0, 0, 0, 1], [3, 3]), strain);
  const x = b.matmul(pos, deformation);
  const c = b.matmul(cell, deformation);
  const i = b.reshape(b.slice(edges, 0, 0, 1), ['n_edges']);
  const j = b.reshape(b.slice(edges, 0, 1, 2), ['n_edges']);
  const d = b.add(b.sub(b.gather(x, j), b.gather(x, i)), b.matmul(shift, c));
  const r2 = b.reduceSum(b.square(d), [1]);
  const energy = b.mul({ scalar: 0.5 }, b.sumAll(shiftedPairEnergy(b, r2)));
  b.output('energy', b.reshape(energy, [1]));
  const g = grad(b.build(), 'energy', [pos, strain], { names: ['dE/dx', 'dE/deps'] });
  const fb = GraphBuilder.from(g);
  fb.output('forces', fb.neg(g.outputs['dE/dx']!));
  // Volume |det cell|.
  const flat = fb.reshape(cell, [9]);
  const e = Array.from({ length: 9 }, (_, k) => fb.slice(flat, 0, k, k + 1));
  const minor = (p: number, q: number, r: number, s: number) =>
    fb.sub(fb.mul(e[p]!, e[q]!), fb.mul(e[r]!, e[s]!));
  const det = fb.add(
    fb.sub(fb.mul(e[0]!, minor(4, 8, 5, 7)), fb.mul(e[1]!, minor(3, 8, 5, 6))),
    fb.mul(e[2]!, minor(3, 7, 4, 6)),
  );
  const volume = fb.reshape(fb.sqrt(fb.square(det)), [1, 1]);
  fb.output('stress', fb.div(g.outputs['dE/deps']!, volume));
  const out = fb.build();
  const { 'dE/dx': _x, 'dE/deps': _e, ...outputs } = out.outputs;
  return { nodes: out.nodes, outputs };
}

/** The contract's metadata for a conservative teacher, plus `extra`. */
export function teacherMetadata(extra: Record<string, string> = {}): Record<string, string> {
  return { 'mlffd.teacher': 'v1', 'mlffd.forces': 'conservative', ...extra };
}

/** Compiles a teacher graph with metadata. */
export function compileTeacher(graph: Graph, metadata: Record<string, string>): Uint8Array {
  return compileToOnnx(graph, { metadata, graphName: 'lj-teacher' });
}

/**
 * Rewrites the declared element type of graph inputs (e.g. to int64, as PyTorch exports
 * integer inputs): ops that take either integer type (Gather, Slice, Reshape) run unchanged.
 */
export function withInputTypes(bytes: Uint8Array, types: Record<string, number>): Uint8Array {
  const m = onnx.ModelProto.decode(bytes);
  for (const v of m.graph?.input ?? []) {
    const type = types[v.name ?? ''];
    if (type !== undefined && v.type?.tensorType) v.type.tensorType.elemType = type;
  }
  return onnx.ModelProto.encode(m).finish();
}

/** ONNX element type code of int64. */
export const INT64: number = onnx.TensorProto.DataType.INT64;
