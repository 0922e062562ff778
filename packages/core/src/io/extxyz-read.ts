import { createReadStream } from 'node:fs';
import { InvalidInputError } from '../errors.js';
import type { ExtxyzFrame } from './extxyz-frame.js';
import { buildExtxyzFrame } from './extxyz-frame-reader.js';
import { ExtxyzFrameSplitter, type RawExtxyzFrame } from './extxyz-splitter.js';

/** Options of the extended XYZ readers. */
export interface ExtxyzReadOptions {
  /**
   * Name used in error messages (`name:line: …`); default: the path as given, or `<string>`
   * for {@link parseExtxyz}.
   */
  fileName?: string;
}

/**
 * Parses the text of an extended (or plain) XYZ file into frames, with ASE 3.22.1's
 * conventions (see ExtxyzFrame). Throws ExtxyzParseError naming the file and the 1-based line
 * of the first problem. For large files use {@link readExtxyzFrames}, which streams.
 */
export function parseExtxyz(text: string, options: ExtxyzReadOptions = {}): ExtxyzFrame[] {
  const file = options.fileName ?? '<string>';
  const splitter = new ExtxyzFrameSplitter(file);
  const frames: ExtxyzFrame[] = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const raw = splitter.push(text.slice(start, end));
    if (raw) frames.push(buildExtxyzFrame(raw, file));
    start = end + 1;
  }
  splitter.end();
  return frames;
}

/**
 * The raw frames of a file, read in chunks of 256 KiB: at most one chunk of text and the
 * frames it completes are in memory at a time. Stopping early closes the file.
 */
async function* readRawFrames(path: string, file: string): AsyncGenerator<RawExtxyzFrame> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 18 });
  const splitter = new ExtxyzFrameSplitter(file);
  let rest = '';
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const text = rest + chunk;
      const ready: RawExtxyzFrame[] = [];
      let start = 0;
      let failure: { error: unknown } | null = null;
      try {
        for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
          const raw = splitter.push(text.slice(start, end));
          if (raw) ready.push(raw);
          start = end + 1;
        }
      } catch (error) {
        failure = { error };
      }
      // The frames before a bad line are good: hand them out before the error.
      yield* ready;
      if (failure) throw failure.error;
      rest = text.slice(start);
    }
    if (rest !== '') {
      const raw = splitter.push(rest);
      if (raw) yield raw;
    }
    splitter.end();
  } finally {
    stream.destroy();
  }
}

/**
 * Reads an extended XYZ file frame by frame, streaming: a file of any size is read with about
 * one chunk of text in memory, and a frame is parsed only when the consumer asks for it.
 * Breaking out of the loop closes the file. Throws ExtxyzParseError (file and line) when a
 * frame is malformed, after yielding the frames before it.
 *
 * @example
 * for await (const { atoms, results } of readExtxyzFrames('traj.extxyz')) { … }
 */
export async function* readExtxyzFrames(
  path: string,
  options: ExtxyzReadOptions = {},
): AsyncGenerator<ExtxyzFrame> {
  const file = options.fileName ?? path;
  for await (const raw of readRawFrames(path, file)) yield buildExtxyzFrame(raw, file);
}

/** Reads every frame of an extended XYZ file (ASE's `read(path, index=':')`). */
export async function readExtxyz(
  path: string,
  options: ExtxyzReadOptions = {},
): Promise<ExtxyzFrame[]> {
  const frames: ExtxyzFrame[] = [];
  for await (const frame of readExtxyzFrames(path, options)) frames.push(frame);
  return frames;
}

/**
 * Reads one frame by index, counting from 0, or from the end when negative (−1 = last, the
 * default, as ASE's `read`). Only the chosen frame is parsed; the others are only checked
 * for a valid atom count and length. Reading stops at the chosen frame when the index is
 * non-negative. Throws InvalidInputError when the file has too few frames.
 */
export async function readExtxyzFrame(
  path: string,
  index = -1,
  options: ExtxyzReadOptions = {},
): Promise<ExtxyzFrame> {
  if (!Number.isInteger(index))
    throw new InvalidInputError(`frame index must be an integer, got ${index}`);
  const file = options.fileName ?? path;
  let count = 0;
  const keep = index < 0 ? -index : 0;
  const last: RawExtxyzFrame[] = [];
  for await (const raw of readRawFrames(path, file)) {
    if (index >= 0 && count === index) return buildExtxyzFrame(raw, file);
    count++;
    if (keep > 0) {
      last.push(raw);
      if (last.length > keep) last.shift();
    }
  }
  if (index < 0 && last.length === keep) return buildExtxyzFrame(last[0]!, file);
  throw new InvalidInputError(
    `${file} has ${count} frame${count === 1 ? '' : 's'}: frame index ${index} is out of range`,
  );
}
