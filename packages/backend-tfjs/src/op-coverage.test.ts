import { GRAPH_OPS, LEAF_OPS } from '@mlff-distiller/graph';
import { expect, it } from 'vitest';
import { LOWERINGS } from './lower-node.js';

it('lowers every op of the graph IR', () => {
  const leaves = new Set<string>(LEAF_OPS);
  const missing = GRAPH_OPS.filter((op) => !leaves.has(op) && !(op in LOWERINGS));
  expect(missing).toEqual([]);
});
