export {
  describeAttempt,
  type TfjsBackendAttempt,
  type TfjsBackendOutcome,
} from './backend-attempt.js';
export {
  isTfjsBackendName,
  TFJS_BACKEND_ORDER,
  TFJS_BACKENDS,
  type TfjsBackendCandidate,
  type TfjsBackendName,
  type TfjsBackendRequest,
} from './backend-names.js';
export { type BackendTraits, backendTraits } from './backend-traits.js';
export { TfjsBackendUnavailableError } from './backend-unavailable-error.js';
export { TfjsCompileError } from './compile-error.js';
export {
  defaultTfjsBackendLoader,
  type LoadTfjsBackendOptions,
  nodePackageIo,
  type OptionalPackageIo,
  TfjsBackendLoader,
} from './load-backend.js';
export {
  type SelectTfjsBackendOptions,
  selectTfjsBackend,
  type TfjsBackendSelection,
} from './select-backend.js';
export {
  readModelJson,
  resolveModelJsonPath,
  TfjsModelFileError,
  tfjsFileHandler,
} from './teacher/file-io-handler.js';
export { loadTfjsTeacher, type TfjsTeacherOptions } from './teacher/load-tfjs-teacher.js';
export {
  readTfjsTeacherSignature,
  type TfjsDim,
  type TfjsTeacherSignature,
  type TfjsTensorInfo,
} from './teacher/teacher-signature.js';
export {
  defaultLoadGraphModel,
  type LoadGraphModel,
  type OpenTfjsTeacherOptions,
  openTfjsTeacher,
  type TfjsGraphModelLike,
  TfjsTeacher,
  type TfjsTeacherFeed,
  type TfjsTeacherOutput,
} from './teacher/tfjs-teacher.js';
export { TfjsBackend, type TfjsBackendOptions } from './tfjs-backend.js';
export { TfjsSession } from './tfjs-session.js';
export { defaultWasmDirectory } from './wasm-paths.js';
