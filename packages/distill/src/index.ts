export { readDataset, streamDataset, writeDataset } from './dataset-io.js';
export { type DatasetStatistics, datasetStatistics } from './dataset-statistics.js';
export {
  type ForceFieldMetrics,
  forceFieldMetrics,
  type Prediction,
} from './force-field-metrics.js';
export {
  LABEL_JOURNAL_FORMAT,
  LABEL_JOURNAL_VERSION,
  LabelJournal,
  type LabelJournalEntry,
  type LabelJournalHeader,
} from './labeling/label-journal.js';
export {
  type LabelOptions,
  type LabelProgress,
  type LabelResult,
  labelStructures,
} from './labeling/label-structures.js';
export { structuresFingerprint } from './labeling/structures-fingerprint.js';
export type { LabelledStructure } from './labelled-structure.js';
export {
  type DecayKind,
  type LearningRateOptions,
  PlateauDecay,
  type PlateauState,
  warmupLearningRate,
} from './learning-rate.js';
export {
  ConfigError,
  type ConfigProblem,
  type ConfigSchema,
  formatConfigYaml,
  resolveConfig,
  type SettingSpec,
} from './pipeline/config-schema.js';
export {
  DISTILL_CONFIG_SCHEMA,
  type DistillConfig,
  STUDENT_PRESETS,
} from './pipeline/distill-config.js';
export {
  type DistillReport,
  distillReportHtml,
  type StudentReport,
  writeDistillReport,
} from './pipeline/distill-report.js';
export { embeddedTeacher, embeddedTeacherDirectory } from './pipeline/embedded-teacher.js';
export { mdStepTime } from './pipeline/md-step-time.js';
export {
  type DistillTeacher,
  type RecordedTeacher,
  type RunDistillationOptions,
  runDistillation,
  structureName,
} from './pipeline/run-distillation.js';
export type { NveTask, StudentTask, TrainTask, TrainTaskResult } from './pipeline/student-task.js';
export { StudentTaskPool } from './pipeline/student-task-pool.js';
export {
  type NamedStart,
  validateNveInWorkers,
  validateNveOnPool,
} from './pipeline/validate-in-workers.js';
export {
  type NveValidation,
  type NveValidationOptions,
  testErrors,
  ValidationCancelledError,
  validateNve,
} from './pipeline/validate-student.js';
export { deriveSeed } from './sampling/derive-seed.js';
export {
  type MdSamplingOptions,
  type MdTrajectorySample,
  sampleTrajectory,
} from './sampling/md-sampling.js';
export {
  type RattleOptions,
  type RattleSample,
  rattleAndRelax,
} from './sampling/rattle-and-relax.js';
export {
  type SampleOptions,
  type SampleProgress,
  type SampleResult,
  sampleStructures,
} from './sampling/sample-structures.js';
export { shortestDistance } from './sampling/shortest-distance.js';
export { statisticalInefficiency } from './sampling/statistical-inefficiency.js';
export { type StrainOptions, sampleStrains } from './sampling/strain-sampling.js';
export { type DatasetSplit, type SplitOptions, splitDataset } from './split-dataset.js';
export { StudentPredictor } from './student-predictor.js';
export { type TrainOptions, type TrainResult, trainStudent } from './train-student.js';
export { trainingFeeds } from './training-feeds.js';
export { writeTrainingReport } from './training-report.js';
export {
  type EpochRecord,
  loadTrainingState,
  saveTrainingState,
  TRAINING_STATE_VERSION,
  type TrainingState,
} from './training-state.js';
export { WeightAverage } from './weight-average.js';
