import {
  type CheckTeacherOptions,
  checkTeacherSignature,
  TeacherCalculator,
} from '@mlff-distiller/core';
import { readModelJson, resolveModelJsonPath } from './file-io-handler.js';
import { readTfjsTeacherSignature } from './teacher-signature.js';
import { type OpenTfjsTeacherOptions, openTfjsTeacherAt } from './tfjs-teacher.js';

/** Options of {@link loadTfjsTeacher}. */
export interface TfjsTeacherOptions extends OpenTfjsTeacherOptions, CheckTeacherOptions {
  /** Verlet skin in Å of the neighbor list of an `edge_index` teacher. Default 0.5. */
  skin?: number;
}

/**
 * Loads a tfjs graph model (a directory with `model.json` and its weight shards, a
 * `model.json` path or a `file://` URL) that follows the teacher contract
 * (`docs/teacher-models.md`) as a core `Calculator` named `'tfjs-teacher:<dir>/model.json'`
 * (with `' [direct forces]'` appended for a direct-force teacher, which is also flagged in
 * `parameters.forces` and `warnings`).
 *
 * - The signature and `userDefinedMetadata` of `model.json` are checked against the
 *   contract (core's `checkTeacherSignature`) before tfjs loads anything: a model that does
 *   not follow it is refused with a `TeacherContractError` starting with the `model.json`
 *   path and listing every problem, what was expected and what was found. A model without a
 *   `forces` output is refused unless `allowEnergyOnly` is set.
 * - The model is loaded with `options.loadGraphModel` (default: `loadGraphModel` of
 *   `@tensorflow/tfjs-converter`, imported on first use) through `tfjsFileHandler`
 *   (no tfjs-node needed), on the tfjs backend `options.backend` (default `'auto'`: the first
 *   of tensorflow-gpu, tensorflow, wasm, cpu that loads); `parameters.backend` says which.
 * - **dtypes**: tfjs has no float64 and no int64. A model declaring float64 `positions`
 *   (`DT_DOUBLE`) is accepted (`parameters.dtype` is `'float64'`, the declared type) but
 *   computes in float32: feeds are rounded to float32 and results have float32 precision
 *   (~1e-7 relative per op; `parameters.precision` is `'float32'`). int64 inputs
 *   (`numbers`, `edge_index`) are fed as int32.
 * - Ops tfjs-converter does not support are found when the model first runs, not at load
 *   time: the run fails with an error naming the `model.json`.
 *
 * @throws {TeacherContractError} for a model that breaks the contract.
 * @throws {TfjsModelFileError} when `model.json` or a weight shard cannot be read, or tfjs
 *   cannot load the model.
 * @throws {TfjsBackendUnavailableError} when the requested tfjs backend cannot be loaded.
 */
export async function loadTfjsTeacher(
  location: string,
  options: TfjsTeacherOptions = {},
): Promise<TeacherCalculator> {
  const path = await resolveModelJsonPath(location);
  const signature = readTfjsTeacherSignature(await readModelJson(path));
  const spec = checkTeacherSignature(signature, path, options);
  const teacher = await openTfjsTeacherAt(path, signature, options);
  return new TeacherCalculator(spec, teacher, {
    name: `tfjs-teacher:${teacher.label}`,
    ...(options.skin !== undefined ? { skin: options.skin } : {}),
    parameters: { backend: teacher.backend, file: path, precision: 'float32' },
  });
}
