import type { Graph } from '@mlff-distiller/graph';
import { CheckpointError } from './checkpoint-error.js';
import { NORMALISATION_PARAMETERS } from './painn.js';
import type { PainnConfig } from './painn-config.js';
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_FORMAT_VERSION,
  type Normalisation,
  type StudentCheckpoint,
  type WeightTensor,
} from './student-checkpoint.js';

/**
 * Values for every `param` node of `graph` from a checkpoint: its weights plus the
 * normalisation parameters (`energy_scale`, `reference_energies`). Throws a
 * {@link CheckpointError} naming a missing weight or one whose shape differs from the graph's.
 */
export function checkpointParameters(
  checkpoint: StudentCheckpoint,
  graph: Graph,
  where = 'checkpoint',
): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {
    energy_scale: Float32Array.of(checkpoint.normalisation.energyScale),
    reference_energies: Float32Array.from(checkpoint.normalisation.referenceEnergies),
  };
  for (const node of graph.nodes) {
    if (node.op !== 'param') continue;
    const name = node.attrs.name as string;
    if ((NORMALISATION_PARAMETERS as readonly string[]).includes(name)) continue;
    const w = checkpoint.weights[name];
    const shape = node.shape as number[];
    if (!w) throw new CheckpointError(`${where}: weight "${name}" is missing`);
    if (w.shape.length !== shape.length || w.shape.some((d, i) => d !== shape[i])) {
      throw new CheckpointError(
        `${where}: weight "${name}" has shape [${w.shape}], the architecture needs [${shape}]`,
      );
    }
    out[name] = w.data;
  }
  return out;
}

/**
 * A checkpoint from parameter values (e.g. `initPainnParameters` or a trainer's live
 * arrays; copied), a normalisation and a training record.
 */
export function createCheckpoint(
  config: PainnConfig,
  graph: Graph,
  parameters: Readonly<Record<string, Float32Array | Float64Array>>,
  normalisation: Normalisation,
  training: Record<string, unknown> = {},
): StudentCheckpoint {
  const weights: Record<string, WeightTensor> = {};
  for (const node of graph.nodes) {
    if (node.op !== 'param') continue;
    const name = node.attrs.name as string;
    if ((NORMALISATION_PARAMETERS as readonly string[]).includes(name)) continue;
    const v = parameters[name];
    if (!v) throw new CheckpointError(`createCheckpoint: no value for parameter "${name}"`);
    weights[name] = { shape: [...(node.shape as number[])], data: Float32Array.from(v) };
  }
  return {
    format: CHECKPOINT_FORMAT,
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    architecture: 'painn',
    config: { ...config, species: [...config.species] },
    normalisation: {
      referenceEnergies: [...normalisation.referenceEnergies],
      energyScale: normalisation.energyScale,
    },
    weights,
    training,
  };
}

/** Number of trainable weights in a checkpoint (normalisation excluded). */
export function parameterCount(checkpoint: StudentCheckpoint): number {
  return Object.values(checkpoint.weights).reduce((n, w) => n + w.data.length, 0);
}
