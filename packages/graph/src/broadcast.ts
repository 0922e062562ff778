import type { Dim, Shape } from './ir.js';

/**
 * Numpy-style broadcast of two shapes (aligned on the right; a dim of 1 stretches).
 * Symbolic dims broadcast only with themselves or with 1. Returns `undefined` when the
 * shapes are incompatible.
 */
export function broadcastShapes(a: Shape, b: Shape): Dim[] | undefined {
  const rank = Math.max(a.length, b.length);
  const out: Dim[] = new Array(rank);
  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
    const db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
    if (da === db) out[i] = da;
    else if (da === 1) out[i] = db;
    else if (db === 1) out[i] = da;
    else return undefined;
  }
  return out;
}

/** True when two shapes are identical dim by dim (symbolic names compared by name). */
export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
