import type { CompileOptions, Dim, Graph, GraphNode, NodeId, Shape } from '@mlff-distiller/graph';
import { DTYPES, isKnownDType } from './dtypes.js';
import { LOWERED_OPS, lowerNode } from './lower-node.js';
import { OnnxCompileError } from './onnx-compile-error.js';
import { OnnxGraphWriter } from './onnx-graph-writer.js';
import { type OnnxTypes, onnx } from './onnx-proto.js';
import { ShapeTensors, type TensorRef } from './shape-tensors.js';

/** ONNX IR version of the models written here. */
export const ONNX_IR_VERSION = 8;
/** Default-domain opset of the models written here (ONNX 1.12). */
export const ONNX_OPSET = 17;
/** `producer_name` of the models written here. */
export const PRODUCER_NAME = 'mlff-distiller';

/** Options of {@link compileToOnnx}. */
export interface OnnxCompileOptions extends CompileOptions {
  /**
   * Model metadata (`metadata_props`), e.g. `architecture`, `cutoff` (Å), `species`,
   * `units`, `version`. Read back with {@link readOnnxMetadata}.
   */
  metadata?: Readonly<Record<string, string>>;
  /** `producer_version` (e.g. the package version of the exporter). Default `''`. */
  producerVersion?: string;
  /** Name of the ONNX graph. Default `'mlff-distiller'`. */
  graphName?: string;
  /** Free-text `doc_string` of the model. */
  docString?: string;
}

/** A graph input of the compiled model: a graph `input`, or a `param` in `'input'` mode. */
export interface OnnxInputSpec {
  readonly name: string;
  readonly dtype: GraphNode['dtype'];
  readonly shape: Shape;
  /** Whether this input is a parameter (fed by the trainer) rather than data. */
  readonly isParameter: boolean;
}

/** The names and signatures a compiled model exposes. */
export interface OnnxModelSignature {
  readonly inputs: readonly OnnxInputSpec[];
  /** Output name → IR node (dtype and shape). */
  readonly outputs: Readonly<Record<string, Pick<GraphNode, 'dtype' | 'shape'>>>;
}

/**
 * The inputs and outputs {@link compileToOnnx} gives a graph under `options` (graph
 * `input` nodes in id order, then `param` nodes in `'input'` mode; the selected outputs).
 */
export function onnxSignature(graph: Graph, options: CompileOptions = {}): OnnxModelSignature {
  const mode = options.parameterMode ?? 'constant';
  const inputs: OnnxInputSpec[] = [];
  for (const isParameter of [false, true]) {
    for (const n of graph.nodes) {
      const wanted = isParameter ? n.op === 'param' && mode === 'input' : n.op === 'input';
      if (wanted) {
        inputs.push({ name: n.attrs.name as string, dtype: n.dtype, shape: n.shape, isParameter });
      }
    }
  }
  const outputs: Record<string, Pick<GraphNode, 'dtype' | 'shape'>> = {};
  for (const name of options.outputs ?? Object.keys(graph.outputs)) {
    const id = graph.outputs[name];
    if (id === undefined) {
      throw new OnnxCompileError('graph', undefined, `no output named '${name}'`);
    }
    const n = graph.nodes[id];
    outputs[name] = { dtype: n.dtype, shape: n.shape };
  }
  return { inputs, outputs };
}

function valueInfo(
  name: string,
  dtype: GraphNode['dtype'],
  shape: Shape,
): OnnxTypes.IValueInfoProto {
  const dim = shape.map((d: Dim) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType: DTYPES[dtype].onnx, shape: { dim } } } };
}

/**
 * Compiles a graph to an ONNX model (serialised `ModelProto`, IR version 8, opset 17)
 * that plain onnxruntime can run.
 *
 * - Graph `input` nodes become graph inputs (symbolic dims as `dim_param`).
 * - `param` nodes become initializers holding `options.parameters[name]` converted to the
 *   node's dtype (`parameterMode: 'constant'`, the default, for inference) or graph inputs
 *   fed at every run (`'input'`, for training: updating parameters never rebuilds a
 *   session).
 * - `constant` nodes become initializers.
 * - Outputs keep the graph's output names (`options.outputs` selects a subset; nodes no
 *   selected output needs are dropped, every input is kept).
 * - `options.metadata` goes to `metadata_props`; `producer_name` is `'mlff-distiller'`.
 *
 * Throws {@link OnnxCompileError} (op, node id, operand shapes) for unknown ops or dtypes,
 * missing or mis-sized parameter values, symbolic dims no input carries, and output names
 * that clash with input names.
 */
export function compileToOnnx(graph: Graph, options: OnnxCompileOptions = {}): Uint8Array {
  const mode = options.parameterMode ?? 'constant';
  if (mode !== 'constant' && mode !== 'input') {
    throw new OnnxCompileError('graph', undefined, `unknown parameterMode '${mode}'`);
  }
  const signature = onnxSignature(graph, options);
  const outputNames = Object.keys(signature.outputs);

  for (const n of graph.nodes) {
    if (!isKnownDType(n.dtype)) {
      throw new OnnxCompileError(
        n.op,
        n.id,
        `dtype '${n.dtype}' is not supported (float32, float64, int32, bool)`,
        n.inputs.map((i) => graph.nodes[i].shape),
      );
    }
  }

  // Names the user sees: inputs, parameters, outputs. Internal tensors avoid them.
  const leafNames = new Map<string, NodeId>();
  for (const n of graph.nodes) {
    if (n.op === 'input' || n.op === 'param') leafNames.set(n.attrs.name as string, n.id);
  }
  for (const name of outputNames) {
    const leaf = leafNames.get(name);
    if (leaf !== undefined && leaf !== graph.outputs[name]) {
      throw new OnnxCompileError(
        'graph',
        undefined,
        `output name '${name}' is also the name of an input or parameter`,
      );
    }
  }
  const writer = new OnnxGraphWriter([...leafNames.keys(), ...outputNames]);

  // Nodes the selected outputs need.
  const needed = new Uint8Array(graph.nodes.length);
  for (const name of outputNames) needed[graph.outputs[name]] = 1;
  for (let id = graph.nodes.length - 1; id >= 0; id--) {
    if (needed[id]) for (const i of graph.nodes[id].inputs) needed[i] = 1;
  }

  // A node referenced by exactly one output writes that output directly.
  const refs = new Map<NodeId, string[]>();
  for (const name of outputNames) {
    const id = graph.outputs[name];
    refs.set(id, [...(refs.get(id) ?? []), name]);
  }

  const sources: TensorRef[] = signature.inputs.map((s) => ({ name: s.name, shape: s.shape }));
  const shapes = new ShapeTensors(writer, sources);
  const tensors: string[] = new Array(graph.nodes.length);
  const lowered = new Set(LOWERED_OPS);
  const ctx = {
    graph,
    writer,
    shapes,
    tensor: (id: NodeId) => tensors[id],
    outputName: (id: NodeId) => {
      const r = refs.get(id);
      return r && r.length === 1 ? r[0] : undefined;
    },
  };

  for (const n of graph.nodes) {
    if (n.op === 'input') {
      tensors[n.id] = n.attrs.name as string;
    } else if (n.op === 'param') {
      tensors[n.id] = mode === 'input' ? (n.attrs.name as string) : parameterInitializer(n);
    } else if (!needed[n.id]) {
      // not on a path to a selected output
    } else if (n.op === 'constant') {
      tensors[n.id] = writer.constant(n.dtype, n.shape as number[], n.attrs.value as number[]);
    } else if (lowered.has(n.op)) {
      tensors[n.id] = lowerNode(ctx, n);
    } else {
      throw new OnnxCompileError(
        n.op,
        n.id,
        `unsupported op (no ONNX lowering; dtype ${n.dtype}, shape [${n.shape.join(',')}])`,
        n.inputs.map((i) => graph.nodes[i].shape),
      );
    }
  }

  function parameterInitializer(n: GraphNode): string {
    const name = n.attrs.name as string;
    if (!needed[n.id]) return name;
    const values = options.parameters?.[name];
    if (!values) {
      throw new OnnxCompileError(
        'param',
        n.id,
        `no value for parameter '${name}' (parameterMode 'constant' needs options.parameters)`,
        [n.shape],
      );
    }
    if (!n.shape.every((d) => typeof d === 'number')) {
      throw new OnnxCompileError('param', n.id, `parameter '${name}' has a symbolic shape`, [
        n.shape,
      ]);
    }
    const size = (n.shape as number[]).reduce((p, d) => p * d, 1);
    if (values.length !== size) {
      throw new OnnxCompileError(
        'param',
        n.id,
        `parameter '${name}' has ${values.length} values, expected ${size}`,
        [n.shape],
      );
    }
    return writer.initializer(name, n.dtype, n.shape as number[], values);
  }

  // Outputs that are not written under their own name get an Identity.
  for (const name of outputNames) {
    const id = graph.outputs[name];
    if (tensors[id] !== name)
      writer.node('Identity', [tensors[id]], `output(${name})`, { output: name });
  }

  const model: OnnxTypes.IModelProto = {
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: PRODUCER_NAME,
    producerVersion: options.producerVersion ?? '',
    docString: options.docString ?? '',
    graph: {
      name: options.graphName ?? PRODUCER_NAME,
      node: writer.nodes,
      initializer: writer.initializers,
      input: signature.inputs.map((s) => valueInfo(s.name, s.dtype, s.shape)),
      output: outputNames.map((name) =>
        valueInfo(name, signature.outputs[name].dtype, signature.outputs[name].shape),
      ),
    },
    metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => {
      if (typeof value !== 'string') {
        throw new OnnxCompileError('graph', undefined, `metadata '${key}' must be a string`);
      }
      return { key, value };
    }),
  };
  return onnx.ModelProto.encode(model).finish();
}
