/**
 * Backend selection on this machine: tfjs-node and tfjs-node-gpu cannot be installed here
 * (their install scripts download libtensorflow), so 'auto' picks wasm, and asking for either
 * tfjs-node gives the clear not-installed error. Runs in its own worker (vitest isolates test
 * files), so it sees a fresh process state.
 */

import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphBuilder } from '@mlff-distiller/graph';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { TfjsBackendUnavailableError } from './backend-unavailable-error.js';
import { selectTfjsBackend } from './select-backend.js';
import { TfjsBackend } from './tfjs-backend.js';
import { defaultWasmDirectory, missingWasmBinaries } from './wasm-paths.js';

const installed = (pkg: string) => {
  try {
    createRequire(import.meta.url).resolve(pkg);
    return true;
  } catch {
    return false;
  }
};
const noTfjsNode = !installed('@tensorflow/tfjs-node') && !installed('@tensorflow/tfjs-node-gpu');

describe('tfjs backend selection', () => {
  it.runIf(noTfjsNode)("'auto' tries tensorflow-gpu, tensorflow, then picks wasm", async () => {
    const selection = await selectTfjsBackend();
    expect(selection.name).toBe('wasm');
    expect(selection.requested).toBe('auto');
    expect(selection.attempts.map((a) => [a.name, a.outcome])).toEqual([
      ['tensorflow-gpu', 'not-installed'],
      ['tensorflow', 'not-installed'],
      ['wasm', 'loaded'],
    ]);
    expect(tf.getBackend()).toBe('wasm');
    const backend = new TfjsBackend();
    expect((await backend.ready()).name).toBe('wasm');
  });

  it.runIf(noTfjsNode)(
    "asking for 'tensorflow' or 'tensorflow-gpu' gives a not-installed error",
    async () => {
      const error = await selectTfjsBackend({ backend: 'tensorflow' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TfjsBackendUnavailableError);
      expect((error as Error).message).toMatch(
        /^tfjs backend 'tensorflow' \(@tensorflow\/tfjs-node\) is not installed: npm i @tensorflow\/tfjs-node@4\.22\.0/,
      );
      expect((error as TfjsBackendUnavailableError).attempts).toHaveLength(1);
      await expect(selectTfjsBackend({ backend: 'tensorflow-gpu' })).rejects.toThrow(
        /tfjs backend 'tensorflow-gpu' \(@tensorflow\/tfjs-node-gpu\) is not installed: npm i @tensorflow\/tfjs-node-gpu/,
      );
      // The same error from a backend's compile; nothing changed in tfjs-core's engine.
      const before = tf.getBackend();
      const b = new GraphBuilder();
      b.output('y', b.input('x', 'float32', [1]));
      await expect(new TfjsBackend({ backend: 'tensorflow' }).compile(b.build())).rejects.toThrow(
        /'tensorflow' \(@tensorflow\/tfjs-node\) is not installed/,
      );
      expect(tf.getBackend()).toBe(before);
    },
  );

  it('unknown names are a TypeError listing the valid ones', async () => {
    await expect(selectTfjsBackend({ backend: 'webgl' as never })).rejects.toThrow(
      /unknown tfjs backend 'webgl': expected 'auto' or one of 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'/,
    );
  });

  it('sessions on cpu and wasm interleave: each run re-activates its own backend', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', ['n']);
    b.output('y', b.sumAll(b.exp(x)));
    const graph = b.build();
    const cpu = await new TfjsBackend({ backend: 'cpu' }).compile(graph);
    const wasm = await new TfjsBackend({ backend: 'wasm' }).compile(graph);
    expect([cpu.backend, wasm.backend]).toEqual(['tfjs/cpu', 'tfjs/wasm']);
    expect(cpu.selection.attempts.map((a) => a.name)).toEqual(['cpu']);
    const feeds = { x: { shape: [3], data: Float32Array.of(0, 1, 2) } };
    const expected = 1 + Math.E + Math.E ** 2;
    // Record the active backend whenever a kernel runs (tfjs calls its `kernelFunc`).
    const seen: string[] = [];
    const kernels = [tf.getKernel('Exp', 'cpu'), tf.getKernel('Exp', 'wasm')];
    const original = kernels.map((k) => k.kernelFunc);
    kernels.forEach((k, i) => {
      (k as { kernelFunc: tf.KernelFunc }).kernelFunc = (args) => {
        seen.push(`${k.backendName}@${tf.getBackend()}`);
        return original[i](args);
      };
    });
    try {
      const results = await Promise.all([cpu.run(feeds), wasm.run(feeds), cpu.run(feeds)]);
      for (const r of results) expect(r.y.data[0]).toBeCloseTo(expected, 5);
      expect(seen).toEqual(['cpu@cpu', 'wasm@wasm', 'cpu@cpu']);
    } finally {
      kernels.forEach((k, i) => {
        (k as { kernelFunc: tf.KernelFunc }).kernelFunc = original[i];
      });
    }
    await cpu.dispose();
    await wasm.dispose();
  });

  it('the wasm binaries are found in the package dist directory; a wrong path is named', () => {
    const dir = defaultWasmDirectory();
    expect(dir).toMatch(/tfjs-backend-wasm[\\/]dist[\\/]$/);
    expect(missingWasmBinaries(dir)).toBeUndefined();
    const empty = mkdtempSync(join(tmpdir(), 'no-wasm-'));
    expect(missingWasmBinaries(empty)).toMatch(/tfjs-backend-wasm\.wasm.* not found in .*no-wasm-/);
    expect(missingWasmBinaries('https://example.org/wasm/')).toBeUndefined();
  });
});
