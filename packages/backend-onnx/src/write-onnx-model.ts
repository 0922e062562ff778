import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes model bytes (e.g. from {@link compileToOnnx}) to `path` atomically: the bytes go
 * to a temporary file in the same directory, are flushed to disk, and the file is renamed
 * over `path`, so a reader never sees a half-written model. Creates the directory if
 * needed; on failure the temporary file is removed and `path` is left untouched.
 */
export async function writeOnnxModel(path: string, bytes: Uint8Array): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const file = await open(tmp, 'wx');
    try {
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
