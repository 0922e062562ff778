import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Atoms } from '@mlff-distiller/core';
import { simplify } from '@mlff-distiller/graph';
import {
  createCheckpoint,
  exportStudentOnnx,
  initPainnParameters,
  type PainnConfig,
  painnForceGraph,
} from '@mlff-distiller/models';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateNveInWorkers } from './validate-in-workers.js';

const config: PainnConfig = {
  species: [1, 6, 8],
  features: 8,
  interactions: 2,
  radialBasis: 6,
  cutoff: 4,
};

const molecules = [
  {
    name: 'water',
    atoms: new Atoms({
      symbols: ['O', 'H', 'H'],
      positions: [0, 0, 0, 0.96, 0, 0, -0.24, 0.93, 0],
    }),
  },
  {
    name: 'methane',
    atoms: new Atoms({
      symbols: ['C', 'H', 'H', 'H', 'H'],
      positions: [
        0, 0, 0, 0.63, 0.63, 0.63, -0.63, -0.63, 0.63, -0.63, 0.63, -0.63, 0.63, -0.63, -0.63,
      ],
    }),
  },
  {
    name: 'methanol',
    atoms: new Atoms({
      symbols: ['C', 'O', 'H', 'H', 'H', 'H'],
      positions: [
        0, 0, 0, 1.42, 0, 0, -0.36, 1.03, 0, -0.36, -0.51, 0.89, -0.36, -0.51, -0.89, 1.74, 0.9, 0,
      ],
    }),
  },
];

const options = {
  time: 0.05,
  timestep: 0.5,
  temperature: 300,
  maxBondChange: 0.5,
  maxTemperature: 1e6,
  seed: 5,
};

let onnxPath: string;

beforeAll(async () => {
  const graph = simplify(painnForceGraph(config).graph);
  const checkpoint = createCheckpoint(
    config,
    graph,
    initPainnParameters(graph, 11),
    { referenceEnergies: [-13.6, -1000, -2000], energyScale: 0.05 },
    { note: 'random weights for tests' },
  );
  onnxPath = join(mkdtempSync(join(tmpdir(), 'nve-workers-')), 'student.onnx');
  await exportStudentOnnx(checkpoint, onnxPath);
});

describe('validateNveInWorkers', () => {
  it('gives in two worker threads exactly what it gives in this thread, in input order', async () => {
    const seen: string[] = [];
    const inWorkers = await validateNveInWorkers(onnxPath, molecules, options, 2, (r) =>
      seen.push(r.structure),
    );
    const inThread = await validateNveInWorkers(onnxPath, molecules, options, 1);
    expect(inWorkers.map((r) => r.structure)).toEqual(['water', 'methane', 'methanol']);
    expect(seen.sort()).toEqual(['methane', 'methanol', 'water']);
    expect(inWorkers[0]!.steps).toBe(100);
    expect(inWorkers.every((r) => Number.isFinite(r.driftMeVPerAtomPerPs))).toBe(true);
    // Same start, same seed, same single-threaded session: bit-identical trajectories.
    expect(inWorkers).toEqual(inThread);
  });

  it("names the structure when a worker's run fails, and cancels the runs in flight", async () => {
    // The largest structure goes first and fails at once (no N in the student); the other
    // worker is then 500 ps (10⁶ steps, minutes) into methanol: this returns only because
    // that run is cancelled.
    const methylamine = new Atoms({
      symbols: ['C', 'N', 'H', 'H', 'H', 'H', 'H'],
      positions: [
        0, 0, 0, 1.47, 0, 0, -0.36, 1.03, 0, -0.36, -0.51, 0.89, -0.36, -0.51, -0.89, 1.8, 0.94, 0,
        1.8, -0.47, 0.82,
      ],
    });
    const long = { ...options, time: 500 };
    await expect(
      validateNveInWorkers(
        onnxPath,
        [...molecules, { name: 'methylamine', atoms: methylamine }],
        long,
        2,
      ),
    ).rejects.toThrow(/NVE validation on methylamine failed: .*atomic number 7/);
  }, 60_000);
});
