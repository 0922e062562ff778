import { simplify } from '@mlff-distiller/graph';
import { createCheckpoint } from '../checkpoint-parameters.js';
import { initPainnParameters } from '../init-parameters.js';
import type { PainnConfig } from '../painn-config.js';
import { painnForceGraph } from '../painn-graphs.js';
import type { StudentCheckpoint } from '../student-checkpoint.js';

/** A small PaiNN for H, C, O, Cu with random weights: every code path, milliseconds per call. */
export const SMALL_CONFIG: PainnConfig = {
  species: [1, 6, 8, 29],
  features: 8,
  interactions: 2,
  radialBasis: 6,
  cutoff: 4.0,
};

/** A checkpoint of {@link SMALL_CONFIG} with weights from `seed`. */
export function randomStudent(seed = 3, config: PainnConfig = SMALL_CONFIG): StudentCheckpoint {
  const graph = simplify(painnForceGraph(config).graph);
  return createCheckpoint(
    config,
    graph,
    initPainnParameters(graph, seed),
    { referenceEnergies: config.species.map((z) => -0.1 * z), energyScale: 0.8 },
    { note: 'random weights for tests', seed },
  );
}
