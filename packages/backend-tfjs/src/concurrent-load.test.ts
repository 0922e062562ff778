/**
 * A session runs while another backend is still initialising (tfjs-core's engine refuses ops,
 * or mixes up backends, during an asynchronous backend init): the run waits for the load.
 * Its own file, so that wasm is not initialised yet when the test starts.
 */
import { GraphBuilder } from '@mlff-distiller/graph';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { isBackendInitialized } from './load-backend.js';
import { selectTfjsBackend } from './select-backend.js';
import { TfjsBackend } from './tfjs-backend.js';

it('a run during the wasm initialisation waits for it, then runs on its own backend', async () => {
  const b = new GraphBuilder();
  const x = b.input('x', 'float32', [3]);
  b.output('y', b.sumAll(b.exp(x)));
  const cpu = await new TfjsBackend({ backend: 'cpu' }).compile(b.build());
  expect(isBackendInitialized('wasm')).toBe(false);
  const loading = selectTfjsBackend({ backend: 'wasm' });
  // tf.setBackend('wasm') names the backend at once and initialises it asynchronously.
  while (tf.getBackend() !== 'wasm') await new Promise((resolve) => setImmediate(resolve));
  expect(isBackendInitialized('wasm')).toBe(false);
  const out = await cpu.run({ x: { shape: [3], data: Float32Array.of(0, 1, 2) } });
  expect(out.y.data[0]).toBeCloseTo(1 + Math.E + Math.E ** 2, 5);
  expect((await loading).name).toBe('wasm');
  await cpu.run({ x: { shape: [3], data: Float32Array.of(0, 1, 2) } });
  expect(tf.getBackend()).toBe('cpu');
  await cpu.dispose();
});
