import { randomBytes } from 'node:crypto';
import { type FileHandle, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Atoms } from '../atoms.js';
import type { CalculatorResults } from '../calculator/calculator.js';
import { MlffdError } from '../errors.js';
import { type ExtxyzFormatOptions, formatExtxyzFrame } from './extxyz-format.js';
import type { ExtxyzFrameInput } from './extxyz-frame.js';

/** Options of {@link ExtxyzWriter} and {@link writeExtxyz}. */
export interface ExtxyzWriterOptions extends ExtxyzFormatOptions {
  /** Add frames at the end of an existing file instead of replacing it (default false). */
  append?: boolean;
  /**
   * Characters of formatted frames kept in memory before they are written to the file
   * (default 1 MiB). 0 writes every frame as soon as it is given.
   */
  bufferSize?: number;
  /** Flush the file to stable storage (fsync) on close (default false). */
  fsync?: boolean;
}

/**
 * Writes extended XYZ frames to a file one at a time, for MD trajectories: each frame is
 * formatted when `write` is called (later changes to the atoms do not affect it), buffered,
 * and appended to the file in order. The file is written in place, so the frames written
 * before a crash stay readable; call `flush` to push them out, and always `close`.
 *
 * @example
 * const writer = await ExtxyzWriter.open('md.extxyz');
 * for (let step = 0; step < n; step++) { …; await writer.write(atoms, results); }
 * await writer.close();
 */
export class ExtxyzWriter {
  private buffer: string[] = [];
  private buffered = 0;
  private tail: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | null = null;
  private closed = false;
  private count = 0;

  private constructor(
    /** The path of the file being written. */
    readonly path: string,
    private readonly handle: FileHandle,
    private readonly options: ExtxyzWriterOptions,
  ) {}

  /** Opens (creating or truncating, or with `append` appending to) a file for writing frames. */
  static async open(path: string, options: ExtxyzWriterOptions = {}): Promise<ExtxyzWriter> {
    const handle = await open(path, options.append ? 'a' : 'w');
    return new ExtxyzWriter(path, handle, options);
  }

  /** Number of frames given to `write` so far. */
  get framesWritten(): number {
    return this.count;
  }

  /**
   * Adds a frame: the structure (positions Å, velocities Å/fs…) and optional results
   * (energy eV, forces eV/Å, stress eV/Å³ Voigt). Resolves when the frame is buffered or,
   * when the buffer is full, written. Rejects with InvalidInputError for atoms that cannot
   * be written, or with the error of an earlier failed write.
   */
  async write(atoms: Atoms, results?: CalculatorResults): Promise<void> {
    if (this.closed) throw new MlffdError(`the extxyz writer for ${this.path} is closed`);
    const text = formatExtxyzFrame(atoms, results, this.options);
    this.buffer.push(text);
    this.buffered += text.length;
    this.count++;
    if (this.buffered >= (this.options.bufferSize ?? 1 << 20)) await this.flush();
  }

  /** Writes the buffered frames to the file; resolves when they are written. */
  flush(): Promise<void> {
    const data = this.buffer.join('');
    this.buffer = [];
    this.buffered = 0;
    const run = this.tail.then(async () => {
      if (this.failure) throw this.failure.error;
      if (data !== '') await this.handle.writeFile(data, 'utf8');
    });
    this.tail = run.catch((error: unknown) => {
      this.failure ??= { error };
    });
    return run;
  }

  /** Writes what is buffered and closes the file. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.flush();
      if (this.options.fsync) await this.handle.sync();
    } finally {
      await this.handle.close();
    }
  }
}

function isFrameInput(x: unknown): x is ExtxyzFrameInput {
  return typeof x === 'object' && x !== null && (x as ExtxyzFrameInput).atoms instanceof Atoms;
}

/**
 * Writes frames (one, or any iterable or async iterable of them, e.g. the frames of
 * `readExtxyzFrames`) to an extended XYZ file. Without `append` the file is replaced
 * atomically: the frames go to a temporary file in the same directory, which is flushed to
 * disk and renamed over `path`, so readers never see a half-written file and a failure
 * leaves the old file intact. With `append` the frames are added to the end of the file.
 */
export async function writeExtxyz(
  path: string,
  frames: ExtxyzFrameInput | Iterable<ExtxyzFrameInput> | AsyncIterable<ExtxyzFrameInput>,
  options: ExtxyzWriterOptions = {},
): Promise<void> {
  const list = isFrameInput(frames) ? [frames] : frames;
  const append = options.append ?? false;
  const target = append
    ? path
    : join(
        dirname(path),
        `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
      );
  const writer = await ExtxyzWriter.open(target, {
    ...options,
    append,
    fsync: options.fsync ?? !append,
  });
  try {
    for await (const frame of list) await writer.write(frame.atoms, frame.results);
    await writer.close();
    if (!append) await rename(target, path);
  } catch (error) {
    await writer.close().catch(() => undefined);
    if (!append) await rm(target, { force: true });
    throw error;
  }
}
