import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** A function that runs a full, synchronous garbage collection. */
export type GcFunction = () => void;

let cached: GcFunction | null | undefined;

/**
 * A full garbage collection function: `global.gc` when Node runs with `--expose-gc`;
 * otherwise V8's `gc` obtained by setting the `--expose-gc` flag at run time and reading
 * `gc` from a fresh context (flags set after start-up apply to contexts created later; a
 * widely used technique, see the `expose-gc` package). Null when neither works.
 */
export function findGc(): GcFunction | null {
  if (cached !== undefined) return cached;
  const global = (globalThis as { gc?: unknown }).gc;
  if (typeof global === 'function') {
    cached = global as GcFunction;
    return cached;
  }
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    cached = typeof gc === 'function' ? (gc as GcFunction) : null;
  } catch {
    cached = null;
  }
  return cached;
}
