/**
 * Acceptance 1: first and second derivatives of every op against central finite
 * differences in float64.
 *
 * Tolerances. Central differences with step h = 1e-5 have truncation error ~h²·|f'''|/6
 * ≈ 1e-11 and rounding error ~ε·|L|/h ≈ 2e-16·|L|/1e-5 ≈ 1e-10 for |L| ≲ 10, so the
 * first-order check uses |analytic − FD| ≤ 1e-6·max(1, ‖FD‖∞), four orders above the
 * expected error yet far below any wrong-rule error (≥ 1e-2 relative). The second-order
 * check differentiates an analytic gradient, whose own values are exact to float64, so
 * the same analysis holds with larger third-derivative constants (exp, pow, rsqrt); it
 * uses 1e-5.
 */
import { describe, it } from 'vitest';
import { checkGradients, randomTensor, rng } from './__fixtures__/check-grad.js';
import type { GraphBuilder } from './graph-builder.js';
import type { NodeId } from './ir.js';

const unary: [string, number, number][] = [
  ['neg', -2, 2],
  ['exp', -1.5, 1.5],
  ['log', 0.3, 3],
  ['sin', -3, 3],
  ['cos', -3, 3],
  ['sqrt', 0.3, 3],
  ['rsqrt', 0.3, 3],
  ['square', -2, 2],
  ['silu', -3, 3],
  ['sigmoid', -3, 3],
  ['tanh', -2, 2],
  ['softplus', -3, 3],
];

describe('unary op derivatives', () => {
  unary.forEach(([op, lo, hi], k) => {
    it(`${op}: first and second order`, () => {
      const r = rng(100 + k);
      const shape = [2 + Math.floor(3 * r()), 1 + Math.floor(3 * r())];
      checkGradients(
        k,
        (b) => {
          const x = b.input('x', 'float64', shape);
          return { y: b.addNode(op, [x]), wrt: [x] };
        },
        { x: randomTensor(r, shape, lo, hi) },
      );
    });
  });
});

const binary: [string, number[], number[], [number, number], [number, number]][] = [
  ['add', [3, 1, 4], [2, 4], [-1, 1], [-1, 1]],
  ['sub', [2, 4], [3, 1, 4], [-1, 1], [-1, 1]],
  ['mul', [3, 4], [4], [-1, 1], [-1, 1]],
  ['mul', [3, 1], [1, 5], [-1, 1], [-1, 1]],
  ['div', [3, 4], [3, 1], [-1, 1], [0.5, 2]],
  ['pow', [2, 3], [3], [0.5, 2], [-1.5, 2.5]],
  ['pow', [2, 3], [], [0.5, 2], [1, 3]],
];

describe('binary op derivatives with broadcasting', () => {
  binary.forEach(([op, sa, sb, ra, rb], k) => {
    it(`${op} [${sa}] with [${sb}]`, () => {
      const r = rng(200 + k);
      checkGradients(
        10 + k,
        (b) => {
          const x = b.input('a', 'float64', sa);
          const y = b.input('b', 'float64', sb);
          return { y: b.addNode(op, [x, y]), wrt: [x, y] };
        },
        { a: randomTensor(r, sa, ...ra), b: randomTensor(r, sb, ...rb) },
      );
    });
  });
});

type Case = [
  string,
  Record<string, number[]>,
  (b: GraphBuilder, x: Record<string, NodeId>) => NodeId,
];

const structural: Case[] = [
  ['matmul', { a: [3, 4], b: [4, 2] }, (b, x) => b.matmul(x.a, x.b)],
  ['transpose', { a: [2, 3, 4] }, (b, x) => b.transpose(x.a, [2, 0, 1])],
  ['reduceSum axis 1', { a: [3, 4, 2] }, (b, x) => b.reduceSum(x.a, [1])],
  ['reduceSum axes [0,-1] keepDims', { a: [3, 4, 2] }, (b, x) => b.reduceSum(x.a, [0, -1], true)],
  [
    'gather axis 0, repeated indices',
    { a: [4, 3] },
    (b, x) => b.gather(x.a, b.constant([0, 2, 2, 1, 0, 2], [6], 'int32'), 0),
  ],
  [
    'gather axis 1, 2-D repeated indices',
    { a: [2, 4, 3] },
    (b, x) => b.gather(x.a, b.constant([3, 3, 0, 1], [2, 2], 'int32'), 1),
  ],
  [
    'scatterAdd (segment sum), repeated indices',
    { a: [5, 2] },
    (b, x) => b.scatterAdd(x.a, b.constant([1, 0, 1, 3, 1], [5], 'int32'), 0, 4),
  ],
  ['reshape', { a: [2, 6] }, (b, x) => b.reshape(x.a, [3, 2, 2])],
  ['broadcastTo', { a: [3, 1] }, (b, x) => b.broadcastTo(x.a, [2, 3, 4])],
  ['concat', { a: [2, 3], b: [2, 1], c: [2, 2] }, (b, x) => b.concat([x.a, x.b, x.c], 1)],
  ['slice', { a: [3, 5] }, (b, x) => b.slice(x.a, 1, 1, 4)],
  ['pad', { a: [3, 2] }, (b, x) => b.pad(x.a, 0, 1, 2)],
  [
    'where with comparison mask',
    { a: [3, 4], b: [4] },
    (b, x) => b.where(b.greater(x.a, { scalar: 0 }), b.exp(x.a), b.mul(x.b, x.a)),
  ],
  [
    'where with broadcast branches and lessEqual',
    { a: [3, 1], b: [4] },
    (b, x) => b.where(b.lessEqual(x.a, x.b), x.a, x.b),
  ],
];

describe('structural op derivatives', () => {
  structural.forEach(([label, shapes, body], k) => {
    it(label, () => {
      const r = rng(300 + k);
      const feeds = Object.fromEntries(
        Object.entries(shapes).map(([n, s]) => [n, randomTensor(r, s)]),
      );
      checkGradients(
        30 + k,
        (b) => {
          const xs = Object.fromEntries(
            Object.entries(shapes).map(([n, s]) => [n, b.input(n, 'float64', s)]),
          );
          return { y: body(b, xs), wrt: Object.values(xs) };
        },
        feeds,
      );
    });
  });
});
