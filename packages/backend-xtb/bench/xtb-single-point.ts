/**
 * Milliseconds per GFN2-xTB single point (energy and forces): in process through libxtb
 * versus the `xtb` program, on ethanol (9 atoms) and a 64-water cluster (192 atoms).
 *
 * Each run is MD-like: a first call (set-up and an SCF from scratch), then consecutive calls
 * with every coordinate displaced by a Gaussian 0.005 Å (about one 0.5 fs MD step), so the
 * in-process SCF restarts from the previous wavefunction. The program path starts a process
 * and writes files for every call and cannot restart. Threads: libxtb with 1 thread and
 * with all of OpenMP's default threads (OMP_NUM_THREADS, else one per core), set
 * explicitly for OpenMP and OpenBLAS; the program with OMP_NUM_THREADS=1. The row
 * "XtbSession only" times libxtb's calls alone, without the Calculator around them.
 *
 * Run from the repository root:
 *   node --conditions=source --import tsx packages/backend-xtb/bench/xtb-single-point.ts
 */
import { cpus } from 'node:os';
import { type Atoms, type Calculator, Random } from '@mlff-distiller/core';
import { ethanol } from '../src/__fixtures__/molecules.js';
import { waterGrid } from '../src/__fixtures__/water.js';
import {
  angstromToBohr,
  resolveXtbOptions,
  XtbCalculator,
  XtbLibrary,
  XtbProgramCalculator,
  XtbSession,
  xtbAvailability,
} from '../src/index.js';

interface Row {
  system: string;
  atoms: number;
  path: string;
  threads: string;
  firstMs: number;
  medianMs: number;
  meanMs: number;
  steps: number;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** First call, then `steps` MD-like calls with 0.005 Å Gaussian displacements (seeded). */
async function measure(calc: Calculator, start: Atoms, steps: number): Promise<[number, number[]]> {
  const atoms = start.copy();
  const rng = new Random(7);
  let t = performance.now();
  await calc.calculate(atoms, ['energy', 'forces']);
  const first = performance.now() - t;
  const times: number[] = [];
  for (let step = 0; step < steps; step++) {
    for (let i = 0; i < atoms.positions.length; i++) atoms.positions[i]! += 0.005 * rng.normal();
    t = performance.now();
    await calc.calculate(atoms, ['energy', 'forces']);
    times.push(performance.now() - t);
  }
  return [first, times];
}

/**
 * The same MD-like sequence on libxtb's objects directly (no Calculator, no unit
 * conversion, no copies): the native cost, to show what the calculator adds.
 */
function measureSession(start: Atoms, steps: number, threads: number): [number, number[]] {
  const library = XtbLibrary.load();
  library.setThreads(threads);
  const atoms = start.copy();
  const rng = new Random(7);
  const positions = angstromToBohr(atoms.positions);
  let t = performance.now();
  const session = new XtbSession(library, {
    numbers: atoms.numbers,
    positions,
    lattice: null,
    options: { ...resolveXtbOptions(), uhf: 0 },
    parameterFile: null,
  });
  session.singlepoint();
  session.energy();
  session.gradient();
  const first = performance.now() - t;
  const gradient = new Float64Array(3 * atoms.length);
  const times: number[] = [];
  for (let step = 0; step < steps; step++) {
    for (let i = 0; i < atoms.positions.length; i++) atoms.positions[i]! += 0.005 * rng.normal();
    angstromToBohr(atoms.positions, positions);
    t = performance.now();
    session.update(positions, null);
    session.singlepoint();
    session.energy();
    session.gradient(gradient);
    times.push(performance.now() - t);
  }
  session.dispose();
  return [first, times];
}

async function run(
  rows: Row[],
  system: string,
  atoms: Atoms,
  path: string,
  threads: string,
  calc: Calculator,
  steps: number,
): Promise<void> {
  const [first, times] = await measure(calc, atoms, steps);
  await calc.dispose?.();
  const row = {
    system,
    atoms: atoms.length,
    path,
    threads,
    firstMs: first,
    medianMs: median(times),
    meanMs: times.reduce((s, x) => s + x, 0) / times.length,
    steps,
  };
  rows.push(row);
  console.error(
    `  ${system} ${path} threads=${threads}: first ${first.toFixed(2)} ms, median ${row.medianMs.toFixed(3)} ms over ${steps} steps`,
  );
}

const availability = await xtbAvailability();
if (!availability.library.available) throw new Error(availability.library.reason);
if (!availability.program.available) throw new Error(availability.program.reason);
const defaultThreads = new XtbCalculator().getLibrary().maxThreads();
console.log(`libxtb: ${availability.library.path} (C API ${availability.library.apiVersion})`);
console.log(`program: ${availability.program.path} — ${availability.program.version}`);
console.log(
  `node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; OpenMP threads available: ${defaultThreads}; OMP_NUM_THREADS=${process.env.OMP_NUM_THREADS ?? '(unset)'}`,
);

const rows: Row[] = [];
const molecule = ethanol();
const cluster = waterGrid({ n: 4, spacing: 3.1, seed: 1, jitter: 0.1 });
// Set explicitly both times: OpenMP and OpenBLAS keep the last count set in the process.
const threadSettings: [string, number][] = [['1', 1]];
if (defaultThreads !== null && defaultThreads > 1) {
  threadSettings.push([`${defaultThreads} (all)`, defaultThreads]);
}

for (const [label, threads] of threadSettings) {
  await run(rows, 'ethanol', molecule, 'libxtb', label, new XtbCalculator({ threads }), 1000);
}
{
  const [first, times] = measureSession(molecule, 1000, 1);
  rows.push({
    system: 'ethanol',
    atoms: molecule.length,
    path: 'libxtb, XtbSession only',
    threads: '1',
    firstMs: first,
    medianMs: median(times),
    meanMs: times.reduce((s, x) => s + x, 0) / times.length,
    steps: times.length,
  });
}
await run(rows, 'ethanol', molecule, 'xtb program', '1', new XtbProgramCalculator(), 30);
for (const [label, threads] of threadSettings) {
  await run(rows, '64 waters', cluster, 'libxtb', label, new XtbCalculator({ threads }), 8);
}
await run(rows, '64 waters', cluster, 'xtb program', '1', new XtbProgramCalculator(), 3);

console.log('\nGFN2-xTB energy + forces, ms per single point (MD-like consecutive calls)\n');
const header = ['system', 'atoms', 'path', 'threads', 'first call', 'median', 'mean', 'steps'];
const table = rows.map((r) => [
  r.system,
  String(r.atoms),
  r.path,
  r.threads,
  r.firstMs.toFixed(2),
  r.medianMs.toFixed(3),
  r.meanMs.toFixed(3),
  String(r.steps),
]);
const widths = header.map((h, k) => Math.max(h.length, ...table.map((row) => row[k]!.length)));
const line = (cells: string[]) =>
  cells.map((c, k) => (k < 4 ? c.padEnd(widths[k]!) : c.padStart(widths[k]!))).join('  ');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const row of table) console.log(line(row));

console.log('');
for (const system of ['ethanol', '64 waters']) {
  const program = rows.find((r) => r.system === system && r.path === 'xtb program')!;
  // (program: OMP_NUM_THREADS=1; compared with libxtb on 1 thread)
  const library = rows.find(
    (r) => r.system === system && r.path === 'libxtb' && r.threads === '1',
  )!;
  console.log(
    `${system}: program / libxtb (1 thread, median) = ${(program.medianMs / library.medianMs).toFixed(1)}×`,
  );
}
