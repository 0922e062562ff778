import { describe, expect, it } from 'vitest';
import { grad } from './grad.js';
import { GraphBuildError } from './graph-build-error.js';
import { GraphBuilder } from './graph-builder.js';
import { GRAPH_OPS, inferOp } from './infer.js';

/** Acceptance 6: errors at build time, naming the op and the shapes involved. */
describe('build-time errors', () => {
  const fails = (f: () => unknown, ...parts: string[]) => {
    let err: unknown;
    try {
      f();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GraphBuildError);
    for (const p of parts) expect((err as Error).message).toContain(p);
  };

  it('reports a broadcast mismatch with both shapes', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float64', [3, 4]);
    const y = b.input('y', 'float64', [5]);
    fails(() => b.add(x, y), 'add', '[3,4]', '[5]', 'broadcast');
  });

  it('reports symbolic dims that cannot be proven equal', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float64', ['atoms', 3]);
    const y = b.input('y', 'float64', ['edges', 3]);
    fails(() => b.mul(x, y), 'mul', '[atoms,3]', '[edges,3]');
  });

  it('reports dtype mismatches', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [3]);
    const y = b.input('y', 'float64', [3]);
    fails(() => b.sub(x, y), 'sub', 'float32', 'float64');
    const i = b.input('i', 'int32', [3]);
    fails(() => b.exp(i), 'exp', 'int32');
    fails(() => b.gather(x, y), 'gather', 'int32');
    fails(() => b.where(x, x, x), 'where', 'bool');
  });

  it('reports matmul inner-dimension mismatches', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float64', ['atoms', 8]);
    const w = b.param('w', [16, 4]);
    fails(() => b.matmul(x, w), 'matmul', '[atoms,8]', '[16,4]');
  });

  it('reports unsupported ops and bad attributes', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float64', [2, 3]);
    fails(() => b.addNode('conv2d', [x]), 'conv2d', 'unsupported', '[2,3]');
    fails(() => b.reduceSum(x, [2]), 'reduceSum', 'axis 2', '[2,3]');
    fails(() => b.reshape(x, [4, 2]), 'reshape', '[2,3]');
    fails(() => b.slice(x, 1, 2, 5), 'slice', '[2,3]');
    fails(() => b.concat([x, b.input('z', 'float64', [3, 3])], 1), 'concat', '[2,3]', '[3,3]');
    fails(() => b.input('x', 'float64', [1]), "name 'x'");
  });

  it('refuses to differentiate a missing output or a non-float node', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float64', [2]);
    const i = b.input('i', 'int32', [2]);
    b.output('y', b.sumAll(b.gather(x, i)));
    fails(() => grad(b.build(), 'nope', [x]), 'grad', 'nope');
    fails(() => grad(b.build(), 'y', [i]), 'grad', 'not float');
  });
});

describe('op list', () => {
  it('GRAPH_OPS names every op inference accepts, and inference rejects others', () => {
    for (const op of GRAPH_OPS) {
      let message = '';
      try {
        inferOp(op, [], {});
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message, op).not.toMatch(/unsupported op/);
    }
    expect(() => inferOp('conv2d', [], {})).toThrow(/unsupported op/);
  });
});
