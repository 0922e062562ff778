import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  type CheckTeacherOptions,
  checkTeacherSignature,
  type FoundDim,
  TeacherCalculator,
  TeacherContractError,
  type TeacherFeeds,
  type TeacherOutputName,
  type TeacherOutputTensor,
  type TeacherRunner,
  type TeacherSignature,
  type TeacherSpec,
  type TeacherTensorInfo,
} from '@mlff-distiller/core';
import {
  CudaUnavailableError,
  createOrtSession,
  type OnnxRuntimeOptions,
} from './create-ort-session.js';
import { type OnnxTypes, onnx } from './onnx-proto.js';
import { loadOrt, type OrtSession } from './ort.js';

/** Options of {@link loadOnnxTeacher}. */
export interface OnnxTeacherOptions extends OnnxRuntimeOptions, CheckTeacherOptions {
  /** Name of the model in messages when it is given as bytes. Default `'teacher.onnx'`. */
  source?: string;
  /** Verlet skin in Å of the neighbor list of an `edge_index` teacher. Default 0.5. */
  skin?: number;
}

const ELEMENT_TYPES: Readonly<Record<number, string>> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  16: 'bfloat16',
};

function tensorInfo(v: OnnxTypes.IValueInfoProto): TeacherTensorInfo {
  const name = v.name ?? '';
  const tensor = v.type?.tensorType;
  if (!tensor) return { name, dtype: 'non-tensor', shape: null };
  const code = tensor.elemType ?? 0;
  const dtype = ELEMENT_TYPES[code] ?? `element type ${code}`;
  if (!tensor.shape) return { name, dtype, shape: null };
  const shape = (tensor.shape.dim ?? []).map((d): FoundDim => {
    if (Object.hasOwn(d, 'dimValue') && d.dimValue !== null && d.dimValue !== undefined) {
      return Number(String(d.dimValue));
    }
    if (d.dimParam) return d.dimParam;
    return null;
  });
  return { name, dtype, shape };
}

/**
 * The inputs (initializers excluded), outputs with element types and shapes (symbolic dims
 * by their `dim_param`, unknown ones as `null`), and `metadata_props` of a serialised ONNX
 * model, in the form core's `checkTeacherSignature` takes. Throws when the bytes are not an
 * ONNX model.
 */
export function readOnnxTeacherSignature(bytes: Uint8Array): TeacherSignature {
  const m = onnx.ModelProto.decode(bytes);
  const g = m.graph;
  const initializers = new Set((g?.initializer ?? []).map((t) => t.name ?? ''));
  const metadata: Record<string, string> = {};
  for (const p of m.metadataProps ?? []) metadata[p.key ?? ''] = p.value ?? '';
  return {
    inputs: (g?.input ?? []).filter((v) => !initializers.has(v.name ?? '')).map(tensorInfo),
    outputs: (g?.output ?? []).map(tensorInfo),
    metadata,
  };
}

/**
 * Checks a serialised ONNX model against the teacher contract (core's `TEACHER_CONTRACT`,
 * `docs/teacher-models.md`) without running it. Returns the model's description; throws a
 * `TeacherContractError` starting with `source` that lists every problem, what was expected
 * and what the model has, e.g. `teacher.onnx: output 'forces' has shape [n_atoms,4];
 * expected [n_atoms,3]; expected outputs: …; found outputs: …`.
 */
export function validateTeacherModel(
  bytes: Uint8Array,
  source: string,
  options: CheckTeacherOptions = {},
): TeacherSpec {
  let signature: TeacherSignature;
  try {
    signature = readOnnxTeacherSignature(bytes);
  } catch (e) {
    const message = `${source} is not a readable ONNX model (${(e as Error).message})`;
    throw new TeacherContractError(source, [{ section: 'inputs', message }], message);
  }
  return checkTeacherSignature(signature, source, options);
}

const ORT_TYPES = {
  float32: 'float32',
  float64: 'float64',
  int32: 'int32',
  int64: 'int64',
  bool: 'bool',
} as const;

/** Runs a teacher on an onnxruntime session. */
class OrtTeacherRunner implements TeacherRunner {
  private session: OrtSession | undefined;

  constructor(session: OrtSession) {
    this.session = session;
  }

  async run(
    feeds: TeacherFeeds,
    outputs: readonly TeacherOutputName[],
  ): Promise<Partial<Record<TeacherOutputName, TeacherOutputTensor>>> {
    if (!this.session) throw new Error('backend-onnx: teacher used after dispose()');
    const ort = loadOrt();
    const ortFeeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
    for (const [name, t] of Object.entries(feeds)) {
      if (t) ortFeeds[name] = new ort.Tensor(ORT_TYPES[t.dtype], t.data, [...t.shape]);
    }
    const result = await this.session.run(ortFeeds, [...outputs]);
    const out: Partial<Record<TeacherOutputName, TeacherOutputTensor>> = {};
    for (const name of outputs) {
      const t = result[name];
      if (t) out[name] = { shape: [...t.dims], data: t.data as ArrayLike<number> };
    }
    return out;
  }

  async dispose(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    await session?.release();
  }
}

/**
 * Loads a teacher model (an `.onnx` file, or its bytes) that follows the teacher contract
 * (`docs/teacher-models.md`) as a core `Calculator` named `'onnx-teacher:<file>'` (with
 * `' [direct forces]'` appended for a direct-force teacher, which is also flagged in
 * `parameters.forces` and `warnings`).
 *
 * The model is checked before onnxruntime loads it ({@link validateTeacherModel}): a model
 * that does not follow the contract is refused with a `TeacherContractError` naming the
 * file, every problem, what was expected and what was found. A model without a `forces`
 * output is refused unless `allowEnergyOnly` is set. Float64 models run at
 * `graphOptimizationLevel: 'basic'` unless told otherwise (see `createOrtSession`).
 */
export async function loadOnnxTeacher(
  model: string | Uint8Array,
  options: OnnxTeacherOptions = {},
): Promise<TeacherCalculator> {
  let bytes: Uint8Array;
  let source: string;
  let file: string;
  if (typeof model === 'string') {
    source = model;
    file = basename(model);
    try {
      bytes = await readFile(model);
    } catch (e) {
      const message = `cannot read teacher model ${model}: ${(e as Error).message}`;
      throw new TeacherContractError(model, [{ section: 'inputs', message }], message);
    }
  } else {
    bytes = model;
    source = options.source ?? 'teacher.onnx';
    file = basename(source);
  }
  const spec = validateTeacherModel(bytes, source, options);
  const float64 = spec.floatType === 'float64';
  let created: Awaited<ReturnType<typeof createOrtSession>>;
  try {
    created = await createOrtSession(bytes, {
      ...options,
      graphOptimizationLevel: options.graphOptimizationLevel ?? (float64 ? 'basic' : 'all'),
    });
  } catch (e) {
    if (e instanceof CudaUnavailableError) throw e;
    throw new Error(`${source}: ONNX Runtime cannot load the teacher: ${(e as Error).message}`, {
      cause: e,
    });
  }
  return new TeacherCalculator(spec, new OrtTeacherRunner(created.session), {
    name: `onnx-teacher:${file}`,
    ...(options.skin !== undefined ? { skin: options.skin } : {}),
    parameters: { backend: created.backend, file: source },
  });
}
