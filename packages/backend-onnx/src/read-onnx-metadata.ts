import { onnx } from './onnx-proto.js';

/** Model-level facts of an ONNX model, as {@link readOnnxMetadata} returns them. */
export interface OnnxModelInfo {
  /** `metadata_props` as a record (e.g. architecture, cutoff, species, units, version). */
  readonly metadata: Record<string, string>;
  readonly producerName: string;
  readonly producerVersion: string;
  readonly irVersion: number;
  /** Default-domain (`ai.onnx`) opset version. */
  readonly opset: number;
  /** Graph input names, in model order. */
  readonly inputs: readonly string[];
  /** Graph output names, in model order. */
  readonly outputs: readonly string[];
  /** Op type of every node, in model order. */
  readonly opTypes: readonly string[];
}

const toNumber = (v: unknown): number => (typeof v === 'number' ? v : Number(String(v)));

/**
 * Decodes a serialised ONNX `ModelProto` (e.g. from {@link compileToOnnx} or a `.onnx`
 * file) and returns its metadata and signature. onnxruntime-node 1.30 does not expose model
 * metadata on its sessions, so this is how callers read the metadata of a model file.
 */
export function readOnnxMetadata(bytes: Uint8Array): OnnxModelInfo {
  const m = onnx.ModelProto.decode(bytes);
  const metadata: Record<string, string> = {};
  for (const p of m.metadataProps) metadata[p.key ?? ''] = p.value ?? '';
  const opset = m.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx');
  const g = m.graph;
  const names = (list: readonly { name?: string | null }[] | null | undefined) =>
    (list ?? []).map((v) => v.name ?? '');
  const initializers = new Set(names(g?.initializer));
  return {
    metadata,
    producerName: m.producerName,
    producerVersion: m.producerVersion,
    irVersion: toNumber(m.irVersion),
    opset: opset ? toNumber(opset.version) : 0,
    inputs: names(g?.input).filter((n) => !initializers.has(n)),
    outputs: names(g?.output),
    opTypes: (g?.node ?? []).map((n) => n.opType ?? ''),
  };
}
