import { describe, expect, it } from 'vitest';
import { randomTensor, rng } from './__fixtures__/check-grad.js';
import { evaluate } from './evaluate.js';
import { grad } from './grad.js';
import { GraphBuildError } from './graph-build-error.js';
import { GraphBuilder } from './graph-builder.js';
import { fromJSON, toJSON } from './json.js';

describe('JSON serialisation', () => {
  it('round-trips a force graph with symbolic dims and gives identical results', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float64', ['atoms', 3]);
    const w = b.param('w', [3, 2]);
    const i = b.input('i', 'int32', ['pairs']);
    const h = b.tanh(b.matmul(x, w));
    b.output('E', b.sumAll(b.square(b.gather(h, i))));
    const g = grad(b.build(), 'E', [x, w]);
    const text = JSON.stringify(toJSON(g));
    const back = fromJSON(text);
    expect(back).toEqual(g);
    const r = rng(7);
    const feeds = {
      x: randomTensor(r, [4, 3]),
      w: randomTensor(r, [3, 2]),
      i: { shape: [5], data: Float64Array.from([0, 3, 3, 1, 2]) },
    };
    expect(evaluate(back, feeds)).toEqual(evaluate(g, feeds));
  });

  it('re-validates on load', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float64', [2]);
    b.output('y', b.exp(x));
    const json = toJSON(b.build());
    json.nodes[1].op = 'frobnicate';
    expect(() => fromJSON(json)).toThrow(GraphBuildError);
  });
});
