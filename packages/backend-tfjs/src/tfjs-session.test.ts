/**
 * Compiling and running sessions: symbolic dims bound per run through one compiled session,
 * parameter modes, output selection, and the errors compile and run give.
 */
import { evaluate, type Graph, GraphBuilder, type Tensor } from '@mlff-distiller/graph';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  backendFor,
  backendName,
  expectMatches,
  FLOAT32_TOLERANCE,
  hostFeeds,
  randomTensor,
  rng,
  TEST_BACKENDS,
} from './__fixtures__/oracle.js';
import { TfjsCompileError } from './compile-error.js';
import { TfjsBackend } from './tfjs-backend.js';

/** A small pair energy with params: E = Σ_pairs w0 · exp(−|x_j − x_i|² · w1), per-atom sums. */
function pairGraph(): Graph {
  const b = new GraphBuilder();
  const pos = b.input('positions', 'float64', ['atoms', 3]);
  const i = b.input('i', 'int32', ['pairs']);
  const j = b.input('j', 'int32', ['pairs']);
  const w = b.param('w', [2]);
  const d = b.sub(b.gather(pos, j), b.gather(pos, i));
  const r2 = b.reduceSum(b.square(d), [1]);
  const e = b.mul(b.slice(w, 0, 0, 1), b.exp(b.neg(b.mul(r2, b.slice(w, 0, 1, 2)))));
  const perAtom = b.segmentSum(e, i, 'atoms');
  b.output('perAtom', perAtom);
  b.output('E', b.sumAll(perAtom));
  b.output('meanR2', b.reduceMean(r2, [0]));
  return b.build();
}

function pairFeeds(seed: number, atoms: number): Record<string, Tensor> {
  const r = rng(seed);
  const I: number[] = [];
  const J: number[] = [];
  for (let a = 0; a < atoms; a++) {
    for (let c = 0; c < atoms; c++) {
      if (a !== c && r() < 0.7) {
        I.push(a);
        J.push(c);
      }
    }
  }
  return {
    positions: randomTensor(r, [atoms, 3], -2, 2),
    i: { shape: [I.length], data: Float64Array.from(I) },
    j: { shape: [J.length], data: Float64Array.from(J) },
    w: { shape: [2], data: Float64Array.from([0.8, 0.6]) },
  };
}

describe.each(TEST_BACKENDS)('sessions on tfjs %s', (backend) => {
  it('one compiled session runs systems of different sizes (symbolic dims rebound per run)', async () => {
    const graph = pairGraph();
    const w = Float64Array.from([0.8, 0.6]);
    const session = await backendFor(backend).compile(graph, { parameters: { w } });
    expect(session.backend).toBe(`tfjs/${backendName(backend)}`);
    expect(session.inputNames).toEqual(['positions', 'i', 'j']);
    expect(session.outputNames).toEqual(['perAtom', 'E', 'meanR2']);
    for (const [seed, atoms] of [
      [1, 4],
      [2, 9],
      [3, 2],
      [4, 9],
    ]) {
      const feeds = pairFeeds(seed, atoms);
      const got = await session.run(hostFeeds(graph, feeds));
      const ref = evaluate(graph, feeds);
      for (const name of session.outputNames) {
        expectMatches(
          got[name],
          ref[name],
          'float64',
          FLOAT32_TOLERANCE,
          `${atoms} atoms: ${name}`,
        );
      }
    }
    await session.dispose();
  });

  it("parameters in 'input' mode are fed per run; 'outputs' selects what is computed", async () => {
    const graph = pairGraph();
    const session = await backendFor(backend).compile(graph, {
      parameterMode: 'input',
      outputs: ['E'],
    });
    expect(session.inputNames).toEqual(['positions', 'i', 'j', 'w']);
    expect(session.outputNames).toEqual(['E']);
    const feeds = pairFeeds(5, 5);
    for (const w of [
      [0.8, 0.6],
      [-1.5, 0.2],
    ]) {
      const all = { ...feeds, w: { shape: [2], data: Float64Array.from(w) } };
      const got = await session.run(hostFeeds(graph, all));
      expect(Object.keys(got)).toEqual(['E']);
      expectMatches(got.E, evaluate(graph, all).E, 'float64', FLOAT32_TOLERANCE, 'E');
    }
    await session.dispose();
  });

  it('what depends on constants and constant-mode parameters only is computed once, at compile', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float64', ['atoms', 3]);
    const w = b.param('w', [4, 3]);
    const c = b.constant([0.5, -1, 2, 0.25], [4]);
    // transpose(w) and exp(c) fold; w and c themselves are then no longer needed.
    b.output('y', b.add(b.matmul(x, b.transpose(w, [1, 0])), b.exp(c)));
    b.output('n', b.mul(b.dimSize(x, 0), b.sumAll(c)));
    const graph = b.build();
    const r = rng(12);
    const feeds = { x: randomTensor(r, [5, 3]), w: randomTensor(r, [4, 3]) };
    const before = tf.memory().numTensors;
    const session = await backendFor(backend).compile(graph, { parameters: { w: feeds.w.data } });
    // Owned: transpose(w), exp(c), and c (the per-run sumAll still reads it).
    expect(tf.memory().numTensors - before).toBe(3);
    const got = await session.run(hostFeeds(graph, feeds));
    const ref = evaluate(graph, feeds);
    expectMatches(got.y, ref.y, 'float64', FLOAT32_TOLERANCE, 'y');
    expectMatches(got.n, ref.n, 'float64', FLOAT32_TOLERANCE, 'n');
    await session.dispose();
    expect(tf.memory().numTensors).toBe(before);
    // In 'input' mode only the constant part folds: exp(c) and c.
    const training = await backendFor(backend).compile(graph, { parameterMode: 'input' });
    expect(tf.memory().numTensors - before).toBe(2);
    expectMatches(
      (await training.run(hostFeeds(graph, feeds))).y,
      ref.y,
      'float64',
      FLOAT32_TOLERANCE,
      'y',
    );
    await training.dispose();
  });

  it('feeds the outputs do not need may be omitted', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float64', [2]);
    const unused = b.input('unused', 'float64', [3]);
    b.output('y', b.exp(x));
    b.output('z', b.exp(unused));
    const session = await backendFor(backend).compile(b.build(), { outputs: ['y'] });
    expect(session.inputNames).toEqual(['x']);
    const out = await session.run({ x: { shape: [2], data: Float64Array.from([0, 1]) } });
    expect(Array.from(out.y.data)).toEqual([1, Math.fround(Math.E)]);
    await session.dispose();
  });

  it('run errors: missing feed, rank, numeric dim, symbolic dim bound twice, data length', async () => {
    const graph = pairGraph();
    const session = await backendFor(backend).compile(graph, {
      parameters: { w: Float64Array.of(1, 1) },
    });
    const good = hostFeeds(graph, pairFeeds(6, 4));
    const pos = (shape: number[]) => ({
      shape,
      data: new Float64Array(shape.reduce((p, d) => p * d, 1)),
    });
    await expect(session.run({ positions: good.positions, i: good.i })).rejects.toThrow(
      /missing feed\(s\) 'j'/,
    );
    await expect(session.run({ ...good, positions: pos([4, 3, 1]) })).rejects.toThrow(
      /input 'positions': rank 3 \[4,3,1\], expected 2 \[atoms,3\]/,
    );
    await expect(session.run({ ...good, positions: pos([4, 2]) })).rejects.toThrow(
      /input 'positions': dim 1 is 2, expected 3/,
    );
    await expect(
      session.run({ ...good, j: { shape: [1], data: new Int32Array(1) } }),
    ).rejects.toThrow(/input 'j': dim 0 \('pairs'\) is 1, but 'pairs' is bound to \d+/);
    await expect(
      session.run({ ...good, positions: { shape: [4, 3], data: new Float64Array(11) } }),
    ).rejects.toThrow(/data has 11 values, shape \[4,3\] needs 12/);
    await session.dispose();
    await expect(session.run(good)).rejects.toThrow(/disposed/);
  });

  it('kernel errors name the node: gather index out of range', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float64', ['atoms']);
    const i = b.input('i', 'int32', ['pairs']);
    b.output('y', b.gather(x, i));
    const session = await backendFor(backend).compile(b.build());
    await expect(
      session.run({
        x: { shape: [3], data: new Float64Array(3) },
        i: { shape: [1], data: Int32Array.of(3) },
      }),
    ).rejects.toThrow(
      /gather #2: (index 3 out of range \[0, 3\)|.*index value 3 is not in \[0, 2\])/,
    );
    await session.dispose();
  });

  it('scatterAdd index out of range is an error (and, on wasm, does not corrupt later runs)', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float64', ['pairs', 2]);
    const i = b.input('i', 'int32', ['pairs']);
    const a = b.input('a', 'float64', ['atoms']);
    b.output('y', b.scatterAdd(x, i, 0, 'atoms'));
    b.output('n', b.dimSize(a, 0));
    const graph = b.build();
    const session = await backendFor(backend).compile(graph);
    const r = rng(9);
    const feeds = (idx: number[]) =>
      hostFeeds(graph, {
        x: randomTensor(r, [idx.length, 2]),
        i: { shape: [idx.length], data: Float64Array.from(idx) },
        a: randomTensor(r, [3]),
      });
    await expect(session.run(feeds([0, 3000000]))).rejects.toThrow(/scatterAdd #3/);
    await expect(session.run(feeds([-1]))).rejects.toThrow(/scatterAdd #3/);
    const ok = feeds([2, 0, 2]);
    const got = await session.run(ok);
    const ref = evaluate(graph, {
      x: { shape: [3, 2], data: Float64Array.from(ok.x.data) },
      i: { shape: [3], data: Float64Array.from(ok.i.data) },
      a: { shape: [3], data: Float64Array.from(ok.a.data) },
    });
    expectMatches(got.y, ref.y, 'float64', FLOAT32_TOLERANCE, 'y');
    await session.dispose();
  });

  it('compile errors: unsupported op, unknown output, missing or mis-sized parameter', async () => {
    const tb = backendFor(backend);
    const b = new GraphBuilder();
    const x = b.input('x', 'float64', ['atoms', 3]);
    const w = b.param('w', [3, 2]);
    b.output('y', b.matmul(x, w));
    const graph = b.build();
    const fft: Graph = {
      nodes: [
        ...graph.nodes,
        { id: 3, op: 'fft', inputs: [0], attrs: {}, dtype: 'float64', shape: ['atoms', 3] },
      ],
      outputs: { ...graph.outputs, f: 3 },
    };
    await expect(tb.compile(fft, { parameters: { w: new Float64Array(6) } })).rejects.toThrow(
      /cannot compile 'fft' #3 \(operands \[atoms,3\]; output \[atoms,3\] float64\): unsupported op/,
    );
    await expect(
      tb.compile(fft, { parameters: { w: new Float64Array(6) } }),
    ).rejects.toBeInstanceOf(TfjsCompileError);
    await expect(tb.compile(graph, { outputs: ['nope'] })).rejects.toThrow(
      /no output named 'nope'/,
    );
    await expect(tb.compile(graph)).rejects.toThrow(
      /'param' #1 .*parameter 'w' has no value in options.parameters/,
    );
    await expect(tb.compile(graph, { parameters: { w: new Float64Array(5) } })).rejects.toThrow(
      /'param' #1 .*has 5 values, its shape needs 6/,
    );
  });

  it('compile error: a symbolic dim no input binds', async () => {
    const b = new GraphBuilder();
    const e = b.input('e', 'float64', ['atoms']);
    const s = b.input('s', 'int32', ['atoms']);
    b.output('perStructure', b.segmentSum(e, s, 'structures'));
    await expect(backendFor(backend).compile(b.build())).rejects.toThrow(
      /'scatterAdd' #2 .*symbolic dim 'structures' is not a dim of any input/,
    );
  });
});

describe('float64 policy', () => {
  it("'reject' refuses float64 graphs; float32 graphs still compile", async () => {
    const strict = new TfjsBackend({ backend: 'cpu', float64: 'reject' });
    const b = new GraphBuilder();
    const x = b.input('x', 'float64', [2]);
    b.output('y', b.exp(x));
    await expect(strict.compile(b.build())).rejects.toThrow(
      /'input' #0 .*float64 is not supported by tfjs/,
    );
    const b32 = new GraphBuilder();
    const x32 = b32.input('x', 'float32', [2]);
    b32.output('y', b32.exp(x32));
    const session = await strict.compile(b32.build());
    const out = await session.run({ x: { shape: [2], data: Float32Array.of(0, 1) } });
    expect(out.y.data).toBeInstanceOf(Float32Array);
    await session.dispose();
  });

  it('by default float64 is computed in float32 and returned as Float64Array', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float64', [1]);
    b.output('y', b.add(x, { scalar: 1e-9 }));
    const session = await backendFor('cpu').compile(b.build());
    const out = await session.run({ x: { shape: [1], data: Float64Array.of(1) } });
    expect(out.y.data).toBeInstanceOf(Float64Array);
    expect(out.y.data[0]).toBe(1); // 1 + 1e-9 rounds to 1 in float32
    await session.dispose();
  });
});
