import { createRequire } from 'node:module';
import type { onnx as OnnxNamespace } from 'onnx-proto';

/**
 * The `onnx` namespace of protobufjs message classes from `onnx-proto` (ModelProto,
 * GraphProto, NodeProto, TensorProto, …).
 *
 * `onnx-proto` is a CommonJS bundle whose exports Node's ESM loader cannot detect
 * statically (`module.exports = $root`), so it is loaded through `require`; the types come
 * from its declaration file.
 */
export const onnx: typeof OnnxNamespace = (
  createRequire(import.meta.url)('onnx-proto') as { onnx: typeof OnnxNamespace }
).onnx;

export type { OnnxNamespace as OnnxTypes };
