/**
 * The tfjs-node / tfjs-node-gpu loading logic, with fake packages (the real ones cannot be
 * installed on these machines): native load failures, a package that registers with another
 * tfjs-core, a tfjs-core version mismatch, success, and the single 'tensorflow' name.
 */
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type OptionalPackageIo, TfjsBackendLoader } from './load-backend.js';
import { selectTfjsBackend } from './select-backend.js';

/** A fake tfjs-node: `register` decides whether importing it registers 'tensorflow'. */
function fakeIo(
  packages: Record<string, () => Record<string, unknown>>,
  loaded: string[] = [],
): OptionalPackageIo {
  return {
    isInstalled: (name) => name in packages,
    importPackage: async (name) => packages[name](),
    loadedModules: () => loaded,
  };
}

const registerTensorflow =
  (coreVersion = tf.version_core) =>
  () => {
    tf.registerBackend('tensorflow', () => new MathBackendCPU(), 3);
    return { version: { 'tfjs-core': coreVersion, 'tfjs-node': '4.22.0' } };
  };

describe('loading tfjs-node packages', () => {
  beforeAll(async () => {
    await new TfjsBackendLoader(fakeIo({})).load('cpu');
  });
  afterEach(async () => {
    if (tf.getBackend() !== 'cpu') await tf.setBackend('cpu');
    if (tf.findBackendFactory('tensorflow')) tf.removeBackend('tensorflow');
  });

  it('a native library that fails to load is reported with its error', async () => {
    const loader = new TfjsBackendLoader(
      fakeIo({
        '@tensorflow/tfjs-node-gpu': () => {
          throw new Error('libcudart.so.11.0: cannot open shared object file');
        },
      }),
    );
    await expect(selectTfjsBackend({ backend: 'tensorflow-gpu' }, loader)).rejects.toThrow(
      "tfjs backend 'tensorflow-gpu' (@tensorflow/tfjs-node-gpu) failed to load: libcudart.so.11.0: cannot open shared object file",
    );
    // 'auto' moves on to the next backend and keeps the reason.
    const selection = await selectTfjsBackend({}, loader);
    expect(selection.attempts.map((a) => [a.name, a.outcome])).toEqual([
      ['tensorflow-gpu', 'failed'],
      ['tensorflow', 'not-installed'],
      ['wasm', 'loaded'],
    ]);
    expect(selection.attempts[0].reason).toMatch(/libcudart/);
  });

  it('a package that registers with another tfjs-core, or is built on another version, is refused', async () => {
    const silent = new TfjsBackendLoader(fakeIo({ '@tensorflow/tfjs-node': () => ({}) }));
    expect((await silent.load('tensorflow')).reason).toMatch(
      /did not register 'tensorflow' with the @tensorflow\/tfjs-core this package uses \(4\.22\.0\)/,
    );
    const old = new TfjsBackendLoader(
      fakeIo({ '@tensorflow/tfjs-node': registerTensorflow('4.2.0') }),
    );
    const attempt = await old.load('tensorflow');
    expect(attempt.outcome).toBe('failed');
    expect(attempt.reason).toMatch(
      /built on @tensorflow\/tfjs-core 4\.2\.0, this package on 4\.22\.0: install @tensorflow\/tfjs-node@4\.22\.0/,
    );
    expect(tf.getBackend()).toBe('cpu'); // the previous backend is active again
  });

  it("a working tfjs-node is selected first by 'auto'; tfjs-node-gpu cannot join it", async () => {
    const loader = new TfjsBackendLoader(
      fakeIo({
        '@tensorflow/tfjs-node': registerTensorflow(),
        '@tensorflow/tfjs-node-gpu': registerTensorflow(),
      }),
    );
    const loaded = await loader.load('tensorflow');
    expect(loaded).toEqual({
      name: 'tensorflow',
      packageName: '@tensorflow/tfjs-node',
      outcome: 'loaded',
    });
    expect(tf.getBackend()).toBe('tensorflow');
    const selection = await selectTfjsBackend({}, loader);
    expect(selection.name).toBe('tensorflow');
    expect(selection.attempts[0].reason).toMatch(
      /'tensorflow' backend is already provided by @tensorflow\/tfjs-node in this process/,
    );
  });

  it('a tfjs-node the application loaded itself is recognised', async () => {
    registerTensorflow()();
    const loader = new TfjsBackendLoader(
      fakeIo({ '@tensorflow/tfjs-node': registerTensorflow() }, [
        '/app/node_modules/@tensorflow/tfjs-node-gpu/dist/index.js',
      ]),
    );
    expect((await loader.load('tensorflow')).reason).toMatch(
      /already provided by @tensorflow\/tfjs-node-gpu/,
    );
  });
});
