/**
 * Issue 4, acceptance 2 (cross-backend part): a pair-potential graph and a small PaiNN
 * give the same energies, forces and virials on ONNX Runtime and on tfjs in float32, and
 * both agree with the float64 reference interpreter (whose forces are checked against
 * finite differences in painn.test.ts and in graph's pair-potential test).
 *
 * Tolerance 1e-5 relative to the largest |value| of each output (the bound): float32
 * rounding is 6e-8 per op and these graphs chain a few hundred ops, so agreement to ~1e-6
 * is expected; a wrong lowering is off by far more.
 */
import { OnnxBackend } from '@mlff-distiller/backend-onnx';
import { TfjsBackend } from '@mlff-distiller/backend-tfjs';
import { fccCrystal, Random } from '@mlff-distiller/core';
import {
  evaluate,
  type Graph,
  type GraphBackend,
  GraphBuilder,
  grad,
  type HostTensor,
} from '@mlff-distiller/graph';
import { describe, expect, it } from 'vitest';
import { type ModelStructure, prepareBatch } from './batch.js';
import { initPainnParameters } from './init-parameters.js';
import type { PainnConfig } from './painn-config.js';
import { painnForceGraph } from './painn-graphs.js';

const backends: GraphBackend[] = [new OnnxBackend(), new TfjsBackend()];

/** Largest |a − b| over the largest |b|. */
function relativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst / scale;
}

/**
 * Lennard-Jones over a padded neighbour matrix: E = ½ Σ mask·4ε[(σ/r)¹² − (σ/r)⁶] for
 * r < rc; forces by one reverse pass (the neighbour gather's adjoint is a neighborSum).
 */
function ljForceGraph(dtype: 'float32' | 'float64'): Graph {
  const b = new GraphBuilder();
  const pos = b.input('positions', dtype, ['atoms', 3]);
  const nbr = b.input('neighbors', 'int32', ['atoms', 'neighbors']);
  const rev = b.input('reverse', 'int32', ['atoms', 'neighbors']);
  const mask = b.input('mask', dtype, ['atoms', 'neighbors']);
  const shifts = b.input('shifts', dtype, ['atoms', 'neighbors', 3]);
  const d = b.add(b.sub(b.neighborGather(pos, nbr, rev), b.reshape(pos, ['atoms', 1, 3])), shifts);
  const r2 = b.where(b.greater(mask, { scalar: 0 }), b.reduceSum(b.square(d), [2]), {
    scalar: 1,
  });
  const s6 = b.pow(b.div({ scalar: 3.405 ** 2 }, r2), { scalar: 3 });
  const inside = b.where(b.less(r2, { scalar: 8.5 ** 2 }), mask, { scalar: 0 });
  const e = b.mul(b.mul(b.sub(b.square(s6), s6), inside), { scalar: 0.5 * 4 * 0.0104 });
  b.output('energy', b.sumAll(e));
  const g = grad(b.build(), 'energy', [pos], { names: ['dE'] });
  const b2 = GraphBuilder.from(g);
  b2.output('forces', b2.neg(g.outputs.dE!));
  const out = b2.build();
  return {
    nodes: out.nodes,
    outputs: { energy: out.outputs.energy!, forces: out.outputs.forces! },
  };
}

function asFloat32(feeds: Record<string, HostTensor>): Record<string, HostTensor> {
  return Object.fromEntries(
    Object.entries(feeds).map(([k, t]) => [
      k,
      t.data instanceof Float64Array ? { shape: t.shape, data: Float32Array.from(t.data) } : t,
    ]),
  );
}

async function compareBackends(
  graph32: Graph,
  graph64: Graph,
  feeds64: Record<string, HostTensor>,
  parameters?: Record<string, Float64Array>,
) {
  const reference = evaluate(graph64, feeds64);
  const feeds32 = asFloat32(feeds64);
  const params32 = parameters
    ? Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, Float32Array.from(v)]))
    : undefined;
  const results = [];
  for (const backend of backends) {
    const session = await backend.compile(graph32, { parameters: params32 });
    results.push({ name: session.backend, out: await session.run(feeds32) });
    await session.dispose();
  }
  const report: Record<string, number> = {};
  for (const name of Object.keys(graph32.outputs)) {
    const [ort, tfjs] = results;
    report[`${name} ort-tfjs`] = relativeDifference(ort!.out[name]!.data, tfjs!.out[name]!.data);
    for (const r of results) {
      report[`${name} ${r.name}-f64`] = relativeDifference(
        r.out[name]!.data,
        reference[name]!.data,
      );
    }
  }
  for (const [k, v] of Object.entries(report)) {
    expect(v, k).toBeLessThan(1e-5);
  }
  return report;
}

describe('same energies and forces on ONNX Runtime and tfjs (float32)', () => {
  it('Lennard-Jones argon, periodic fcc with thermal noise', async () => {
    const atoms = fccCrystal('Ar', 5.26, 3);
    const random = new Random(3);
    for (let i = 0; i < atoms.positions.length; i++) atoms.positions[i]! += 0.1 * random.normal();
    const feeds = prepareBatch([atoms], { species: [18], cutoff: 8.5, dtype: 'float64' });
    const { species: _s, structure: _t, strain: _e, ...ljFeeds } = feeds;
    const report = await compareBackends(ljForceGraph('float32'), ljForceGraph('float64'), ljFeeds);
    expect(Object.keys(report)).toHaveLength(6);
    console.log('LJ cross-backend relative differences', report);
  });

  it('a small PaiNN on a batch of a molecule and a periodic cell (energy, forces, virial)', async () => {
    const config: PainnConfig = {
      species: [1, 6, 8],
      features: 8,
      interactions: 2,
      radialBasis: 6,
      cutoff: 3.5,
    };
    const structures: ModelStructure[] = [
      {
        numbers: [8, 1, 1, 6],
        positions: [0, 0, 0, 0.96, 0.1, 0, -0.2, 0.93, 0.1, 1.1, 1.4, 0.8],
        cell: new Array(9).fill(0),
        pbc: [false, false, false],
      },
      {
        numbers: [6, 8, 1],
        positions: [0.1, 0.2, 0.3, 1.3, 0.9, 0.4, 0.7, 1.6, 1.5],
        cell: [2.6, 0, 0, 0.3, 2.4, 0, 0.2, 0.4, 2.8],
        pbc: [true, true, true],
      },
    ];
    const g64 = painnForceGraph(config, 'float64').graph;
    const params = initPainnParameters(g64, 2) as Record<string, Float64Array>;
    params.reference_energies = Float64Array.of(-0.2, -0.5, -0.3); // small: the network dominates E
    const feeds: Record<string, HostTensor> = prepareBatch(structures, {
      ...config,
      dtype: 'float64',
    });
    for (const n of g64.nodes) {
      if (n.op === 'param') {
        const name = n.attrs.name as string;
        feeds[name] = { shape: n.shape as number[], data: params[name]! };
      }
    }
    // The float64 reference takes parameters as feeds; the backends get them compiled in.
    const g32 = painnForceGraph(config, 'float32').graph;
    const report = await compareBackends(g32, g64, feeds, params);
    expect(Object.keys(report)).toHaveLength(12); // energy, energies, forces, virial
    console.log('PaiNN cross-backend relative differences', report);
  });
});
