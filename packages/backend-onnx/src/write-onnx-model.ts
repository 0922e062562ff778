import { writeFileAtomic } from '@mlff-distiller/core';

/**
 * Writes model bytes (e.g. from {@link compileToOnnx}) to `path` atomically (core's
 * `writeFileAtomic`: temporary file, flushed, renamed), so a reader never sees a
 * half-written model; creates the directory; on failure `path` is left untouched.
 */
export async function writeOnnxModel(path: string, bytes: Uint8Array): Promise<void> {
  await writeFileAtomic(path, bytes);
}
