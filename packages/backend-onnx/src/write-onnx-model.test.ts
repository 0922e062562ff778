import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOnnxModel } from './write-onnx-model.js';

describe('writeOnnxModel', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'backend-onnx-write-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes, replaces and leaves no temporary file behind', async () => {
    const path = join(dir, 'nested', 'model.onnx');
    await writeOnnxModel(path, Uint8Array.from([1, 2, 3]));
    expect(Array.from(await readFile(path))).toEqual([1, 2, 3]);
    await writeOnnxModel(path, Uint8Array.from([4, 5]));
    expect(Array.from(await readFile(path))).toEqual([4, 5]);
    expect(await readdir(join(dir, 'nested'))).toEqual(['model.onnx']);
  });

  it('fails without touching the target when the path is a directory', async () => {
    await expect(writeOnnxModel(dir, Uint8Array.from([1]))).rejects.toThrow();
    const left = (await readdir(dirname(dir))).filter((f) => f.startsWith(`.${basename(dir)}.`));
    expect(left).toEqual([]);
  });
});
