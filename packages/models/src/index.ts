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
export { CheckpointError } from './checkpoint-error.js';
export { checkpointParameters, createCheckpoint, parameterCount } from './checkpoint-parameters.js';
export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_FORMAT_VERSION,
  loadCheckpoint,
  type Normalisation,
  parseCheckpoint,
  saveCheckpoint,
  serializeCheckpoint,
  type StudentCheckpoint,
  type WeightTensor,
} from './student-checkpoint.js';
export { fitNormalisation, type LabelledComposition } from './fit-normalisation.js';
