/**
 * Throughput of an IpiServer with one and with two clients busy, each client the bundled
 * bridge running ASE's EMT (Debian's python3-ase) on rattled fcc copper cells of 500 atoms,
 * next to the same EMT work done directly in one and in two Python processes.
 *
 *   node --conditions=source --import tsx packages/backend-ipi/bench/ipi-throughput.ts \
 *     [--structures 16] [--repeat 5] [--rounds 3] [--blas-threads 1] [--python /usr/bin/python3]
 *
 * Two bridges are connected; "1 client" keeps one structure in flight (one client works,
 * exactly the work of a single client), "2 clients" keeps both busy. `--repeat R` builds R³
 * conventional cells (4·R³ atoms: 5 → 500, 3 → 108). Each Python process gets
 * `--blas-threads` BLAS/OpenMP threads (default 1). Rounds interleave the configurations and
 * the best round of each is printed, with the ratio two/one. The one- and two-client results
 * must agree to 1e-10 relative (else the run aborts).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { type Atoms, fccCrystal } from '@mlff-distiller/core';
import { type IpiComputeOutcome, IpiServer, ipiBridgeArgs } from '../src/index.js';

const { values } = parseArgs({
  options: {
    structures: { type: 'string', default: '16' },
    repeat: { type: 'string', default: '5' },
    'blas-threads': { type: 'string', default: '1' },
    rounds: { type: 'string', default: '3' },
    python: { type: 'string' },
  },
});
const count = Number(values.structures);
const rounds = Number(values.rounds);
// One BLAS/OpenMP thread per client, as when several teacher processes share a machine (a
// single client would otherwise use every core for numpy's BLAS calls).
const blasThreads = values['blas-threads'];
const repeat = Number(values.repeat);
// Debian's python3-ase installs into /usr/bin/python3 (core's testing helpers import
// vitest, so the lookup is repeated here).
const python =
  values.python ??
  process.env.MLFFD_PYTHON ??
  (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

const structures: Atoms[] = Array.from({ length: count }, (_, i) =>
  fccCrystal('Cu', 3.61, repeat, { rattle: 0.05, seed: 1 + i }),
);
const natoms = structures[0]!.length;
const properties = ['energy', 'forces', 'stress'] as const;

const childEnv = {
  ...process.env,
  OMP_NUM_THREADS: blasThreads,
  OPENBLAS_NUM_THREADS: blasThreads,
  MKL_NUM_THREADS: blasThreads,
};

/**
 * The same EMT work without i-PI: Python processes computing their share of the structures
 * directly, side by side. Resolves with the wall time of the slowest (imports excluded).
 */
const DIRECT = `
import json, sys, time
import numpy as np
from ase import Atoms
from ase.calculators.emt import EMT
data = json.load(sys.stdin)
# One Atoms object whose positions change, as in the bridge (ASE's SocketClient).
atoms = Atoms(numbers=data[0]['numbers'], cell=np.reshape(data[0]['cell'], (3, 3)), pbc=True,
              positions=np.reshape(data[0]['positions'], (-1, 3)))
atoms.calc = EMT()
start = time.perf_counter()
for s in data:
    atoms.cell[:] = np.reshape(s['cell'], (3, 3))
    atoms.positions[:] = np.reshape(s['positions'], (-1, 3))
    # All three properties in one calculation, as the bridge asks for them (ASE's getters
    # one after the other would run EMT twice: energy and forces, then stress).
    changes = atoms.calc.check_state(atoms)
    atoms.calc.reset()
    atoms.calc.calculate(atoms, ['energy', 'forces', 'stress'], changes)
print(time.perf_counter() - start)
`;
async function direct(processes: number): Promise<number> {
  const shares = Array.from({ length: processes }, (_, k) =>
    structures
      .filter((_, i) => i % processes === k)
      .map((a) => ({
        numbers: Array.from(a.numbers),
        positions: Array.from(a.positions),
        cell: Array.from(a.cell),
      })),
  );
  const times = await Promise.all(
    shares.map(
      (share) =>
        new Promise<number>((resolve, reject) => {
          const child = spawn(python, ['-c', DIRECT], { env: childEnv });
          let out = '';
          child.stdout.on('data', (chunk) => {
            out += chunk;
          });
          child.on('exit', (code) =>
            code === 0 ? resolve(Number(out.trim())) : reject(new Error(`python exited ${code}`)),
          );
          child.stdin.end(JSON.stringify(share));
        }),
    ),
  );
  return Math.max(...times);
}

const server = await IpiServer.listen({ port: 0, structureTimeoutMs: 600_000 });
const bridges: ChildProcess[] = [];
for (let k = 0; k < 2; k++) {
  bridges.push(
    spawn(
      python,
      ipiBridgeArgs({ calculator: 'ase.calculators.emt:EMT', address: server.address }),
      {
        stdio: ['ignore', 'ignore', 'ignore'],
        env: childEnv,
      },
    ),
  );
}

/**
 * All structures through the server with at most `clients` in flight: 1 keeps one client
 * busy at a time (exactly the work of a single client), 2 keeps both busy.
 */
async function ipi(clients: number): Promise<{ seconds: number; outcomes: IpiComputeOutcome[] }> {
  const outcomes: IpiComputeOutcome[] = new Array(count);
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < count) {
        const i = next++;
        outcomes[i] = await server.computeDetailed(structures[i]!, properties);
      }
    }),
  );
  return { seconds: (performance.now() - start) / 1000, outcomes };
}

const loadBefore = loadavg()[0]!.toFixed(2);
try {
  await server.waitForClients(2, 60_000);
  // Warm-up: a structure on each client (imports, first neighbour lists).
  await Promise.all([0, 1].map((k) => server.compute(structures[k % count]!, properties)));
  // Rounds interleave the four configurations, so load from other processes on the machine
  // hits them alike; the best round of each is reported.
  const best = { one: Infinity, two: Infinity, direct1: Infinity, direct2: Infinity };
  let one: IpiComputeOutcome[] = [];
  let two: IpiComputeOutcome[] = [];
  for (let round = 0; round < rounds; round++) {
    const a = await ipi(1);
    const b = await ipi(2);
    best.one = Math.min(best.one, a.seconds);
    best.two = Math.min(best.two, b.seconds);
    one = a.outcomes;
    two = b.outcomes;
    best.direct1 = Math.min(best.direct1, await direct(1));
    best.direct2 = Math.min(best.direct2, await direct(2));
  }
  // EMT's neighbour list may be reused from the previous structure a client computed, so
  // sums run in another order: agreement to rounding, not bit for bit.
  let deviation = 0;
  for (const [i, o] of two.entries()) {
    const x = o.results;
    const y = one[i]!.results;
    const scale = Math.max(...y.forces!.map(Math.abs));
    deviation = Math.max(deviation, Math.abs(x.energy! - y.energy!) / Math.abs(y.energy!));
    for (let k = 0; k < x.forces!.length; k++) {
      deviation = Math.max(deviation, Math.abs(x.forces![k]! - y.forces![k]!) / scale);
    }
  }
  if (!(deviation < 1e-10)) throw new Error(`one and two clients disagree (${deviation})`);
  const perClient = new Map<string, number>();
  for (const o of two) perClient.set(o.client, (perClient.get(o.client) ?? 0) + 1);
  const rate1 = count / best.one;
  const rate2 = count / best.two;
  const ase = execFileSync(
    python,
    ['-c', 'import ase, sys; print(ase.__version__, sys.version.split()[0])'],
    { encoding: 'utf8' },
  ).trim();
  console.log(
    `i-PI throughput: ${count} structures of ${natoms} atoms, ASE EMT (ASE/Python ${ase}) through mlffd_ipi_bridge.py, energy+forces+stress, ${blasThreads} BLAS thread(s) per client, best of ${rounds} rounds`,
  );
  console.log(
    `machine: ${availableParallelism()} CPUs (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, load average before ${loadBefore}, after ${loadavg()[0]!.toFixed(2)}`,
  );
  console.log('');
  const row = (label: string, seconds: number) =>
    `${label.padEnd(28)}${seconds.toFixed(2).padStart(8)}  ${(count / seconds).toFixed(3).padStart(12)}  ${((1000 * seconds) / count).toFixed(1).padStart(12)}`;
  console.log(
    `${''.padEnd(28)}${'seconds'.padStart(8)}  ${'structures/s'.padStart(12)}  ${'ms/structure'.padStart(12)}`,
  );
  console.log(row('i-PI, 1 client', best.one));
  console.log(row('i-PI, 2 clients', best.two));
  console.log(row('EMT in Python, 1 process', best.direct1));
  console.log(row('EMT in Python, 2 processes', best.direct2));
  console.log('');
  console.log(
    `ratio two/one through i-PI: ×${(rate2 / rate1).toFixed(2)} (EMT alone on this machine: ×${(best.direct1 / best.direct2).toFixed(2)}); i-PI throughput / direct: ${(rate1 / (count / best.direct1)).toFixed(2)} (1 client), ${(rate2 / (count / best.direct2)).toFixed(2)} (2 clients)`,
  );
  console.log(
    `structures per client with two: ${[...perClient.values()].join(' + ')}; one- and two-client results agree to ${deviation.toExponential(1)} relative`,
  );
} finally {
  await server.close();
  for (const child of bridges) if (child.exitCode === null) child.kill('SIGKILL');
}
