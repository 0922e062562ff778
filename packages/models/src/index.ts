export {
  type GraphInputOptions,
  graphInputs,
  type ModelStructure,
  prepareBatch,
  structureBatch,
} from './batch.js';
export { CheckpointError } from './checkpoint-error.js';
export { checkpointParameters, createCheckpoint, parameterCount } from './checkpoint-parameters.js';
export { fitNormalisation, type LabelledComposition } from './fit-normalisation.js';
export { initPainnParameters } from './init-parameters.js';
export { buildPainnEnergy, NORMALISATION_PARAMETERS, type PainnEnergyNodes } from './painn.js';
export { PAINN_PRESETS, type PainnConfig, type PainnPreset } from './painn-config.js';
export {
  type ForceGraphOptions,
  type LossWeights,
  type PainnGraph,
  painnEnergyGraph,
  painnForceGraph,
  painnParameterCount,
  painnTrainingGraph,
} from './painn-graphs.js';
export { StudentCalculator, type StudentCalculatorOptions } from './student-calculator.js';
export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_FORMAT_VERSION,
  loadCheckpoint,
  type Normalisation,
  parseCheckpoint,
  type StudentCheckpoint,
  saveCheckpoint,
  serializeCheckpoint,
  type WeightTensor,
} from './student-checkpoint.js';
export { StudentModel, type StudentModelOptions } from './student-model.js';
export {
  exportStudentOnnx,
  loadStudentOnnx,
  STUDENT_ONNX_FORMAT,
  STUDENT_ONNX_FORMAT_VERSION,
  studentOnnxBytes,
} from './student-onnx.js';
