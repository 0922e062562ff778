import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MlffdError } from '@mlff-distiller/core';
import { io } from '@tensorflow/tfjs-core';

/**
 * Thrown when a tfjs model directory or file cannot be read or parsed. An `MlffdError`: the
 * CLI prints it as one line.
 */
export class TfjsModelFileError extends MlffdError {
  constructor(
    /** The model.json path. */
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The `model.json` of a tfjs model given as a directory, a `model.json` path or a `file://`
 * URL.
 */
export async function resolveModelJsonPath(location: string): Promise<string> {
  const path = location.startsWith('file://') ? fileURLToPath(location) : resolve(location);
  try {
    return (await stat(path)).isDirectory() ? join(path, 'model.json') : path;
  } catch (e) {
    throw new TfjsModelFileError(
      path,
      `cannot read tfjs model ${location}: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
}

/** Reads and parses a `model.json`. */
export async function readModelJson(path: string): Promise<io.ModelJSON> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new TfjsModelFileError(path, `cannot read tfjs model ${path}: ${(e as Error).message}`, {
      cause: e,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new TfjsModelFileError(path, `${path} is not valid JSON (${(e as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || !('modelTopology' in json)) {
    throw new TfjsModelFileError(path, `${path} is not a tfjs model.json (no modelTopology)`);
  }
  return json as io.ModelJSON;
}

/**
 * A tfjs `IOHandler` that loads a model from the local file system: `model.json` and its
 * weight shards (paths relative to `model.json`, concatenated in manifest order), what
 * tfjs-node's `file://` handler does, with no native dependency. Pass it to
 * `loadGraphModel(handler)` of `@tensorflow/tfjs-converter` (or `@tensorflow/tfjs`).
 *
 * @param location a model directory, a `model.json` path or a `file://` URL.
 */
export function tfjsFileHandler(location: string): io.IOHandler {
  return {
    async load(): Promise<io.ModelArtifacts> {
      const path = await resolveModelJsonPath(location);
      const modelJson = await readModelJson(path);
      const dir = dirname(path);
      return io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const shards: Uint8Array[] = [];
        for (const group of manifest) {
          for (const shard of group.paths) {
            const shardPath = join(dir, shard);
            try {
              shards.push(await readFile(shardPath));
            } catch (e) {
              throw new TfjsModelFileError(
                path,
                `${path}: cannot read weight shard ${shardPath}: ${(e as Error).message}`,
                { cause: e },
              );
            }
          }
        }
        const total = shards.reduce((n, s) => n + s.byteLength, 0);
        const data = new Uint8Array(total);
        let offset = 0;
        for (const s of shards) {
          data.set(s, offset);
          offset += s.byteLength;
        }
        return [io.getWeightSpecs(manifest), data.buffer];
      });
    },
  };
}
