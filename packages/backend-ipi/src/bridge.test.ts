/**
 * The bundled Python bridge (python/mlffd_ipi_bridge.py) wrapping ASE's EMT: species sent
 * in the INIT string (one bridge, structures of any composition and size), species from a
 * structure file for servers that send none, the echo check, and two bridges sharing a
 * batch.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type Atoms, writeExtxyz } from '@mlff-distiller/core';
import { afterEach, describe, expect, it } from 'vitest';
import { emtReference } from './__fixtures__/ase-reference.js';
import { PythonProcesses } from './__fixtures__/processes.js';
import { cluster, copperAluminium, relativeDifference } from './__fixtures__/structures.js';
import { ipiBridgeArgs, ipiBridgeScriptPath } from './bridge.js';
import type { IpiAddress } from './ipi-address.js';
import { type IpiComputeOutcome, IpiServer } from './ipi-server.js';
import { decodeSpecies } from './ipi-species.js';

const processes = new PythonProcesses();
let server: IpiServer | null = null;
const temporary: string[] = [];

afterEach(async () => {
  await server?.close();
  server = null;
  await processes.killAll();
  for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function startBridge(
  address: IpiAddress,
  extra: string[] = [],
  calculator = 'ase.calculators.emt:EMT',
) {
  return processes.start(ipiBridgeArgs({ calculator, address, extra }));
}

function expectEmt(outcomes: readonly IpiComputeOutcome[], structures: readonly Atoms[]): void {
  const reference = emtReference(structures);
  for (const [i, r] of reference.entries()) {
    const { results } = outcomes[i]!;
    const what = `${structures[i]!.getChemicalFormula()} (#${i})`;
    expect(relativeDifference(results.energy!, r.energy), `${what} energy`).toBeLessThan(1e-10);
    expect(relativeDifference(results.forces!, r.forces), `${what} forces`).toBeLessThan(1e-10);
    if (r.stress) {
      expect(relativeDifference(results.stress!, r.stress), `${what} stress`).toBeLessThan(1e-10);
    } else {
      expect(results.stress, `${what} stress`).toBeUndefined();
    }
  }
}

describe('mlffd_ipi_bridge.py', () => {
  it('is shipped in python/ and prints its usage', async () => {
    expect(ipiBridgeScriptPath()).toMatch(/backend-ipi\/python\/mlffd_ipi_bridge\.py$/);
    const help = processes.start([ipiBridgeScriptPath(), '--help']);
    expect(await help.exited).toBe(0);
    expect(help.stdout()).toContain('--calculator');
  });

  it('one bridge labels structures of different species and sizes (species from INIT)', async () => {
    server = await IpiServer.listen({ port: 0 });
    const bridge = startBridge(server.address);
    await server.waitForClients(1, 30_000);
    const structures = [
      cluster(['Cu', 'Cu', 'Cu'], 1.5, 1),
      cluster(['Al', 'Al', 'Al', 'Al'], 1.8, 2),
      cluster(['Cu', 'Al', 'Cu', 'Al', 'Al'], 1.9, 3),
      copperAluminium(2, 4),
      cluster(['Cu', 'Cu', 'Cu'], 1.4, 5),
    ];
    const outcomes: IpiComputeOutcome[] = [];
    for (const atoms of structures) {
      const properties = atoms.pbc[0] ? (['energy', 'forces', 'stress'] as const) : undefined;
      outcomes.push(await server.computeDetailed(atoms, properties));
    }
    expectEmt(outcomes, structures);
    // The bridge echoes the atomic numbers it computed with.
    for (const [i, outcome] of outcomes.entries()) {
      expect(Array.from(decodeSpecies(outcome.extra)!.numbers)).toEqual(
        Array.from(structures[i]!.numbers),
      );
    }
    await server.close();
    server = null;
    expect(await bridge.exited, bridge.stderr()).toBe(0);
    expect(bridge.stderr()).toContain('done after 5 structures');
  });

  it('takes the species from --structure when the server sends none; a wrong species is caught by the echo', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlffd-ipi-'));
    temporary.push(dir);
    const template = cluster(['Cu', 'Al', 'Al', 'Cu'], 1.8, 7);
    const file = join(dir, 'template.extxyz');
    await writeExtxyz(file, { atoms: template });
    // initString 'ase': one zero byte in INIT, as ASE's SocketIOCalculator sends.
    server = await IpiServer.listen({ port: 0, initString: 'ase', maxRetries: 0 });
    const dropped: string[] = [];
    server.on('client-dropped', ({ client, reason }) => dropped.push(`${client.name}: ${reason}`));
    startBridge(server.address, ['--structure', file]);
    await server.waitForClients(1, 30_000);
    const moved = template.copy();
    moved.positions[0]! += 0.1;
    const outcomes = [await server.computeDetailed(template), await server.computeDetailed(moved)];
    expectEmt(outcomes, [template, moved]);

    const swapped = moved.copy();
    swapped.numbers = Int32Array.from([13, 29, 29, 13]);
    await expect(server.compute(swapped, ['energy'])).rejects.toThrow(
      /failed on 1 i-PI clients: client #1 .*computed atomic numbers \[29,13,13,29\] instead of the structure's \[13,29,29,13\]/,
    );
    expect(dropped).toEqual([
      expect.stringMatching(/^client #1 \(127\.0\.0\.1:\d+\): computed atomic numbers/),
    ]);
  });

  it('reports a calculator it cannot import', async () => {
    const bad = startBridge(
      { kind: 'tcp', host: '127.0.0.1', port: 1 },
      [],
      'ase.calculators.nonexistent:Nothing',
    );
    expect(await bad.exited).toBe(2);
    expect(bad.stderr()).toContain(
      'cannot create the calculator ase.calculators.nonexistent:Nothing',
    );
  });
});

describe('two bridges share a batch', () => {
  it('spreads 40 structures over both clients, with the results of a single client', async () => {
    server = await IpiServer.listen({ port: 0 });
    startBridge(server.address);
    await server.waitForClients(1, 30_000);
    const batch = Array.from({ length: 40 }, (_, i) =>
      i % 4 === 3
        ? cluster(['Cu', 'Al', 'Cu', 'Cu', 'Al', 'Al'].slice(0, 3 + (i % 3)), 1.9, i)
        : copperAluminium(2, 100 + i),
    );
    const props = (atoms: Atoms) =>
      atoms.pbc[0] ? (['energy', 'forces', 'stress'] as const) : (['energy', 'forces'] as const);

    let start = performance.now();
    const single = await Promise.all(
      batch.map((atoms) => server!.computeDetailed(atoms, props(atoms))),
    );
    const singleSeconds = (performance.now() - start) / 1000;

    startBridge(server.address);
    await server.waitForClients(2, 30_000);
    start = performance.now();
    const double = await Promise.all(
      batch.map((atoms) => server!.computeDetailed(atoms, props(atoms))),
    );
    const doubleSeconds = (performance.now() - start) / 1000;

    const perClient = new Map<string, number>();
    for (const o of double) perClient.set(o.client, (perClient.get(o.client) ?? 0) + 1);
    expect(perClient.size, 'both clients got work').toBe(2);
    for (const count of perClient.values()) expect(count).toBeGreaterThan(0);
    for (const [i, o] of double.entries()) {
      const s = single[i]!.results;
      expect(relativeDifference(o.results.energy!, s.energy!)).toBeLessThan(1e-12);
      expect(relativeDifference(o.results.forces!, s.forces!)).toBeLessThan(1e-12);
      if (s.stress) expect(relativeDifference(o.results.stress!, s.stress)).toBeLessThan(1e-12);
    }
    expectEmt(double, batch);
    // Reported, not asserted (timing depends on the machine): see bench/ipi-throughput.ts.
    console.log(
      `40 structures (32-atom EMT cells and clusters): one client ${(40 / singleSeconds).toFixed(1)}/s, two clients ${(40 / doubleSeconds).toFixed(1)}/s (×${(singleSeconds / doubleSeconds).toFixed(2)}); per client ${JSON.stringify(Object.fromEntries(perClient))}`,
    );
  });
});
