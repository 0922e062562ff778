import { type Graph, GraphBuilder, type HostTensor } from '@mlff-distiller/graph';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectClose, oracle } from './__fixtures__/random.js';
import { FeedError } from './check-feeds.js';
import { CudaUnavailableError } from './create-ort-session.js';
import { OnnxBackend } from './onnx-backend.js';
import type { OnnxSession } from './onnx-session.js';

/** d = x_j − x_i over a neighbour matrix, flattened to [atoms·neighbors, 3]. */
function graph(): Graph {
  const b = new GraphBuilder();
  const x = b.input('x', 'float32', ['atoms', 3]);
  const nbr = b.input('nbr', 'int32', ['atoms', 'neighbors']);
  const rev = b.input('rev', 'int32', ['atoms', 'neighbors']);
  const flat = b.input('flat', 'float32', ['atoms*neighbors']);
  const d = b.sub(b.neighborGather(x, nbr, rev), b.reshape(x, ['atoms', 1, 3]));
  b.output('d', b.reshape(d, ['atoms*neighbors', 3]));
  b.output('s', b.sumAll(flat));
  return b.build();
}

function feeds(atoms: number, k: number): Record<string, HostTensor> {
  const nbr = Int32Array.from({ length: atoms * k }, (_, i) => (i * 7 + 3) % atoms);
  return {
    x: { shape: [atoms, 3], data: Float32Array.from({ length: atoms * 3 }, (_, i) => i * 0.5) },
    nbr: { shape: [atoms, k], data: nbr },
    rev: { shape: [atoms, k], data: Int32Array.from({ length: atoms * k }, (_, i) => i) },
    flat: { shape: [atoms * k], data: new Float32Array(atoms * k).fill(1) },
  };
}

describe('OnnxBackend sessions', () => {
  const backend = new OnnxBackend({ intraOpNumThreads: 1 });
  let session: OnnxSession;
  beforeAll(async () => {
    session = await backend.compile(graph());
  });
  afterAll(async () => {
    await session.dispose();
  });

  it('describes itself', () => {
    expect(backend.name).toBe('onnx');
    expect(session.backend).toBe('onnxruntime-node/cpu');
    expect(session.inputNames).toEqual(['x', 'nbr', 'rev', 'flat']);
    expect(session.outputNames).toEqual(['d', 's']);
  });

  it('one session runs different symbolic sizes', async () => {
    for (const [atoms, k] of [
      [3, 2],
      [8, 5],
      [1, 1],
    ]) {
      const f = feeds(atoms, k);
      const out = await session.run(f);
      expect(out.d.shape).toEqual([atoms * k, 3]);
      expectClose(out.d.data, oracle(graph(), f).d.data, 1e-6);
      expect(out.s.data[0]).toBe(atoms * k);
    }
  });

  it('runs into caller-owned output buffers (preallocated fetches)', async () => {
    const f = feeds(4, 3);
    const d: HostTensor = { shape: [12, 3], data: new Float32Array(36).fill(Number.NaN) };
    const out = await session.runInto(f, { d });
    expect(out.d).toBe(d);
    expectClose(d.data, oracle(graph(), f).d.data, 1e-6);
    expect(out.s.data[0]).toBe(12);
    // Reused on the next run with new values.
    f.x = { shape: [4, 3], data: new Float32Array(12) };
    await session.runInto(f, { d });
    expect(Array.from(d.data).every((v) => v === 0)).toBe(true);
  });

  it('checks output buffers before running', async () => {
    const f = feeds(4, 3);
    await expect(
      session.runInto(f, { d: { shape: [4, 3], data: new Float32Array(12) } }),
    ).rejects.toThrow(/output buffer 'd': shape \[4,3\], expected \[12,3\]/);
    await expect(
      session.runInto(f, { d: { shape: [12, 3], data: new Float64Array(36) } }),
    ).rejects.toThrow(
      /output buffer 'd': expected float32 data \(Float32Array\), got Float64Array/,
    );
    await expect(
      session.runInto(f, { e: { shape: [1], data: new Float32Array(1) } }),
    ).rejects.toThrow(/no output named 'e'/);
  });

  it.each([
    [
      'a missing feed',
      { x: undefined },
      /input 'x': missing feed; not fed: 'x' \(float32 \[atoms,3\]\)/,
    ],
    [
      'the wrong dtype',
      { x: { shape: [4, 3], data: new Float64Array(12) } },
      /input 'x': expected float32 data \(Float32Array\), got Float64Array/,
    ],
    [
      'the wrong rank',
      { x: { shape: [12], data: new Float32Array(12) } },
      /input 'x': rank 1 \(\[12\]\), expected rank 2 \(\[atoms,3\]\)/,
    ],
    [
      'a wrong numeric dim',
      { x: { shape: [3, 4], data: new Float32Array(12) } },
      /input 'x': dim 1 is 4, expected 3/,
    ],
    [
      'an inconsistent symbolic dim',
      { nbr: { shape: [5, 3], data: new Int32Array(15) } },
      /input 'nbr': dim 0 \('atoms'\) is 5, but input 'x' has atoms = 4/,
    ],
    [
      'a wrong product dim',
      { flat: { shape: [11], data: new Float32Array(11) } },
      /input 'flat': dim 0 \('atoms\*neighbors'\) is 11, expected 12/,
    ],
    [
      'a data length that does not match the shape',
      { x: { shape: [4, 3], data: new Float32Array(10) } },
      /input 'x': shape \[4,3\] needs 12 values, got 10/,
    ],
  ])('rejects %s with a message naming the input', async (_, change, message) => {
    const f = { ...feeds(4, 3), ...change } as Record<string, HostTensor>;
    for (const [k, v] of Object.entries(f)) if (v === undefined) delete f[k];
    const run = session.run(f);
    await expect(run).rejects.toThrow(FeedError);
    await expect(session.run(f)).rejects.toThrow(message);
  });

  it('ignores feeds the model does not take', async () => {
    const out = await session.run({
      ...feeds(2, 2),
      extra: { shape: [1], data: new Float32Array(1) },
    });
    expect(out.s.data[0]).toBe(4);
  });

  it('runOrt takes onnxruntime tensors directly', async () => {
    const f = feeds(2, 2);
    const t = (h: HostTensor, type: 'float32' | 'int32') =>
      new ort.Tensor(type, h.data as Float32Array & Int32Array, [...h.shape]);
    const out = await session.runOrt({
      x: t(f.x, 'float32'),
      nbr: t(f.nbr, 'int32'),
      rev: t(f.rev, 'int32'),
      flat: t(f.flat, 'float32'),
    });
    expect(out.s.data[0]).toBe(4);
  });

  it('a disposed session refuses to run', async () => {
    const s = await backend.compile(graph());
    await s.dispose();
    await expect(s.run(feeds(2, 2))).rejects.toThrow(/after dispose/);
    await s.dispose();
  });
});

describe('OnnxBackend options', () => {
  it("executionProvider 'cuda' without a usable CUDA provider throws a clear error", async () => {
    // onnxruntime also logs the failed provider load to stderr; that is expected here.
    const error = await new OnnxBackend({ executionProvider: 'cuda' }).compile(graph()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CudaUnavailableError);
    const message = (error as Error).message;
    expect(message).toMatch(
      /^CUDA execution provider requested but not available \(.+\): install onnxruntime-node with `--onnxruntime-node-install=cuda12` \(npm\) on a machine with an NVIDIA GPU and CUDA 12, or use executionProvider 'cpu'$/s,
    );
    // This machine has no CUDA provider library: the reason says so.
    expect((error as CudaUnavailableError).reason).toMatch(
      /libonnxruntime_providers_cuda\.so is not installed|no CUDA execution provider/,
    );
  });

  it('float64 graphs default to optimisation level basic; forcing all explains the failure', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float64', ['n']);
    b.output('y', b.silu(x));
    const g = b.build();
    const session = await new OnnxBackend().compile(g);
    const out = await session.run({ x: { shape: [2], data: Float64Array.from([-1, 2]) } });
    expectClose(out.y.data, [-1 / (1 + Math.E), 2 / (1 + Math.exp(-2))], 1e-15);
    await session.dispose();
    // onnxruntime fuses x·sigmoid(x) into QuickGelu, which has no double kernel.
    await expect(new OnnxBackend({ graphOptimizationLevel: 'all' }).compile(g)).rejects.toThrow(
      /graphOptimizationLevel 'all'.*use graphOptimizationLevel 'basic' for float64 graphs/s,
    );
  });
});
