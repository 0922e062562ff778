import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '@mlff-distiller/core';
import { CheckpointError } from './checkpoint-error.js';
import type { PainnConfig } from './painn-config.js';

/** Identifies the file kind (first field of every checkpoint). */
export const CHECKPOINT_FORMAT = 'mlff-distiller/student';
/** Format version written by this code; files with a newer one are refused. */
export const CHECKPOINT_FORMAT_VERSION = 1;

/** A weight tensor: shape and row-major float32 values. */
export interface WeightTensor {
  shape: number[];
  data: Float32Array;
}

/** Energy normalisation: eᵢ = energyScale·(network output) + referenceEnergies[Zᵢ]. */
export interface Normalisation {
  /** Per-element reference energy in eV, in the order of `config.species`. */
  referenceEnergies: number[];
  /** Energy scale in eV (typical force magnitude or energy spread of the training set). */
  energyScale: number;
}

/**
 * A self-describing student: architecture and sizes, species, cutoff, normalisation,
 * weights and training metadata, with a format version. Both backends build the same
 * graph from it (`studentForceGraph`), so it stores no graph.
 */
export interface StudentCheckpoint {
  format: typeof CHECKPOINT_FORMAT;
  formatVersion: number;
  architecture: 'painn';
  /** Sizes, species (atomic numbers) and cutoff (Å). */
  config: PainnConfig;
  normalisation: Normalisation;
  /** Trainable weights by parameter name. */
  weights: Record<string, WeightTensor>;
  /** Free-form training record (teacher, dataset, epochs, losses, metrics, seed, dates). */
  training: Record<string, unknown>;
}

interface StoredTensor {
  shape: number[];
  /** Little-endian float32 values, base64. */
  float32: string;
}

function encode(t: WeightTensor): StoredTensor {
  const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  return { shape: t.shape, float32: Buffer.from(bytes).toString('base64') };
}

function decode(name: string, t: StoredTensor, where: string): WeightTensor {
  if (!t || !Array.isArray(t.shape) || typeof t.float32 !== 'string') {
    throw new CheckpointError(`${where}: weight "${name}" is malformed (needs shape and float32)`);
  }
  const bytes = Buffer.from(t.float32, 'base64');
  const size = t.shape.reduce((p, d) => p * d, 1);
  if (bytes.byteLength !== 4 * size) {
    throw new CheckpointError(
      `${where}: weight "${name}" has ${bytes.byteLength / 4} values, its shape [${t.shape}] needs ${size} (file truncated or corrupt?)`,
    );
  }
  const data = new Float32Array(size);
  new Uint8Array(data.buffer).set(bytes);
  for (let i = 0; i < size; i++) {
    if (!Number.isFinite(data[i]!)) {
      throw new CheckpointError(`${where}: weight "${name}" holds a non-finite value at ${i}`);
    }
  }
  return { shape: [...t.shape], data };
}

/** Serialises a checkpoint to JSON text (weights as base64 float32). */
export function serializeCheckpoint(c: StudentCheckpoint): string {
  const weights: Record<string, StoredTensor> = {};
  for (const [name, t] of Object.entries(c.weights)) weights[name] = encode(t);
  return `${JSON.stringify({ ...c, weights }, null, 1)}\n`;
}

/**
 * Parses checkpoint JSON, checking the format, version, architecture, sizes and weights;
 * `where` (a file name) prefixes every error message.
 */
export function parseCheckpoint(text: string, where = 'checkpoint'): StudentCheckpoint {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new CheckpointError(
      `${where} is not a readable student checkpoint (corrupt or truncated JSON: ${(e as Error).message})`,
    );
  }
  if (typeof raw !== 'object' || raw === null || raw.format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError(
      `${where} is not an MLFF Distiller student checkpoint (format is ${JSON.stringify(raw?.format)}, expected "${CHECKPOINT_FORMAT}")`,
    );
  }
  const version = raw.formatVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new CheckpointError(`${where}: bad formatVersion ${JSON.stringify(version)}`);
  }
  if (version > CHECKPOINT_FORMAT_VERSION) {
    throw new CheckpointError(
      `${where} has checkpoint format version ${version}, newer than this version of MLFF Distiller reads (${CHECKPOINT_FORMAT_VERSION}): upgrade @mlff-distiller/models`,
    );
  }
  if (raw.architecture !== 'painn') {
    throw new CheckpointError(`${where}: unknown architecture ${JSON.stringify(raw.architecture)}`);
  }
  const config = raw.config as PainnConfig;
  const positive = (k: keyof PainnConfig) =>
    typeof config?.[k] === 'number' && (config[k] as number) > 0;
  if (
    !config ||
    !Array.isArray(config.species) ||
    config.species.length === 0 ||
    !config.species.every((z) => Number.isInteger(z) && z > 0 && z < 119) ||
    !(['features', 'interactions', 'radialBasis', 'cutoff'] as const).every(positive)
  ) {
    throw new CheckpointError(
      `${where}: config is incomplete or invalid: ${JSON.stringify(config)}`,
    );
  }
  const norm = raw.normalisation as Normalisation;
  if (
    !norm ||
    !Array.isArray(norm.referenceEnergies) ||
    norm.referenceEnergies.length !== config.species.length ||
    !norm.referenceEnergies.every(Number.isFinite) ||
    !Number.isFinite(norm.energyScale)
  ) {
    throw new CheckpointError(
      `${where}: normalisation needs one reference energy per species (${config.species.length}) and an energy scale`,
    );
  }
  const stored = raw.weights as Record<string, StoredTensor> | undefined;
  if (!stored || typeof stored !== 'object') throw new CheckpointError(`${where}: no weights`);
  const weights: Record<string, WeightTensor> = {};
  for (const [name, t] of Object.entries(stored)) weights[name] = decode(name, t, where);
  return {
    format: CHECKPOINT_FORMAT,
    formatVersion: version,
    architecture: 'painn',
    config: { ...config, species: [...config.species] },
    normalisation: {
      referenceEnergies: [...norm.referenceEnergies],
      energyScale: norm.energyScale,
    },
    weights,
    training: (raw.training as Record<string, unknown>) ?? {},
  };
}

/** Writes a checkpoint atomically (temporary file, then rename). */
export async function saveCheckpoint(path: string, c: StudentCheckpoint): Promise<void> {
  await writeFileAtomic(path, serializeCheckpoint(c));
}

/** Reads and validates a checkpoint file; errors name the file and the problem. */
export async function loadCheckpoint(path: string): Promise<StudentCheckpoint> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new CheckpointError(`cannot read student checkpoint ${path}: ${(e as Error).message}`);
  }
  return parseCheckpoint(text, path);
}
