/**
 * Issue 5, acceptance 4: ms per MD step (velocity Verlet, 0.5 fs, StudentCalculator with its
 * Verlet neighbour list) for the three PaiNN presets on ethanol (9 atoms) and water clusters
 * of 192 and 1536 atoms, on ONNX Runtime and on tfjs, side by side in this script; and
 * training throughput (structures/s, batch 32 of rattled ethanol, ONNX Runtime) per preset.
 * Weights are random (speed does not depend on them).
 *
 *   pnpm bench:students [--presets original,tiny,ultra-tiny] [--sizes 9,192,1536]
 *                       [--backends onnx,tfjs] [--seconds 3] [--out out/bench-students.json]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { OnnxBackend, OnnxTrainingStep } from '@mlff-distiller/backend-onnx';
import { TfjsBackend } from '@mlff-distiller/backend-tfjs';
import { buildSystem } from '@mlff-distiller/bench';
import { Random } from '@mlff-distiller/core';
import { type GraphBackend, simplify } from '@mlff-distiller/graph';
import { maxwellBoltzmann, VelocityVerlet } from '@mlff-distiller/md';
import {
  createCheckpoint,
  initPainnParameters,
  PAINN_PRESETS,
  type PainnPreset,
  painnForceGraph,
  painnParameterCount,
  painnTrainingGraph,
  prepareBatch,
  StudentCalculator,
} from '@mlff-distiller/models';

const { values } = parseArgs({
  options: {
    presets: { type: 'string', default: 'original,tiny,ultra-tiny' },
    sizes: { type: 'string', default: '9,192,1536' },
    backends: { type: 'string', default: 'onnx,tfjs' },
    seconds: { type: 'string', default: '3' },
    batch: { type: 'string', default: '32' },
    out: { type: 'string', default: 'out/bench-students.json' },
  },
});
const presets = values.presets.split(',') as PainnPreset[];
const sizes = values.sizes.split(',').map(Number);
const budget = Number(values.seconds) * 1000;
const species = [1, 6, 8];
const system = (n: number) =>
  n === 9 ? buildSystem('ethanol') : buildSystem(`water-cluster:${n}`);
const backendFor = (name: string): GraphBackend =>
  name === 'tfjs' ? new TfjsBackend() : new OnnxBackend();

/** Median ms per MD step: 5 warm-up steps, then blocks of steps until the time budget. */
async function msPerStep(calc: StudentCalculator, atoms: ReturnType<typeof system>) {
  maxwellBoltzmann(atoms, 300, { seed: 1 });
  const md = new VelocityVerlet(atoms, calc, { timestep: 0.5 });
  await md.run(5);
  const blocks: number[] = [];
  const start = performance.now();
  let block = 1;
  while (blocks.length < 3 || performance.now() - start < budget) {
    const t0 = performance.now();
    await md.run(block);
    const ms = (performance.now() - t0) / block;
    blocks.push(ms);
    if (ms * block < 50) block *= 2;
    if (blocks.length >= 50) break;
  }
  blocks.sort((a, b) => a - b);
  return blocks[Math.floor(blocks.length / 2)]!;
}

const md: Record<string, Record<string, Record<string, number>>> = {};
const training: Record<string, { ms: number; structuresPerSecond: number; weights: number }> = {};
for (const preset of presets) {
  const config = { species, ...PAINN_PRESETS[preset] };
  const graph = simplify(painnForceGraph(config).graph);
  const checkpoint = createCheckpoint(config, graph, initPainnParameters(graph, 1), {
    referenceEnergies: [0, 0, 0],
    energyScale: 1,
  });
  md[preset] = {};
  for (const n of sizes) {
    const row: Record<string, number> = {};
    for (const name of values.backends.split(',')) {
      const calc = await StudentCalculator.fromCheckpoint(checkpoint, {
        backend: backendFor(name),
      });
      row[name] = await msPerStep(calc, system(n));
      await calc.dispose();
    }
    md[preset][n] = row;
    const parts = Object.entries(row).map(([k, v]) => `${k} ${v.toFixed(2)} ms`);
    const ratio = row.tfjs && row.onnx ? `, tfjs/onnx ${(row.tfjs / row.onnx).toFixed(1)}×` : '';
    console.log(
      `${preset.padEnd(10)} ${String(n).padStart(5)} atoms: ${parts.join(', ')}${ratio} per MD step`,
    );
  }

  // Training throughput at batch B of rattled ethanol.
  const B = Number(values.batch);
  const random = new Random(7);
  const ethanol = system(9);
  const structures = Array.from({ length: B }, () => ({
    ...ethanol,
    positions: Array.from(ethanol.positions, (x) => x + 0.05 * random.normal()),
  }));
  const { graph: tg, trainable } = painnTrainingGraph(config);
  const trainGraph = simplify(tg);
  const feeds = prepareBatch(structures, config);
  feeds.energy_ref = { shape: [B], data: new Float32Array(B) };
  feeds.forces_ref = { shape: [9 * B, 3], data: new Float32Array(27 * B) };
  const trainer = await OnnxTrainingStep.create(trainGraph, {
    parameters: initPainnParameters(trainGraph, 1) as Record<string, Float32Array>,
    gradients: Object.fromEntries(trainable.map((t) => [t, `grad:${t}`])),
    lr: 1e-4,
    maxGradNorm: 10,
  });
  await trainer.step(feeds);
  let steps = 0;
  const t0 = performance.now();
  while (steps < 3 || performance.now() - t0 < budget) {
    await trainer.step(feeds);
    steps++;
  }
  const ms = (performance.now() - t0) / steps;
  await trainer.dispose();
  training[preset] = {
    ms,
    structuresPerSecond: (1000 * B) / ms,
    weights: painnParameterCount(config),
  };
  console.log(
    `${preset.padEnd(10)} training: ${ms.toFixed(1)} ms per step of ${B} × 9 atoms = ${training[preset].structuresPerSecond.toFixed(0)} structures/s (ONNX Runtime; ${training[preset].weights} weights)`,
  );
}
mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, `${JSON.stringify({ md, training }, null, 2)}\n`);
console.log(`wrote ${values.out}`);
