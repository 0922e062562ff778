export { type ModelStructure, type PrepareBatchOptions, prepareBatch } from './batch.js';
export { initPainnParameters } from './init-parameters.js';
export { buildPainnEnergy, NORMALISATION_PARAMETERS, type PainnEnergyNodes } from './painn.js';
export { PAINN_PRESETS, type PainnConfig, type PainnPreset } from './painn-config.js';
export {
  type LossWeights,
  type PainnGraph,
  painnEnergyGraph,
  painnForceGraph,
  painnTrainingGraph,
} from './painn-graphs.js';
