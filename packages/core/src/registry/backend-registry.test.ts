import { describe, expect, it } from 'vitest';
import {
  createBackendRegistry,
  NoBackendAvailableError,
  UnknownBackendError,
} from './backend-registry.js';

describe('BackendRegistry', () => {
  it('initialises lazily, once, sharing the promise between concurrent callers', async () => {
    const registry = createBackendRegistry<{ id: number }>('test');
    let created = 0;
    registry.register('slow', async () => {
      created++;
      await new Promise((r) => setTimeout(r, 10));
      return { id: created };
    });
    expect(created).toBe(0);
    const [a, b] = await Promise.all([registry.resolve(), registry.resolve()]);
    expect(created).toBe(1);
    expect(a.backend).toBe(b.backend);
  });

  it('tries backends by priority, remembers failures and lists every reason', async () => {
    const registry = createBackendRegistry<string>('execution');
    let gpuTries = 0;
    registry.register('cpu', () => 'cpu', 1);
    registry.register(
      'gpu',
      () => {
        gpuTries++;
        throw new Error('CUDA execution provider is not installed');
      },
      10,
    );
    expect(registry.names()).toEqual(['gpu', 'cpu']);
    expect((await registry.resolve()).name).toBe('cpu');
    expect((await registry.resolve()).name).toBe('cpu');
    expect(gpuTries).toBe(1);
    const err = await registry.resolve(['gpu']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoBackendAvailableError);
    expect((err as Error).message).toContain('gpu: CUDA execution provider is not installed');
    await expect(registry.resolve(['tpu'])).rejects.toThrow(UnknownBackendError);
    await expect(registry.resolve(['tpu'])).rejects.toThrow(/available: gpu, cpu/);
  });

  it('lists all failures when nothing works', async () => {
    const registry = createBackendRegistry<string>('execution');
    registry.register('a', () => Promise.reject(new Error('no library')));
    registry.register('b', () => {
      throw new Error('no device');
    });
    await expect(registry.resolve()).rejects.toThrow(/a: no library\n\s+- b: no device/);
  });
});
