/**
 * Issue 4, acceptance 5: a PaiNN-sized message-passing graph (128 features, 3 interactions,
 * 20 radial functions, 5 Å) on ethanol (9 atoms) and water clusters of 192 and 1536 atoms:
 * ms per energy+forces call on ONNX Runtime and on tfjs, run side by side in this script
 * (ratio printed), ms per training step at batch 32 of 9-atom structures on ONNX Runtime,
 * and node counts of the forward, force and training graphs before and after simplification.
 *
 *   pnpm bench:graph [--sizes 9,192,1536] [--seconds 2] [--train-steps 20] [--out out/bench-graph.json]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { OnnxBackend, OnnxTrainingStep } from '@mlff-distiller/backend-onnx';
import { TfjsBackend } from '@mlff-distiller/backend-tfjs';
import { buildSystem } from '@mlff-distiller/bench';
import { Random } from '@mlff-distiller/core';
import { type GraphBackend, nodeCounts, simplify } from '@mlff-distiller/graph';
import {
  initPainnParameters,
  type ModelStructure,
  PAINN_PRESETS,
  type PainnConfig,
  painnEnergyGraph,
  painnForceGraph,
  painnTrainingGraph,
  prepareBatch,
} from '@mlff-distiller/models';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '9,192,1536' },
    seconds: { type: 'string', default: '2' },
    'train-steps': { type: 'string', default: '20' },
    batch: { type: 'string', default: '32' },
    out: { type: 'string', default: 'out/bench-graph.json' },
  },
});
const sizes = values.sizes.split(',').map(Number);
const budget = Number(values.seconds) * 1000;
const config: PainnConfig = { species: [1, 6, 8], ...PAINN_PRESETS.original };

function structureFor(atoms: number): ModelStructure {
  return atoms === 9 ? buildSystem('ethanol') : buildSystem(`water-cluster:${atoms}`);
}

/** Median ms per call: one warm-up call, then calls until the time budget (≥ 3 calls). */
async function timeCalls(call: () => Promise<unknown>): Promise<{ ms: number; calls: number }> {
  await call();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 3 || performance.now() - start < budget) {
    const t0 = performance.now();
    await call();
    times.push(performance.now() - t0);
    if (times.length >= 200) break;
  }
  times.sort((p, q) => p - q);
  return { ms: times[Math.floor(times.length / 2)]!, calls: times.length };
}

// Node counts.
const graphs = {
  forward: painnEnergyGraph(config).graph,
  force: painnForceGraph(config).graph,
  training: painnTrainingGraph(config).graph,
};
const counts: Record<string, { before: number; after: number }> = {};
for (const [name, g] of Object.entries(graphs)) {
  counts[name] = { before: nodeCounts(g).total, after: nodeCounts(simplify(g)).total };
}
console.log('node counts (before → after simplify):');
for (const [name, c] of Object.entries(counts))
  console.log(`  ${name.padEnd(9)} ${c.before} → ${c.after}`);

// Energy + forces on both backends.
const forceGraph = simplify(graphs.force);
const params = initPainnParameters(forceGraph, 1);
const backends: GraphBackend[] = [new OnnxBackend(), new TfjsBackend()];
const sessions = await Promise.all(
  backends.map((b) => b.compile(forceGraph, { parameters: params, outputs: ['energy', 'forces'] })),
);
const rows: { atoms: number; neighbors: number; [backend: string]: number }[] = [];
console.log('\nenergy+forces, ms per call (median):');
for (const n of sizes) {
  const feeds = prepareBatch([structureFor(n)], config);
  const row: (typeof rows)[number] = { atoms: n, neighbors: feeds.neighbors!.shape[1]! };
  for (const s of sessions) {
    const t = await timeCalls(() => s.run(feeds));
    row[s.backend] = t.ms;
  }
  rows.push(row);
  const [ort, tfjs] = sessions.map((s) => row[s.backend]!);
  console.log(
    `  ${String(n).padStart(5)} atoms (${row.neighbors} slots): ${sessions[0]!.backend} ${ort!.toFixed(2)} ms, ${sessions[1]!.backend} ${tfjs!.toFixed(2)} ms, tfjs/ort ${(tfjs! / ort!).toFixed(1)}×`,
  );
}
await Promise.all(sessions.map((s) => s.dispose()));

// Training step at batch 32 of 9-atom structures (rattled ethanol).
const batchSize = Number(values.batch);
const random = new Random(7);
const ethanol = structureFor(9);
const batch = Array.from({ length: batchSize }, () => ({
  ...ethanol,
  positions: Array.from(ethanol.positions, (x) => x + 0.05 * random.normal()),
}));
const trainGraph = simplify(graphs.training);
const trainFeeds = prepareBatch(batch, config);
trainFeeds.energy_ref = { shape: [batchSize], data: new Float32Array(batchSize).fill(-1) };
trainFeeds.forces_ref = { shape: [9 * batchSize, 3], data: new Float32Array(27 * batchSize) };
const { trainable } = painnTrainingGraph(config);
const trainParams = initPainnParameters(trainGraph, 1);
const trainer = await OnnxTrainingStep.create(trainGraph, {
  parameters: trainParams,
  gradients: Object.fromEntries(trainable.map((n) => [n, `grad:${n}`])),
  lr: 1e-4,
  maxGradNorm: 10,
});
const steps = Number(values['train-steps']);
await trainer.step(trainFeeds);
const t0 = performance.now();
for (let k = 0; k < steps; k++) await trainer.step(trainFeeds);
const trainMs = (performance.now() - t0) / steps;
console.log(
  `\ntraining step, batch ${batchSize} × 9 atoms on ${trainer.backend}: ${trainMs.toFixed(1)} ms (${((1000 * batchSize) / trainMs).toFixed(0)} structures/s)`,
);
await trainer.dispose();

const result = {
  config,
  counts,
  energyForces: rows,
  training: { batch: batchSize, atoms: 9, ms: trainMs },
};
mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`);
console.log(`\nwrote ${values.out}`);
