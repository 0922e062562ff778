import type { Koffi } from './koffi.js';

/** `RTLD_NOW | RTLD_NODELETE` for glibc/musl Linux and for macOS. */
const PIN_FLAGS: Partial<Record<NodeJS.Platform, { libc: string; flags: number }>> = {
  linux: { libc: 'libc.so.6', flags: 0x2 | 0x1000 },
  darwin: { libc: 'libSystem.B.dylib', flags: 0x2 | 0x80 },
};

/**
 * Keeps a shared library (and so everything it depends on) mapped until the process ends,
 * by opening it once more with `RTLD_NODELETE`. koffi closes its libraries when the process
 * tears down; libxtb's OpenMP (libgomp) and OpenBLAS worker threads are still parked in
 * those libraries then, and unmapping them under the threads crashes the exit with SIGSEGV
 * whenever a calculation used more than one thread. Returns whether the pin took; on other
 * platforms, or without a C library to call `dlopen` from, it does nothing.
 */
export function pinSharedLibrary(koffi: Koffi, path: string): boolean {
  const pin = PIN_FLAGS[process.platform];
  if (!pin) return false;
  try {
    const libc = koffi.load(pin.libc);
    const dlopen = libc.func('void *dlopen(const char *path, int flags)');
    return dlopen(path, pin.flags) !== null;
  } catch {
    return false;
  }
}
