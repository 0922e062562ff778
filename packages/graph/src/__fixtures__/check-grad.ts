import { expect } from 'vitest';
import { evaluate, type Tensor } from '../evaluate.js';
import { grad } from '../grad.js';
import { GraphBuilder } from '../graph-builder.js';
import type { Graph, NodeId } from '../ir.js';
import { randomTensor, rng } from '../testing/random.js';

export { randomTensor, rng } from '../testing/random.js';

/**
 * Central finite-difference gradient of scalar output `out` of `graph` with respect to
 * feed `name`: (f(x+h) − f(x−h)) / 2h per element.
 */
export function finiteDifference(
  graph: Graph,
  feeds: Record<string, Tensor>,
  out: string,
  name: string,
  h = 1e-5,
): Float64Array {
  const x = feeds[name];
  const g = new Float64Array(x.data.length);
  for (let i = 0; i < x.data.length; i++) {
    const at = (delta: number) => {
      const data = Float64Array.from(x.data);
      data[i] += delta;
      return evaluate(graph, { ...feeds, [name]: { shape: x.shape, data } })[out].data[0];
    };
    g[i] = (at(h) - at(-h)) / (2 * h);
  }
  return g;
}

/**
 * Asserts `actual ≈ expected` elementwise with |a − e| ≤ rtol · max(1, ‖e‖∞): relative
 * to the largest component, so tiny components of a large gradient are not over-judged.
 */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rtol: number,
): void {
  expect(actual.length).toBe(expected.length);
  let scale = 1;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / scale);
  }
  expect(worst).toBeLessThanOrEqual(rtol);
}

/** Tolerances: see the note in ops.test.ts. */
export const FIRST_ORDER_RTOL = 1e-6;
export const SECOND_ORDER_RTOL = 1e-5;

/**
 * Checks first and second derivatives of `y = body(b)` against finite differences. The
 * scalar tested is L = Σ w ⊙ y ⊙ y (random w), which has a nonzero Hessian even for
 * linear ops; the second-order check differentiates M = Σᵢ Σ vᵢ ⊙ ∂L/∂xᵢ (random vᵢ), a
 * Hessian-vector product, by applying {@link grad} to grad's own output.
 */
export function checkGradients(
  seed: number,
  body: (b: GraphBuilder) => { y: NodeId; wrt: NodeId[] },
  feeds: Record<string, Tensor>,
): void {
  const rand = rng(seed);
  const b = new GraphBuilder();
  const { y, wrt } = body(b);
  // Weights are inputs with y's (possibly symbolic) shape, fed at its concrete shape.
  b.output('y', y);
  const ys = evaluate(b.build(), feeds).y.shape as number[];
  feeds = { ...feeds, __w: randomTensor(rand, ys) };
  const w = b.input('__w', b.dtype(y), b.shape(y));
  b.output('L', b.sumAll(b.mul(w, b.mul(y, y))));
  const forward = b.build();
  const names = wrt.map((id) => forward.nodes[id].attrs.name as string);

  // First order.
  const g1 = grad(forward, 'L', wrt);
  const r1 = evaluate(g1, feeds);
  for (const name of names) {
    expectClose(
      r1[`dL/d${name}`].data,
      finiteDifference(forward, feeds, 'L', name),
      FIRST_ORDER_RTOL,
    );
  }

  // Second order: grad of a contraction of the first gradient.
  const b2 = GraphBuilder.from(g1);
  let m: NodeId | undefined;
  names.forEach((name) => {
    const gid = g1.outputs[`dL/d${name}`];
    const shape = feeds[name].shape as number[];
    feeds = { ...feeds, [`__v_${name}`]: randomTensor(rand, shape) };
    const v = b2.input(`__v_${name}`, b2.dtype(gid), b2.shape(gid));
    const term = b2.sumAll(b2.mul(v, gid));
    m = m === undefined ? term : b2.add(m, term);
  });
  b2.output('M', m!);
  const withM = b2.build();
  const g2 = grad(withM, 'M', wrt);
  const r2 = evaluate(g2, feeds);
  for (const name of names) {
    expectClose(
      r2[`dM/d${name}`].data,
      finiteDifference(withM, feeds, 'M', name),
      SECOND_ORDER_RTOL,
    );
  }
}
