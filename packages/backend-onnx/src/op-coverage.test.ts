import { GRAPH_OPS, LEAF_OPS } from '@mlff-distiller/graph';
import { expect, it } from 'vitest';
import { LOWERED_OPS } from './lower-node.js';

it('lowers every op of the graph IR', () => {
  const leaves = new Set<string>(LEAF_OPS);
  const missing = GRAPH_OPS.filter((op) => !leaves.has(op) && !LOWERED_OPS.includes(op));
  expect(missing).toEqual([]);
});
