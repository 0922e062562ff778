/**
 * PaiNN as a graph, checked in float64 with the reference interpreter: forces equal −∇E
 * by central finite differences, the virial equals the finite-strain derivative, energies
 * are invariant under rotation, translation, permutation and periodic-image choice.
 *
 * Tolerances: central differences with h = 1e-5 Å on a smooth model have truncation error
 * ~h²|E'''| ≈ 1e-10 and rounding ~1e-16·|E|/h ≈ 1e-10; the check is 1e-6 relative to the
 * largest force component (the issue's bound), far below a wrong-rule error.
 */

import { evaluate, type HostTensor, nodeCounts, simplify } from '@mlff-distiller/graph';
import { describe, expect, it } from 'vitest';
import { type ModelStructure, prepareBatch } from './batch.js';
import { initPainnParameters } from './init-parameters.js';
import type { PainnConfig } from './painn-config.js';
import { painnEnergyGraph, painnForceGraph } from './painn-graphs.js';

const CONFIG: PainnConfig = {
  species: [1, 6, 8],
  features: 6,
  interactions: 2,
  radialBasis: 4,
  cutoff: 3.0,
};

const water: ModelStructure = {
  numbers: [8, 1, 1, 6],
  positions: [0, 0, 0, 0.96, 0.1, 0, -0.2, 0.93, 0.1, 1.1, 1.4, 0.8],
  cell: new Array(9).fill(0),
  pbc: [false, false, false],
};

/** Three atoms in a small skewed periodic cell: many images within the cutoff. */
const crystal: ModelStructure = {
  numbers: [6, 8, 1],
  positions: [0.1, 0.2, 0.3, 1.3, 0.9, 0.4, 0.7, 1.6, 1.5],
  cell: [2.6, 0, 0, 0.3, 2.4, 0, 0.2, 0.4, 2.8],
  pbc: [true, true, true],
};

function setup() {
  const { graph } = painnForceGraph(CONFIG, 'float64');
  const params = initPainnParameters(graph, 11);
  params.energy_scale = Float64Array.of(0.7);
  params.reference_energies = Float64Array.of(-0.5, -1.0, -2.0);
  const run = (structures: ModelStructure[]) => {
    const feeds: Record<string, HostTensor> = prepareBatch(structures, {
      ...CONFIG,
      dtype: 'float64',
    });
    for (const [k, v] of Object.entries(params)) feeds[k] = { shape: [], data: v };
    fixParamShapes(graph, feeds);
    return evaluate(graph, feeds);
  };
  return { graph, params, run };
}

function fixParamShapes(
  graph: ReturnType<typeof painnForceGraph>['graph'],
  feeds: Record<string, HostTensor>,
) {
  for (const n of graph.nodes) {
    if (n.op === 'param') {
      const name = n.attrs.name as string;
      feeds[name] = { shape: n.shape as number[], data: feeds[name]!.data };
    }
  }
}

function moved(s: ModelStructure, atom: number, c: number, h: number): ModelStructure {
  const p = Array.from(s.positions);
  p[3 * atom + c] += h;
  return { ...s, positions: p };
}

describe('PaiNN graph (float64)', () => {
  const { run } = setup();

  it.each([
    ['molecule', water],
    ['periodic crystal with many images', crystal],
  ])('forces equal −∇E by finite differences: %s', (_, s) => {
    const out = run([s]);
    const f = out.forces!.data;
    const h = 1e-5;
    let scale = 0;
    for (const v of f) scale = Math.max(scale, Math.abs(v));
    expect(scale).toBeGreaterThan(1e-3);
    for (let a = 0; a < s.numbers.length; a++) {
      for (let c = 0; c < 3; c++) {
        const ep = run([moved(s, a, c, h)]).energy!.data[0]!;
        const em = run([moved(s, a, c, -h)]).energy!.data[0]!;
        expect(Math.abs(f[3 * a + c]! + (ep - em) / (2 * h))).toBeLessThan(1e-6 * scale);
      }
    }
  });

  it('virial equals the finite-strain derivative of the energy', () => {
    const out = run([crystal]);
    const w = out.virial!.data;
    const h = 1e-5;
    const strained = (a: number, b: number, d: number): ModelStructure => {
      const eps = [1, 0, 0, 0, 1, 0, 0, 0, 1];
      eps[3 * a + b] += d;
      const apply = (v: ArrayLike<number>) =>
        Array.from(v, (_, k) => {
          const row = Math.floor(k / 3);
          const col = k % 3;
          let x = 0;
          for (let m = 0; m < 3; m++) x += v[3 * row + m]! * eps[3 * m + col]!;
          return x;
        });
      return { ...crystal, positions: apply(crystal.positions), cell: apply(crystal.cell) };
    };
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) {
        const fd =
          (run([strained(a, b, h)]).energy!.data[0]! - run([strained(a, b, -h)]).energy!.data[0]!) /
          (2 * h);
        expect(Math.abs(w[3 * a + b]! - fd)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
      }
    }
  });

  it('energy is invariant under rotation, translation and permutation; supercell is additive', () => {
    const e0 = run([water]).energy!.data[0]!;
    const [ca, sa, cb, sb] = [Math.cos(0.7), Math.sin(0.7), Math.cos(-1.1), Math.sin(-1.1)];
    const rot = (x: number, y: number, z: number) => {
      const x1 = ca * x - sa * y;
      const y1 = sa * x + ca * y;
      return [x1, cb * y1 - sb * z + 3.2, sb * y1 + cb * z - 1.5];
    };
    const p = water.positions as number[];
    const rotated = {
      ...water,
      positions: [0, 1, 2, 3].flatMap((i) => rot(p[3 * i]!, p[3 * i + 1]!, p[3 * i + 2]!)),
    };
    expect(run([rotated]).energy!.data[0]).toBeCloseTo(e0, 12);
    const order = [2, 0, 3, 1];
    const permuted = {
      ...water,
      numbers: order.map((i) => water.numbers[i]!),
      positions: order.flatMap((i) => p.slice(3 * i, 3 * i + 3)),
    };
    expect(run([permuted]).energy!.data[0]).toBeCloseTo(e0, 12);

    // A 2×2×2 supercell of the crystal has 8× its energy (periodic images are equivalent).
    const c = crystal.cell as number[];
    const cp = crystal.positions as number[];
    const numbers: number[] = [];
    const positions: number[] = [];
    for (let a = 0; a < 2; a++) {
      for (let b = 0; b < 2; b++) {
        for (let d = 0; d < 2; d++) {
          numbers.push(...(crystal.numbers as number[]));
          cp.forEach((v, k) => {
            const axis = k % 3;
            positions.push(v + a * c[axis]! + b * c[3 + axis]! + d * c[6 + axis]!);
          });
        }
      }
    }
    const supercell: ModelStructure = {
      numbers,
      positions,
      cell: c.map((v) => 2 * v),
      pbc: crystal.pbc,
    };
    expect(run([supercell]).energy!.data[0]).toBeCloseTo(8 * run([crystal]).energy!.data[0]!, 9);
  });

  it('a batch gives each structure the energy and forces it has alone', () => {
    const both = run([water, crystal]);
    const w = run([water]);
    const c = run([crystal]);
    expect(both.energy!.data[0]).toBeCloseTo(w.energy!.data[0]!, 12);
    expect(both.energy!.data[1]).toBeCloseTo(c.energy!.data[0]!, 12);
    for (let k = 0; k < 12; k++) expect(both.forces!.data[k]).toBeCloseTo(w.forces!.data[k]!, 12);
    for (let k = 0; k < 9; k++)
      expect(both.forces!.data[12 + k]).toBeCloseTo(c.forces!.data[k]!, 12);
  });

  it('reports node counts of energy and force graphs before and after simplification', () => {
    const e = painnEnergyGraph(CONFIG).graph;
    const f = painnForceGraph(CONFIG).graph;
    const se = simplify(e);
    const sf = simplify(f);
    expect(nodeCounts(se).total).toBeLessThanOrEqual(nodeCounts(e).total);
    expect(nodeCounts(sf).total).toBeLessThan(nodeCounts(f).total);
    // Scatter-adds only over atoms (per-structure sums and their adjoints), never over edges.
    const scatters = f.nodes.filter((n) => n.op === 'scatterAdd');
    for (const n of scatters) expect(f.nodes[n.inputs[0]!]!.shape).not.toContain('neighbors');
    expect(f.nodes.some((n) => n.op === 'neighborSum')).toBe(true);
  });
});

describe('parameter counts', () => {
  it('match the closed form for the three presets', async () => {
    const { PAINN_PRESETS } = await import('./painn-config.js');
    const { painnParameterCount } = await import('./painn-graphs.js');
    const closedForm = (S: number, F: number, I: number, R: number) => {
      const half = Math.floor(F / 2);
      const message = F * F + F + 3 * F * F + 3 * F + (R + 1) * 3 * F;
      const update = 2 * F * F + 2 * F * F + F + 3 * F * F + 3 * F;
      return S * F + I * (message + update) + F * half + half + half + 1;
    };
    const counts: Record<string, number> = {};
    for (const [name, p] of Object.entries(PAINN_PRESETS)) {
      const n = painnParameterCount({ species: [1, 6, 8], ...p });
      expect(n).toBe(closedForm(3, p.features, p.interactions, p.radialBasis));
      counts[name] = n;
    }
    expect(counts).toEqual({ original: 576641, tiny: 98433, 'ultra-tiny': 25793 });
  });
});
