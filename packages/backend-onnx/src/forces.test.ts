/**
 * Force graphs (F = −∂E/∂positions from `grad`) compiled to ONNX: a Lennard-Jones energy
 * over a full pair list (gather / scatterAdd backward) and over a padded neighbour matrix
 * (neighborGather / neighborSum backward), against `evaluate`; and the bare-onnxruntime
 * contract: the model file runs with nothing but `onnxruntime-node`.
 * Tolerances as in ops.test.ts (float64 1e-12, float32 1e-5 relative to max |value|).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Graph,
  GraphBuilder,
  grad,
  type HostTensor,
  type NodeId,
} from '@mlff-distiller/graph';
import { allPairs, jitteredCluster, randomNeighborMatrix } from '@mlff-distiller/graph/testing';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectClose, oracle, rng, scaleOf } from './__fixtures__/random.js';
import { compileToOnnx } from './compile-to-onnx.js';
import { OnnxBackend } from './onnx-backend.js';
import { readOnnxMetadata } from './read-onnx-metadata.js';
import { writeOnnxModel } from './write-onnx-model.js';

type FloatType = 'float32' | 'float64';
const TOL: Record<FloatType, number> = { float32: 1e-5, float64: 1e-12 };
const SIGMA2 = 1.1 ** 2;
const EPS4 = 4 * 0.7;

/** E = ½ Σ_pairs 4ε[(σ²/r²)⁶ − (σ²/r²)³] over a full pair list; F = −∂E/∂positions. */
function pairListForces(dt: FloatType): Graph {
  const b = new GraphBuilder();
  const pos = b.input('positions', dt, ['atoms', 3]);
  const i = b.input('i', 'int32', ['pairs']);
  const j = b.input('j', 'int32', ['pairs']);
  const d = b.sub(b.gather(pos, j), b.gather(pos, i));
  const r2 = b.reduceSum(b.square(d), [1]);
  const s6 = b.pow(b.div({ scalar: SIGMA2 }, r2), { scalar: 3 });
  const e = b.mul({ scalar: 0.5 * EPS4 }, b.sub(b.square(s6), s6));
  b.output('energy', b.sumAll(e));
  return forcesOf(b.build(), pos);
}

/**
 * The same energy over a padded neighbour matrix [atoms, neighbors] with a mask: the
 * DESIGN.md layout, differentiated through neighborGather (backward: neighborSum).
 */
function neighborForces(dt: FloatType): Graph {
  const b = new GraphBuilder();
  const pos = b.input('positions', dt, ['atoms', 3]);
  const nbr = b.input('nbr', 'int32', ['atoms', 'neighbors']);
  const rev = b.input('rev', 'int32', ['atoms', 'neighbors']);
  const mask = b.input('mask', 'bool', ['atoms', 'neighbors']);
  const d = b.sub(b.neighborGather(pos, nbr, rev), b.reshape(pos, ['atoms', 1, 3]));
  const r2 = b.reduceSum(b.square(d), [2]);
  const safe = b.where(mask, r2, { scalar: 1 });
  const s6 = b.pow(b.div({ scalar: SIGMA2 }, safe), { scalar: 3 });
  const pair = b.where(mask, b.sub(b.square(s6), s6), { scalar: 0 });
  b.output('energy', b.mul(b.sumAll(pair), { scalar: 0.5 * EPS4 }));
  return forcesOf(b.build(), pos);
}

function forcesOf(energy: Graph, pos: NodeId): Graph {
  const g = grad(energy, 'energy', [pos], { names: ['dE'] });
  const b = GraphBuilder.from(g);
  b.output('forces', b.neg(g.outputs.dE));
  const out = b.build();
  const { dE: _, ...outputs } = out.outputs;
  return { nodes: out.nodes, outputs };
}

/** Jittered cubic lattice (spacing 1.2 Å) so every distance stays ≳ 0.9 Å. */
function positions(n: number, seed: number, dt: FloatType): HostTensor {
  const p = jitteredCluster(n, seed);
  return { shape: p.shape, data: dt === 'float32' ? Float32Array.from(p.data) : p.data };
}

function pairFeeds(n: number, seed: number, dt: FloatType): Record<string, HostTensor> {
  const { i: I, j: J } = allPairs(n);
  return {
    positions: positions(n, seed, dt),
    i: { shape: [I.length], data: Int32Array.from(I) },
    j: { shape: [J.length], data: Int32Array.from(J) },
  };
}

function neighborFeeds(n: number, k: number, seed: number, dt: FloatType) {
  const m = randomNeighborMatrix(rng(seed + 1), n, k, n * 2, { selfPairs: false });
  const nbr = Int32Array.from(m.neighbors.data);
  const rev = Int32Array.from(m.reverse.data);
  const mask = Uint8Array.from(rev, (q, slot) => (q === slot ? 0 : 1)); // padding is its own reverse
  return {
    positions: positions(n, seed, dt),
    nbr: { shape: [n, k], data: nbr },
    rev: { shape: [n, k], data: rev },
    mask: { shape: [n, k], data: mask },
  };
}

describe('force graphs on onnxruntime-node', () => {
  const backend = new OnnxBackend();

  for (const dt of ['float32', 'float64'] as const) {
    it(`Lennard-Jones over a pair list (${dt}), two system sizes on one session`, async () => {
      const graph = pairListForces(dt);
      const session = await backend.compile(graph);
      for (const [n, seed] of [
        [6, 3],
        [9, 4],
      ]) {
        const feeds = pairFeeds(n, seed, dt);
        const got = await session.run(feeds);
        const want = oracle(graph, feeds);
        expect(got.forces.shape).toEqual([n, 3]);
        expectClose(got.forces.data, want.forces.data, TOL[dt], 'forces');
        expectClose(got.energy.data, want.energy.data, TOL[dt], 'energy');
      }
      await session.dispose();
    });

    it(`Lennard-Jones over a padded neighbour matrix (${dt}): no scatter in the model`, async () => {
      const graph = neighborForces(dt);
      const ops = readOnnxMetadata(compileToOnnx(graph)).opTypes;
      expect(ops).not.toContain('ScatterND');
      expect(ops).not.toContain('ScatterElements');
      const session = await backend.compile(graph);
      for (const [n, k, seed] of [
        [7, 5, 1],
        [10, 6, 2],
      ]) {
        const feeds = neighborFeeds(n, k, seed, dt);
        const got = await session.run(feeds);
        const want = oracle(graph, feeds);
        expectClose(got.forces.data, want.forces.data, TOL[dt], 'forces');
        expectClose(got.energy.data, want.energy.data, TOL[dt], 'energy');
        // Newton's third law: the forces sum to zero.
        for (let c = 0; c < 3; c++) {
          let s = 0;
          for (let a = 0; a < n; a++) s += got.forces.data[a * 3 + c];
          expect(Math.abs(s)).toBeLessThanOrEqual(n * TOL[dt] * scaleOf(want.forces.data));
        }
      }
      await session.dispose();
    });
  }
});

describe('bare onnxruntime contract', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'backend-onnx-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a force model file runs with plain ort.InferenceSession and ort.Tensor', async () => {
    const graph = pairListForces('float32');
    const path = join(dir, 'lj-forces.onnx');
    await writeOnnxModel(path, compileToOnnx(graph, { metadata: { units: 'eV, Å' } }));

    // Only onnxruntime-node from here on.
    const session = await ort.InferenceSession.create(path);
    expect([...session.inputNames].sort()).toEqual(['i', 'j', 'positions']);
    expect([...session.outputNames].sort()).toEqual(['energy', 'forces']);
    const feeds = pairFeeds(6, 3, 'float32');
    const result = await session.run({
      positions: new ort.Tensor('float32', feeds.positions.data as Float32Array, [6, 3]),
      i: new ort.Tensor('int32', feeds.i.data as Int32Array, [30]),
      j: new ort.Tensor('int32', feeds.j.data as Int32Array, [30]),
    });
    await session.release();

    const want = oracle(graph, feeds);
    expect(result.forces.dims).toEqual([6, 3]);
    expectClose(result.forces.data as Float32Array, want.forces.data, TOL.float32, 'forces');
    expectClose(result.energy.data as Float32Array, want.energy.data, TOL.float32, 'energy');
  });
});
