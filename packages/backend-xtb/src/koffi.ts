import { createRequire } from 'node:module';
import type * as KoffiModule from 'koffi';

/** The `koffi` module (the C FFI libxtb is called through). */
export type Koffi = typeof KoffiModule;

const require = createRequire(import.meta.url);
let koffi: Koffi | undefined;

/**
 * Loads `koffi` on first use, so importing this package loads no native code; throws
 * koffi's own error when its native module is missing for this platform.
 */
export function loadKoffi(): Koffi {
  koffi ??= require('koffi') as Koffi;
  return koffi;
}
