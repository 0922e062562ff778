/**
 * The pieces of tfjs teachers, with a stand-in for tfjs-converter's GraphModel: a hand-written
 * tfjs graph-model directory (model.json with a GraphDef, a signature and teacher metadata, one
 * weight shard split in two) is read by the file IOHandler and the signature reader;
 * `openTfjsTeacher` runs a stand-in GraphModel that computes the same graph with tfjs-core ops
 * (E = w·Σx², F = −2w·x), which checks feeding, output order, tensor disposal and the choice
 * between `execute` and `executeAsync`. A real GraphModel (tfjs-converter's `loadGraphModel`)
 * runs in load-tfjs-teacher.test.ts; the contract check itself (core's checkTeacherSignature)
 * is tested in core.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectTfjsBackend } from '../select-backend.js';
import { TfjsModelFileError, tfjsFileHandler } from './file-io-handler.js';
import { readTfjsTeacherSignature } from './teacher-signature.js';
import { type LoadGraphModel, openTfjsTeacher } from './tfjs-teacher.js';

const W = 0.75;

const shape = (...dims: number[]) => ({ dim: dims.map((d) => ({ size: String(d) })) });

/** model.json of E = w·Σ positions², F = −2w·positions, as tensorflowjs_converter writes it. */
const MODEL_JSON = {
  format: 'graph-model',
  generatedBy: '2.15.0',
  convertedBy: 'hand-written for the tests',
  signature: {
    inputs: {
      positions: { name: 'positions:0', dtype: 'DT_FLOAT', tensorShape: shape(-1, 3) },
      numbers: { name: 'numbers:0', dtype: 'DT_INT32', tensorShape: shape(-1) },
    },
    outputs: {
      energy: { name: 'Identity:0', dtype: 'DT_FLOAT', tensorShape: shape() },
      forces: { name: 'Identity_1:0', dtype: 'DT_FLOAT', tensorShape: shape(-1, 3) },
    },
  },
  userDefinedMetadata: {
    mlffd: { 'mlffd.teacher': 'v1', 'mlffd.forces': 'conservative', 'mlffd.cutoff': 5 },
  },
  modelTopology: {
    node: [
      {
        name: 'positions',
        op: 'Placeholder',
        attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: shape(-1, 3) } },
      },
      {
        name: 'numbers',
        op: 'Placeholder',
        attr: { dtype: { type: 'DT_INT32' }, shape: { shape: shape(-1) } },
      },
      { name: 'w', op: 'Const', attr: { dtype: { type: 'DT_FLOAT' }, value: { tensor: {} } } },
      { name: 'axes', op: 'Const', attr: { dtype: { type: 'DT_INT32' }, value: { tensor: {} } } },
      {
        name: 'minus_two',
        op: 'Const',
        attr: { dtype: { type: 'DT_FLOAT' }, value: { tensor: {} } },
      },
      { name: 'sq', op: 'Square', input: ['positions'], attr: { T: { type: 'DT_FLOAT' } } },
      { name: 'sum', op: 'Sum', input: ['sq', 'axes'], attr: { T: { type: 'DT_FLOAT' } } },
      { name: 'Identity', op: 'Mul', input: ['w', 'sum'], attr: { T: { type: 'DT_FLOAT' } } },
      { name: 'scale', op: 'Mul', input: ['minus_two', 'w'], attr: { T: { type: 'DT_FLOAT' } } },
      {
        name: 'Identity_1',
        op: 'Mul',
        input: ['scale', 'positions'],
        attr: { T: { type: 'DT_FLOAT' } },
      },
    ],
    library: {},
    versions: { producer: 1482 },
  },
  weightsManifest: [
    {
      paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'],
      weights: [
        { name: 'w', shape: [], dtype: 'float32' },
        { name: 'axes', shape: [2], dtype: 'int32' },
        { name: 'minus_two', shape: [], dtype: 'float32' },
      ],
    },
  ],
};

let dir: string;

beforeAll(async () => {
  await selectTfjsBackend({ backend: 'cpu' });
  dir = await mkdtemp(join(tmpdir(), 'tfjs-teacher-'));
  await writeFile(join(dir, 'model.json'), JSON.stringify(MODEL_JSON));
  // 16 bytes of weights split over two shards at an arbitrary byte.
  const bytes = new Uint8Array(16);
  new Float32Array(bytes.buffer, 0, 1)[0] = W;
  new Int32Array(bytes.buffer, 4, 2).set([0, 1]);
  new Float32Array(bytes.buffer, 12, 1)[0] = -2;
  await writeFile(join(dir, 'group1-shard1of2.bin'), bytes.subarray(0, 6));
  await writeFile(join(dir, 'group1-shard2of2.bin'), bytes.subarray(6));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A stand-in for tfjs-converter's loadGraphModel running the graph above. */
const fakeLoadGraphModel: LoadGraphModel = async (handler) => {
  const artifacts = await handler.load!();
  const weights = tf.io.decodeWeights(artifacts.weightData!, artifacts.weightSpecs!);
  return {
    async executeAsync(inputs, outputs) {
      const x = inputs.positions!;
      const w = weights.w!;
      const all = {
        energy: () => tf.mul(w, tf.sum(tf.square(x), weights.axes!.arraySync() as number[])),
        forces: () => tf.mul(tf.mul(weights.minus_two!, w), x),
      };
      // A GraphModel disposes its intermediates: tidy does that here.
      return (outputs as string[]).map((o) => tf.tidy(all[o as keyof typeof all]));
    },
    dispose() {
      tf.dispose(Object.values(weights));
    },
  };
};

describe('tfjs graph models as teachers', () => {
  it('the file IOHandler reads model.json and concatenates the weight shards', async () => {
    const artifacts = await tfjsFileHandler(pathToFileURL(dir).href).load!();
    expect(artifacts.format).toBe('graph-model');
    expect((artifacts.modelTopology as { node: unknown[] }).node).toHaveLength(10);
    expect(artifacts.weightSpecs!.map((s) => s.name)).toEqual(['w', 'axes', 'minus_two']);
    const data = new Uint8Array(artifacts.weightData as ArrayBuffer);
    expect(data.byteLength).toBe(16);
    expect(new Float32Array(data.buffer, 0, 1)[0]).toBe(W);
    const weights = tf.io.decodeWeights(artifacts.weightData!, artifacts.weightSpecs!);
    expect(weights.axes!.arraySync()).toEqual([0, 1]);
    tf.dispose(Object.values(weights));
  });

  it('reads the signature and teacher metadata from model.json', async () => {
    const artifacts = await tfjsFileHandler(join(dir, 'model.json')).load!();
    expect(readTfjsTeacherSignature(artifacts)).toEqual({
      inputs: [
        { name: 'positions', dtype: 'float32', shape: [null, 3] },
        { name: 'numbers', dtype: 'int32', shape: [null] },
      ],
      outputs: [
        { name: 'energy', dtype: 'float32', shape: [] },
        { name: 'forces', dtype: 'float32', shape: [null, 3] },
      ],
      metadata: { 'mlffd.teacher': 'v1', 'mlffd.forces': 'conservative', 'mlffd.cutoff': '5' },
    });
  });

  it('without a signature: Placeholders are the inputs, unconsumed nodes the outputs', () => {
    const { signature: _, ...bare } = MODEL_JSON;
    const found = readTfjsTeacherSignature(bare);
    expect(found.inputs.map((i) => i.name)).toEqual(['positions', 'numbers']);
    expect(found.outputs).toEqual([
      { name: 'Identity', dtype: 'float32', shape: null },
      { name: 'Identity_1', dtype: 'float32', shape: null },
    ]);
  });

  it('a signature in userDefinedMetadata takes precedence, as in tfjs-converter', () => {
    const found = readTfjsTeacherSignature({
      ...MODEL_JSON,
      userDefinedMetadata: {
        ...MODEL_JSON.userDefinedMetadata,
        signature: { inputs: {}, outputs: { energy: MODEL_JSON.signature.outputs.energy } },
        structuredOutputKeys: ['energy'],
      },
    });
    expect(found.inputs).toEqual([]);
    expect(found.outputs).toEqual([{ name: 'energy', dtype: 'float32', shape: [] }]);
    expect(found.metadata).toEqual({
      'mlffd.teacher': 'v1',
      'mlffd.forces': 'conservative',
      'mlffd.cutoff': '5',
    });
  });

  it('runs with execute, and with executeAsync once execute refuses a dynamic graph', async () => {
    const calls: string[] = [];
    const loadGraphModel: LoadGraphModel = async (handler) => {
      const model = await fakeLoadGraphModel(handler);
      return {
        ...model,
        execute() {
          calls.push('execute');
          throw new Error(
            "This execution contains the node 'Where', which has the dynamic op 'Where'. " +
              'Please use model.executeAsync() instead.',
          );
        },
        executeAsync(inputs, outputs) {
          calls.push('executeAsync');
          return model.executeAsync(inputs, outputs);
        },
      };
    };
    const teacher = await openTfjsTeacher(dir, { loadGraphModel, backend: 'cpu' });
    const feeds = {
      positions: { dtype: 'float32', shape: [1, 3], data: Float32Array.of(1, 2, 3) },
    };
    for (let k = 0; k < 2; k++) {
      const out = await teacher.run(feeds, ['energy']);
      expect(out.energy!.data[0]).toBeCloseTo(W * 14, 5);
    }
    expect(calls).toEqual(['execute', 'executeAsync', 'executeAsync']);
    await teacher.dispose();
  });

  it('openTfjsTeacher feeds contract inputs and returns the outputs asked for, leaking nothing', async () => {
    const teacher = await openTfjsTeacher(dir, {
      loadGraphModel: fakeLoadGraphModel,
      backend: 'cpu',
    });
    expect(teacher.backend).toBe('tfjs/cpu');
    expect(teacher.source).toBe(join(dir, 'model.json'));
    expect(teacher.signature.outputs.map((o) => o.name)).toEqual(['energy', 'forces']);
    const before = tf.memory().numTensors;
    const positions = Float64Array.of(0.5, -1, 2, 1.5, 0.25, -0.5);
    const out = await teacher.run(
      {
        positions: { dtype: 'float64', shape: [2, 3], data: positions },
        numbers: { dtype: 'int64', shape: [2], data: BigInt64Array.of(1n, 8n) },
      },
      ['forces', 'energy'],
    );
    expect(tf.memory().numTensors).toBe(before);
    const sumSq = positions.reduce((s, v) => s + v * v, 0);
    expect(out.energy!.shape).toEqual([]);
    expect(out.energy!.data[0]).toBeCloseTo(W * sumSq, 5);
    expect(out.forces!.shape).toEqual([2, 3]);
    expect(Array.from(out.forces!.data)).toEqual(Array.from(positions, (v) => -2 * W * v));
    await teacher.dispose();
    await expect(teacher.run({}, ['energy'])).rejects.toThrow('teacher used after dispose()');
  });

  it('a missing model or shard names the file', async () => {
    await expect(tfjsFileHandler(join(dir, 'absent')).load!()).rejects.toThrow(TfjsModelFileError);
    const other = await mkdtemp(join(tmpdir(), 'tfjs-teacher-'));
    try {
      await writeFile(join(other, 'model.json'), JSON.stringify(MODEL_JSON));
      await expect(tfjsFileHandler(other).load!()).rejects.toThrow(
        `${join(other, 'model.json')}: cannot read weight shard ${join(other, 'group1-shard1of2.bin')}`,
      );
      await writeFile(join(other, 'model.json'), '{"format": "graph-model"}');
      await expect(tfjsFileHandler(other).load!()).rejects.toThrow(
        `${join(other, 'model.json')} is not a tfjs model.json (no modelTopology)`,
      );
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});
