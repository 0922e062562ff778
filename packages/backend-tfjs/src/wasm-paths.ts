import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';

/** File names of the binaries `@tensorflow/tfjs-backend-wasm` loads (one of them, by CPU features). */
export const WASM_BINARIES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
] as const;

/**
 * The directory holding `@tensorflow/tfjs-backend-wasm`'s `.wasm` binaries (its `dist`
 * directory, found by resolving the package from this module), with a trailing separator, as
 * `setWasmPaths` expects a prefix.
 */
export function defaultWasmDirectory(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + sep;
}

/**
 * Why the wasm binaries cannot be read from `prefix`, or `undefined` when they can (or when
 * `prefix` is a URL, which is not checked).
 */
export function missingWasmBinaries(prefix: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(prefix)) return undefined;
  const missing = WASM_BINARIES.filter((f) => !existsSync(join(prefix, f)));
  return missing.length === 0 ? undefined : `${missing.join(', ')} not found in ${prefix}`;
}
