import { type Graph, GraphBuilder } from '@mlff-distiller/graph';
import { describe, expect, it } from 'vitest';
import { expectClose, oracle, randomFeeds, rng } from './__fixtures__/random.js';
import { compileToOnnx, ONNX_IR_VERSION, ONNX_OPSET, onnxSignature } from './compile-to-onnx.js';
import { OnnxBackend } from './onnx-backend.js';
import { OnnxCompileError } from './onnx-compile-error.js';
import { onnx } from './onnx-proto.js';
import { readOnnxMetadata } from './read-onnx-metadata.js';

/** y = tanh(x·W + b) summed per row, with float32 parameters W [3,2] and b [2]. */
function dense(dt: 'float32' | 'float64' = 'float32'): Graph {
  const b = new GraphBuilder();
  const x = b.input('x', dt, ['atoms', 3]);
  const w = b.param('W', [3, 2], dt);
  const bias = b.param('b', [2], dt);
  const h = b.tanh(b.dense(x, w, bias));
  b.output('y', b.reduceSum(h, [1]));
  b.output('h', h);
  return b.build();
}

/** The bytes of a decoded `raw_data` field in their own buffer (decoding returns views). */
const copyBytes = (raw: Uint8Array | null | undefined): ArrayBuffer =>
  new Uint8Array(raw ?? []).buffer;

const W = Float32Array.from([0.1, -0.2, 0.3, 0.4, -0.5, 0.6]);
const B = Float32Array.from([0.05, -0.05]);

describe('compileToOnnx: model structure', () => {
  it('writes IR 8, opset 17, producer, metadata and symbolic input dims', () => {
    const metadata = {
      architecture: 'painn',
      cutoff: '5.0',
      species: 'H,C,O',
      units: 'energy=eV,length=Å,forces=eV/Å',
      version: '1',
    };
    const bytes = compileToOnnx(dense(), {
      parameters: { W, b: B },
      metadata,
      producerVersion: '0.1.0',
    });
    const info = readOnnxMetadata(bytes);
    expect(info.metadata).toEqual(metadata);
    expect(info.producerName).toBe('mlff-distiller');
    expect(info.producerVersion).toBe('0.1.0');
    expect(info.irVersion).toBe(ONNX_IR_VERSION);
    expect(info.irVersion).toBe(8);
    expect(info.opset).toBe(ONNX_OPSET);
    expect(info.inputs).toEqual(['x']);
    expect(info.outputs).toEqual(['y', 'h']);

    // The same facts straight from the protobuf.
    const m = onnx.ModelProto.decode(bytes);
    const x = m.graph?.input?.[0];
    const dims = x?.type?.tensorType?.shape?.dim ?? [];
    expect(dims.map((d) => d.dimParam || Number(d.dimValue))).toEqual(['atoms', 3]);
    expect(x?.type?.tensorType?.elemType).toBe(onnx.TensorProto.DataType.FLOAT);
    const inits = Object.fromEntries((m.graph?.initializer ?? []).map((t) => [t.name, t]));
    expect(inits.W.dataType).toBe(onnx.TensorProto.DataType.FLOAT);
    expect(Array.from(inits.W.dims ?? [], Number)).toEqual([3, 2]);
    expect(Array.from(new Float32Array(copyBytes(inits.W.rawData)))).toEqual(Array.from(W));
  });

  it('float64 parameters are stored as doubles (values converted from Float32Array)', () => {
    const bytes = compileToOnnx(dense('float64'), { parameters: { W, b: B } });
    const m = onnx.ModelProto.decode(bytes);
    const w = (m.graph?.initializer ?? []).find((t) => t.name === 'W');
    expect(w?.dataType).toBe(onnx.TensorProto.DataType.DOUBLE);
    expect(Array.from(new Float64Array(copyBytes(w?.rawData)))).toEqual(Array.from(W));
  });

  it("parameterMode 'input' makes parameters graph inputs; both modes give the same values", async () => {
    const graph = dense();
    const asInputs = compileToOnnx(graph, { parameterMode: 'input' });
    expect(readOnnxMetadata(asInputs).inputs).toEqual(['x', 'W', 'b']);
    expect(
      onnxSignature(graph, { parameterMode: 'input' }).inputs.map((s) => s.isParameter),
    ).toEqual([false, true, true]);
    const backend = new OnnxBackend();
    const constant = await backend.compile(graph, { parameters: { W, b: B } });
    const input = await backend.compile(graph, { parameterMode: 'input' });
    expect(constant.inputNames).toEqual(['x']);
    expect(input.inputNames).toEqual(['x', 'W', 'b']);
    const feeds = randomFeeds(rng(1), graph, { sizes: { atoms: 5 } });
    const x = { x: feeds.x };
    const a = await constant.run(x);
    const b = await input.run({ ...x, W: { shape: [3, 2], data: W }, b: { shape: [2], data: B } });
    expect(Array.from(a.y.data)).toEqual(Array.from(b.y.data));
    expectClose(
      a.y.data,
      oracle(graph, { ...x, W: { shape: [3, 2], data: W }, b: { shape: [2], data: B } }).y.data,
      1e-5,
    );
    await constant.dispose();
    await input.dispose();
  });

  it('options.outputs selects outputs and drops the nodes only others need', () => {
    const bytes = compileToOnnx(dense(), { parameters: { W, b: B }, outputs: ['h'] });
    const info = readOnnxMetadata(bytes);
    expect(info.outputs).toEqual(['h']);
    expect(info.opTypes).not.toContain('ReduceSum');
    expect(() => compileToOnnx(dense(), { parameters: { W, b: B }, outputs: ['nope'] })).toThrow(
      /no output named 'nope'/,
    );
  });

  it('outputs that are inputs, or share a node, get their own names', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float64', ['n']);
    const e = b.exp(x);
    b.output('x', x);
    b.output('e1', e);
    b.output('e2', e);
    b.output('same', b.reshape(x, ['n']));
    const graph = b.build();
    const session = await new OnnxBackend().compile(graph);
    const data = Float64Array.from([0, 1, 2]);
    const out = await session.run({ x: { shape: [3], data } });
    expect(Array.from(out.x.data)).toEqual([0, 1, 2]);
    expect(Array.from(out.same.data)).toEqual([0, 1, 2]);
    expectClose(out.e1.data, Array.from(data, Math.exp), 1e-15);
    expectClose(out.e2.data, Array.from(data, Math.exp), 1e-15);
    await session.dispose();
  });

  it('internal tensor names never collide with user names', async () => {
    const b = new GraphBuilder();
    // Names shaped like the generated ones.
    const x = b.input('exp#1/Exp', 'float32', [2]);
    const c = b.input('const_int64', 'float32', [2]);
    b.output('add#3/Add', b.add(b.exp(x), c));
    b.output('dim(exp#1/Exp:0)/Shape', b.reshape(x, [2, 1]));
    const session = await new OnnxBackend().compile(b.build());
    const out = await session.run({
      'exp#1/Exp': { shape: [2], data: Float32Array.from([0, 1]) },
      const_int64: { shape: [2], data: Float32Array.from([1, 1]) },
    });
    expectClose(out['add#3/Add'].data, [2, Math.E + 1], 1e-6);
    await session.dispose();
  });
});

describe('compileToOnnx: compile-time errors', () => {
  it('names the parameter that has no value, or the wrong number of values', () => {
    expect(() => compileToOnnx(dense(), { parameters: { W } })).toThrow(OnnxCompileError);
    expect(() => compileToOnnx(dense(), { parameters: { W } })).toThrow(
      /param #\d+: no value for parameter 'b'.*\(operand shapes \[2\]\)/,
    );
    expect(() => compileToOnnx(dense(), { parameters: { W, b: W } })).toThrow(
      /parameter 'b' has 6 values, expected 2/,
    );
  });

  it('an unsupported op names the op, node id and operand shapes', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', ['atoms', 3]);
    b.output('y', b.exp(x));
    const g = b.build();
    const bad: Graph = {
      nodes: [
        ...g.nodes,
        { id: 2, op: 'fft', inputs: [1], attrs: {}, dtype: 'float32', shape: ['atoms', 3] },
      ],
      outputs: { y: 2 },
    };
    let error: unknown;
    try {
      compileToOnnx(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OnnxCompileError);
    const e = error as OnnxCompileError;
    expect(e.op).toBe('fft');
    expect(e.nodeId).toBe(2);
    expect(e.message).toMatch(/fft #2: unsupported op.*operand shapes \[atoms,3\]/);
  });

  it('an unsupported dtype is rejected at compile time', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [2]);
    b.output('y', b.exp(x));
    const g = b.build();
    const bad: Graph = {
      nodes: [g.nodes[0], { ...g.nodes[1], dtype: 'float16' as never }],
      outputs: g.outputs,
    };
    expect(() => compileToOnnx(bad)).toThrow(/exp #1: dtype 'float16' is not supported/);
  });

  it('a symbolic size no input carries is a compile-time error', () => {
    const b = new GraphBuilder();
    const e = b.input('e', 'float32', ['atoms', 3]);
    const s = b.input('s', 'int32', ['atoms']);
    b.output('perStructure', b.segmentSum(e, s, 'structures'));
    expect(() => compileToOnnx(b.build())).toThrow(
      /scatterAdd #2: symbolic dim 'structures' is carried by no graph input/,
    );
    // Feeding anything with that dim makes it resolvable.
    b.input('structureIds', 'int32', ['structures']);
    expect(() => compileToOnnx(b.build())).not.toThrow();
  });

  it('an output named like a different input is rejected', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [2]);
    b.input('y', 'float32', [2]);
    b.output('y', b.exp(x));
    expect(() => compileToOnnx(b.build())).toThrow(/output name 'y' is also the name of an input/);
  });
});
