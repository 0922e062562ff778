export {
  AdamW,
  type AdamWOptions,
  type AdamWState,
  type AdamWStepParams,
  adamwUpdate,
} from './adamw.js';
export { checkFeeds, type DimBindings, FeedError, type FeedSpec } from './check-feeds.js';
export { clipGradNorm, globalNorm } from './clip-grad-norm.js';
export {
  compileToOnnx,
  ONNX_IR_VERSION,
  ONNX_OPSET,
  type OnnxCompileOptions,
  type OnnxInputSpec,
  type OnnxModelSignature,
  onnxSignature,
  PRODUCER_NAME,
} from './compile-to-onnx.js';
export {
  CudaUnavailableError,
  createOrtSession,
  type OnnxRuntimeOptions,
} from './create-ort-session.js';
export { LOWERED_OPS } from './lower-node.js';
export { OnnxBackend } from './onnx-backend.js';
export { OnnxCompileError } from './onnx-compile-error.js';
export { OnnxSession } from './onnx-session.js';
export {
  loadOnnxTeacher,
  type OnnxTeacherOptions,
  readOnnxTeacherSignature,
  validateTeacherModel,
} from './onnx-teacher.js';
export {
  OnnxTrainingStep,
  type OnnxTrainingStepOptions,
  type TrainingStepResult,
} from './onnx-training-step.js';
export { loadOrt, type Ort, type OrtSession, type OrtTensor } from './ort.js';
export { type OnnxModelInfo, readOnnxMetadata } from './read-onnx-metadata.js';
export { writeOnnxModel } from './write-onnx-model.js';
