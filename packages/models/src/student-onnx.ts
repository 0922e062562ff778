import { readFile } from 'node:fs/promises';
import {
  compileToOnnx,
  createOrtSession,
  type OnnxRuntimeOptions,
  OnnxSession,
  onnxSignature,
  readOnnxMetadata,
  writeOnnxModel,
} from '@mlff-distiller/backend-onnx';
import { chemicalSymbol } from '@mlff-distiller/core';
import { type Graph, simplify } from '@mlff-distiller/graph';
import { CheckpointError } from './checkpoint-error.js';
import { checkpointParameters } from './checkpoint-parameters.js';
import type { PainnConfig } from './painn-config.js';
import { painnForceGraph } from './painn-graphs.js';
import type { StudentCheckpoint } from './student-checkpoint.js';
import { StudentModel } from './student-model.js';

/** `format` metadata of a student ONNX file. */
export const STUDENT_ONNX_FORMAT = 'mlff-distiller/student-onnx';
/** Version of the input/output contract of student ONNX files written here. */
export const STUDENT_ONNX_FORMAT_VERSION = 1;

/** The graph a student ONNX file holds: forces graph with stress, simplified. */
function exportGraph(config: PainnConfig): Graph {
  return simplify(painnForceGraph(config, 'float32', { stress: true }).graph);
}

/**
 * A standalone ONNX model of a student (opset 17, weights as initializers) that any ONNX
 * Runtime runs with no code of ours. Inputs (atoms of all structures concatenated):
 * `positions` [atoms, 3] Å; `species` int32 [atoms] (index into the `species` metadata);
 * `structure` int32 [atoms]; `neighbors`, `reverse` int32 [atoms, neighbors] (padded
 * neighbour matrix of pairs within the cutoff, padding = the atom itself; `reverse` = flat
 * slot of the reverse pair, padding = its own slot); `mask` [atoms, neighbors] (1 real, 0
 * padding); `shifts` [atoms, neighbors, 3] Å (S·cell of each slot); `strain`
 * [structures, 3, 3] zeros; `cell` [structures, 3, 3] Å (rows). Outputs: `energy`
 * [structures] eV, `energies` [atoms] eV, `forces` [atoms, 3] eV/Å, `virial`
 * [structures, 3, 3] eV, `stress` [structures, 3, 3] eV/Å³ (periodic input only; ASE sign).
 * Metadata: format, format_version, architecture, config (JSON), species (atomic numbers),
 * symbols, cutoff, units, training.
 */
export function studentOnnxBytes(checkpoint: StudentCheckpoint): Uint8Array {
  const { config } = checkpoint;
  const graph = exportGraph(config);
  return compileToOnnx(graph, {
    parameters: checkpointParameters(checkpoint, graph),
    graphName: `painn-${config.features}x${config.interactions}`,
    metadata: {
      format: STUDENT_ONNX_FORMAT,
      format_version: String(STUDENT_ONNX_FORMAT_VERSION),
      architecture: checkpoint.architecture,
      config: JSON.stringify(config),
      species: config.species.join(','),
      symbols: config.species.map((z) => chemicalSymbol(z)).join(','),
      cutoff: String(config.cutoff),
      units: 'positions Å, energy eV, forces eV/Å, virial eV, stress eV/Å³',
      training: JSON.stringify(checkpoint.training),
    },
  });
}

/** Writes {@link studentOnnxBytes} to `path` atomically. */
export async function exportStudentOnnx(
  checkpoint: StudentCheckpoint,
  path: string,
): Promise<void> {
  await writeOnnxModel(path, studentOnnxBytes(checkpoint));
}

/**
 * Loads a student ONNX file (as written by {@link exportStudentOnnx}) into a
 * {@link StudentModel} on ONNX Runtime. Refuses, naming the file and the problem, a file
 * that is not a readable ONNX model, not a student, from a newer format version, or whose
 * inputs differ from what its architecture implies.
 */
export async function loadStudentOnnx(
  path: string,
  runtime: OnnxRuntimeOptions = {},
): Promise<StudentModel> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new CheckpointError(`cannot read student model ${path}: ${(e as Error).message}`);
  }
  let info: ReturnType<typeof readOnnxMetadata>;
  try {
    info = readOnnxMetadata(bytes);
  } catch (e) {
    throw new CheckpointError(
      `${path} is not a readable ONNX model (corrupt or truncated: ${(e as Error).message})`,
    );
  }
  const meta = info.metadata;
  if (meta.format !== STUDENT_ONNX_FORMAT) {
    throw new CheckpointError(
      `${path} is not an MLFF Distiller student model (its metadata has no format "${STUDENT_ONNX_FORMAT}")`,
    );
  }
  const version = Number(meta.format_version);
  if (!Number.isInteger(version) || version < 1) {
    throw new CheckpointError(`${path}: bad format_version ${JSON.stringify(meta.format_version)}`);
  }
  if (version > STUDENT_ONNX_FORMAT_VERSION) {
    throw new CheckpointError(
      `${path} has student model format version ${version}, newer than this version of MLFF Distiller reads (${STUDENT_ONNX_FORMAT_VERSION}): upgrade @mlff-distiller/models`,
    );
  }
  let config: PainnConfig;
  try {
    config = JSON.parse(meta.config ?? '') as PainnConfig;
  } catch {
    throw new CheckpointError(`${path}: the config metadata is not valid JSON`);
  }
  const graph = exportGraph(config);
  const signature = onnxSignature(graph);
  const expected = signature.inputs.map((s) => s.name).sort();
  const actual = [...info.inputs].sort();
  if (expected.join() !== actual.join()) {
    throw new CheckpointError(
      `${path}: inputs [${actual.join(', ')}] differ from those of its architecture [${expected.join(', ')}]`,
    );
  }
  let created: Awaited<ReturnType<typeof createOrtSession>>;
  try {
    created = await createOrtSession(bytes, runtime);
  } catch (e) {
    throw new CheckpointError(`${path}: ONNX Runtime cannot load it: ${(e as Error).message}`);
  }
  const session = new OnnxSession(created.session, created.backend, signature, bytes);
  return new StudentModel(session, config, `painn-${config.features}x${config.interactions}`, {
    file: path,
  });
}
