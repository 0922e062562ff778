export { readDataset, streamDataset, writeDataset } from './dataset-io.js';
export { type DatasetStatistics, datasetStatistics } from './dataset-statistics.js';
export {
  type ForceFieldMetrics,
  forceFieldMetrics,
  type Prediction,
} from './force-field-metrics.js';
export type { LabelledStructure } from './labelled-structure.js';
export {
  type DecayKind,
  type LearningRateOptions,
  PlateauDecay,
  type PlateauState,
  warmupLearningRate,
} from './learning-rate.js';
export { type DatasetSplit, type SplitOptions, splitDataset } from './split-dataset.js';
export { StudentPredictor } from './student-predictor.js';
export { type TrainOptions, type TrainResult, trainStudent } from './train-student.js';
export { writeTrainingReport } from './training-report.js';
export {
  type EpochRecord,
  loadTrainingState,
  saveTrainingState,
  TRAINING_STATE_VERSION,
  type TrainingState,
} from './training-state.js';
export { WeightAverage } from './weight-average.js';
