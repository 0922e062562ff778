import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from './write-file-atomic.js';

describe('writeFileAtomic', () => {
  it('replaces the file and leaves no temporary file behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlffd-atomic-'));
    const path = join(dir, 'sub', 'model.json');
    await writeFileAtomic(path, 'first');
    await writeFileAtomic(path, new TextEncoder().encode('second'));
    expect(readFileSync(path, 'utf8')).toBe('second');
    expect(readdirSync(join(dir, 'sub'))).toEqual(['model.json']);
  });

  it('keeps the old file when the write fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlffd-atomic-'));
    const path = join(dir, 'model.json');
    writeFileSync(path, 'old');
    // A directory in the way of the rename makes it fail after the temporary file is written.
    await expect(writeFileAtomic(join(dir, 'model.json', 'x'), 'new')).rejects.toThrow();
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['model.json']);
  });
});
