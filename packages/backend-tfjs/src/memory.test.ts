/**
 * No tensor outlives a run: tf.memory().numTensors is the same before and after runs (also
 * failed ones), and dispose() releases the session's own constants and parameters.
 */
import { GraphBuilder, grad } from '@mlff-distiller/graph';
import { randomNeighborMatrix } from '@mlff-distiller/graph/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { backendFor, hostFeeds, randomTensor, rng, TEST_BACKENDS } from './__fixtures__/oracle.js';

describe.each(TEST_BACKENDS)('memory on tfjs %s', (backend) => {
  it('runs leave no tensors behind; dispose releases constants and parameters', async () => {
    const b = new GraphBuilder();
    const pos = b.input('positions', 'float64', ['atoms', 3]);
    const nbr = b.input('nbr', 'int32', ['atoms', 'neighbors']);
    const rev = b.input('rev', 'int32', ['atoms', 'neighbors']);
    const w = b.param('w', [3, 4]);
    const h = b.tanh(b.matmul(b.neighborGather(pos, nbr, rev), w));
    const e = b.sumAll(b.mul(h, b.constant([0.5, -1, 2, 0.25], [4])));
    b.output('E', e);
    b.output('pos', pos); // an output that is a feed
    b.output('w', w); // an output that is a session-owned parameter
    const g = grad(b.build(), 'E', [pos], { names: ['dE'] });
    const r = rng(3);
    const tb = backendFor(backend);
    await tb.ready();
    const before = tf.memory().numTensors;
    const session = await tb.compile(g, { parameters: { w: randomTensor(r, [3, 4]).data } });
    const owned = tf.memory().numTensors - before;
    expect(owned).toBeGreaterThan(0);
    for (const [n, k] of [
      [5, 3],
      [9, 4],
      [5, 3],
    ]) {
      const m = randomNeighborMatrix(r, n, k, n);
      const feeds = hostFeeds(g, {
        positions: randomTensor(r, [n, 3]),
        nbr: m.neighbors,
        rev: m.reverse,
      });
      const out = await session.run(feeds);
      expect(out.dE.shape).toEqual([n, 3]);
      expect(tf.memory().numTensors - before).toBe(owned);
    }
    // A run that fails in a kernel (gather index out of range) leaks nothing either.
    const bad = hostFeeds(g, {
      positions: randomTensor(r, [2, 3]),
      nbr: { shape: [2, 1], data: Float64Array.of(0, 7) },
      rev: { shape: [2, 1], data: Float64Array.of(0, 1) },
    });
    await expect(session.run(bad)).rejects.toThrow(/neighborGather/);
    expect(tf.memory().numTensors - before).toBe(owned);
    await session.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('intermediates are disposed after their last use (peak memory of a 200-op chain)', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [1000]);
    let y = x;
    for (let k = 0; k < 200; k++) y = b.sin(b.add(y, x));
    b.output('y', y);
    const session = await backendFor(backend).compile(b.build());
    const feeds = { x: { shape: [1000], data: new Float32Array(1000).fill(0.5) } };
    await session.run(feeds);
    const info = await tf.profile(async () => {
      await session.run(feeds);
      return [];
    });
    // 4 kB per value: all 400 intermediates kept would peak at 1.6 MB; released at last use,
    // only the feed, the current value and its successor are live.
    expect(info.peakBytes).toBeLessThanOrEqual(4 * 4000);
    await session.dispose();
  });
});
