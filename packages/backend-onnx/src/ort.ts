import { createRequire } from 'node:module';
import type * as OrtModule from 'onnxruntime-node';

/** The `onnxruntime-node` module. */
export type Ort = typeof OrtModule;
/** An onnxruntime tensor. */
export type OrtTensor = OrtModule.Tensor;
/** An onnxruntime inference session. */
export type OrtSession = OrtModule.InferenceSession;

const require = createRequire(import.meta.url);
let ort: Ort | undefined;

/**
 * Loads `onnxruntime-node` on first use (it loads a ~45 MB native library, so importing
 * this package stays cheap until a session is created). Always the same module instance as
 * `import * as ort from 'onnxruntime-node'`, so tensors created by callers pass its
 * `instanceof` checks.
 */
export function loadOrt(): Ort {
  ort ??= require('onnxruntime-node') as Ort;
  return ort;
}

/** Path of the file `onnxruntime-node` keeps its native libraries in, for this platform. */
export function ortBinaryPath(file: string): string {
  const main = require.resolve('onnxruntime-node');
  return `${main.replace(/[\\/]dist[\\/]index\.js$/, '')}/bin/napi-v6/${process.platform}/${process.arch}/${file}`;
}
