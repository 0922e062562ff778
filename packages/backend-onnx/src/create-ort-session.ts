import { existsSync } from 'node:fs';
import type { InferenceSession } from 'onnxruntime-node';
import { loadOrt, type OrtSession, ortBinaryPath } from './ort.js';

/** Where and how onnxruntime runs a model. */
export interface OnnxRuntimeOptions {
  /**
   * `'cpu'` (default) or `'cuda'` (NVIDIA GPU; needs the CUDA build of the execution
   * provider, see the package README). Nodes CUDA cannot run fall back to CPU inside
   * onnxruntime.
   */
  executionProvider?: 'cpu' | 'cuda';
  /** CUDA device index (default 0). */
  deviceId?: number;
  /** Threads used inside one op (default: onnxruntime's choice, one per physical core). */
  intraOpNumThreads?: number;
  /** Threads running independent ops in parallel (default: onnxruntime's choice). */
  interOpNumThreads?: number;
  /**
   * onnxruntime graph optimisation level. Default `'all'`, except `'basic'` for graphs
   * with float64 values when compiled by `OnnxBackend`: onnxruntime's extended-level
   * fusions emit contrib ops with float-only kernels (e.g. `x·sigmoid(x)` → QuickGelu),
   * which makes a float64 session fail to load.
   */
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  /** onnxruntime log severity for this session: 0 verbose … 4 fatal (default 2, warning). */
  logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
}

/**
 * Thrown when `executionProvider: 'cuda'` is requested but onnxruntime cannot create the
 * CUDA execution provider (no provider library installed, no GPU, wrong CUDA version).
 */
export class CudaUnavailableError extends Error {
  /** Why the provider could not be created. */
  readonly reason: string;

  constructor(reason: string) {
    super(
      `CUDA execution provider requested but not available (${reason}): install ` +
        'onnxruntime-node with `--onnxruntime-node-install=cuda12` (npm) on a machine with an ' +
        "NVIDIA GPU and CUDA 12, or use executionProvider 'cpu'",
    );
    this.name = 'CudaUnavailableError';
    this.reason = reason;
  }
}

/** The library the CUDA execution provider lives in, per platform. */
function cudaProviderLibrary(): string | undefined {
  if (process.platform === 'linux') return 'libonnxruntime_providers_cuda.so';
  if (process.platform === 'win32') return 'onnxruntime_providers_cuda.dll';
  return undefined;
}

/** Human-readable reason why the CUDA provider failed, from the error and the install. */
function cudaReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lib = cudaProviderLibrary();
  if (lib === undefined) {
    return `onnxruntime-node has no CUDA execution provider on ${process.platform}/${process.arch}`;
  }
  const path = ortBinaryPath(lib);
  if (!existsSync(path)) return `${path} is not installed; onnxruntime: ${message}`;
  return `onnxruntime: ${message}`;
}

/**
 * Creates an onnxruntime session for serialised model `bytes` with the given options.
 * Returns the session and the backend name (`'onnxruntime-node/cpu'` or `'…/cuda'`).
 * Throws {@link CudaUnavailableError} when CUDA is requested and cannot be used.
 */
export async function createOrtSession(
  bytes: Uint8Array,
  options: OnnxRuntimeOptions = {},
): Promise<{ session: OrtSession; backend: string }> {
  const ort = loadOrt();
  const provider = options.executionProvider ?? 'cpu';
  if (provider !== 'cpu' && provider !== 'cuda') {
    throw new Error(`backend-onnx: unknown executionProvider '${provider}' (use 'cpu' or 'cuda')`);
  }
  const sessionOptions: InferenceSession.SessionOptions = {
    executionProviders: [
      provider === 'cuda' ? { name: 'cuda', deviceId: options.deviceId ?? 0 } : 'cpu',
    ],
    graphOptimizationLevel: options.graphOptimizationLevel ?? 'all',
    logSeverityLevel: options.logSeverityLevel ?? 2,
  };
  if (options.intraOpNumThreads !== undefined) {
    sessionOptions.intraOpNumThreads = options.intraOpNumThreads;
  }
  if (options.interOpNumThreads !== undefined) {
    sessionOptions.interOpNumThreads = options.interOpNumThreads;
  }
  try {
    const session = await ort.InferenceSession.create(bytes, sessionOptions);
    return { session, backend: `onnxruntime-node/${provider}` };
  } catch (e) {
    if (provider === 'cuda') throw new CudaUnavailableError(cudaReason(e));
    const message = e instanceof Error ? e.message : String(e);
    const level = sessionOptions.graphOptimizationLevel;
    if ((level === 'all' || level === 'extended') && /kernel|implementation/i.test(message)) {
      throw new Error(
        `backend-onnx: onnxruntime could not load the model at graphOptimizationLevel ` +
          `'${level}' (${message}); its extended-level fusions have float-only kernels, so ` +
          `use graphOptimizationLevel 'basic' for float64 graphs`,
        { cause: e },
      );
    }
    throw e;
  }
}
