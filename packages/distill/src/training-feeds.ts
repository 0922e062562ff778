import type { HostTensor } from '@mlff-distiller/graph';
import { type GraphInputOptions, prepareBatch } from '@mlff-distiller/models';
import type { LabelledStructure } from './labelled-structure.js';

/**
 * The inputs of a PaiNN training graph for one batch: the model inputs (`prepareBatch`)
 * plus the labels `energy_ref` [structures] eV and `forces_ref` [atoms, 3] eV/Å.
 */
export function trainingFeeds(
  batch: readonly LabelledStructure[],
  options: GraphInputOptions,
): Record<string, HostTensor> {
  const feeds: Record<string, HostTensor> = prepareBatch(
    batch.map((s) => s.atoms),
    options,
  );
  feeds.energy_ref = { shape: [batch.length], data: Float32Array.from(batch, (s) => s.energy) };
  const forces = new Float32Array(3 * feeds.positions!.shape[0]!);
  let offset = 0;
  for (const s of batch) {
    forces.set(s.forces, offset);
    offset += s.forces.length;
  }
  feeds.forces_ref = { shape: [forces.length / 3, 3], data: forces };
  return feeds;
}
