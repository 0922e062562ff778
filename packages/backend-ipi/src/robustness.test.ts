/**
 * Clients that vanish, stall or break the protocol are dropped with an event naming the
 * client and the cause, and their structure is completed by a healthy client; the server
 * never hangs (short timeouts keep every case fast); compute() without clients rejects
 * after the configured wait with a message saying how to start one.
 */
import { createConnection } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type Atoms, LennardJones } from '@mlff-distiller/core';
import { afterEach, describe, expect, it } from 'vitest';
import { emtReference } from './__fixtures__/ase-reference.js';
import { fakePeer, type Misbehaviour } from './__fixtures__/fake-peer.js';
import { PythonProcesses } from './__fixtures__/processes.js';
import { argonCrystal, copperAluminium, relativeDifference } from './__fixtures__/structures.js';
import { ipiBridgeArgs } from './bridge.js';
import { IpiClient } from './ipi-client.js';
import { IpiServer, type IpiServerEvents } from './ipi-server.js';

const ARGON = { epsilon: 0.0104, sigma: 3.405, rc: 8.5, smooth: true, ro: 6.5 };
type DropEvent = IpiServerEvents['client-dropped'][0];

const processes = new PythonProcesses();
const cleanups: (() => unknown)[] = [];
let server: IpiServer | null = null;

afterEach(async () => {
  await server?.close();
  server = null;
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await processes.killAll();
});

async function listen(options: ConstructorParameters<typeof IpiServer>[0] = {}) {
  server = await IpiServer.listen({
    port: 0,
    // Generous by default, so a loaded machine does not drop the healthy client; the cases
    // about timeouts shorten them.
    structureTimeoutMs: 5000,
    handshakeTimeoutMs: 5000,
    clientWaitMs: 10_000,
    ...options,
  });
  const drops: DropEvent[] = [];
  server.on('client-dropped', (event) => drops.push(event));
  return { server, drops };
}

function healthyClient(s: IpiServer): Promise<unknown> {
  const address = s.address;
  const client = new IpiClient({
    calculator: new LennardJones(ARGON),
    ...(address.kind === 'tcp' ? { port: address.port } : { unixSocket: address.path }),
  });
  cleanups.push(() => client.close());
  return client.run();
}

async function expectLj(
  results: { energy?: number; forces?: Float64Array; stress?: Float64Array },
  atoms: Atoms,
) {
  const lj = new LennardJones(ARGON);
  expect(relativeDifference(results.energy!, await lj.getPotentialEnergy(atoms))).toBeLessThan(
    1e-10,
  );
  expect(relativeDifference(results.forces!, await lj.getForces(atoms))).toBeLessThan(1e-10);
  expect(relativeDifference(results.stress!, await lj.getStress(atoms))).toBeLessThan(1e-10);
}

describe('a misbehaving client is dropped and its structure goes to a healthy one', () => {
  it.each<{ misbehaviour: Misbehaviour; cause: RegExp; timeouts?: { structureTimeoutMs: number } }>(
    [
      {
        misbehaviour: 'close-after-posdata',
        cause:
          /closed the connection while the answer to STATUS after POSDATA \(32 atoms; the client computes meanwhile\) was expected|ECONNRESET/,
      },
      {
        misbehaviour: 'stall-on-getforce',
        cause: /^no answer within 1 s: waited for the answer to GETFORCE \(12 bytes, 0 arrived\)$/,
        timeouts: { structureTimeoutMs: 1000 },
      },
      {
        misbehaviour: 'wrong-natoms',
        cause: /^sent FORCEREADY for 33 atoms, but the structure sent has 32 atoms$/,
      },
      {
        misbehaviour: 'huge-extra',
        cause:
          /^announced a FORCEREADY extra string of 2147483647 bytes, more than the limit of 1048576 bytes \(refused unread\)$/,
      },
      {
        misbehaviour: 'unknown-header',
        cause: /^sent an unknown header "HELLO" as the answer to STATUS after POSDATA/,
      },
      {
        misbehaviour: 'nan-energy',
        cause: /^sent a non-finite number \(NaN\) at index 0 of the FORCEREADY energy$/,
      },
    ],
  )('$misbehaviour', async ({ misbehaviour, cause, timeouts }) => {
    const { server, drops } = await listen(timeouts);
    const bad = await fakePeer(server.address, misbehaviour);
    cleanups.push(() => bad.destroy());
    await server.waitForClients(1, 5000);
    const atoms = argonCrystal(11);
    const pending = server.computeDetailed(atoms, ['energy', 'forces', 'stress']);
    const healthy = healthyClient(server);
    const outcome = await pending;

    expect(outcome.client).toMatch(/^client #2 \(127\.0\.0\.1:\d+\)$/);
    expect(outcome.attempts).toBe(2);
    await expectLj(outcome.results, atoms);
    expect(drops).toHaveLength(1);
    expect(drops[0]!.client.name).toMatch(/^client #1 \(127\.0\.0\.1:\d+\)$/);
    expect(drops[0]!.reason).toMatch(cause);
    expect(drops[0]!.error.message).toContain(drops[0]!.client.name);
    expect(server.concurrency).toBe(1);
    expect(bad.destroyed || (await closed(bad))).toBe(true);

    await server.close();
    expect(await healthy).toEqual({ structures: 1, reason: 'exit' });
  });

  it('a Python bridge killed in the middle of a structure', async () => {
    const { server, drops } = await listen({ structureTimeoutMs: 30_000 });
    const slow = processes.start(
      ipiBridgeArgs({
        calculator: `${fileURLToPath(new URL('./__fixtures__/slow_emt.py', import.meta.url))}:SlowEMT`,
        options: { delay: 5 },
        address: server.address,
      }),
    );
    await server.waitForClients(1, 30_000);
    server.once('structure-started', () => slow.child.kill('SIGKILL'));
    const atoms = copperAluminium(2, 9);
    const pending = server.computeDetailed(atoms, ['energy', 'forces', 'stress']);
    await slow.exited;
    processes.start(
      ipiBridgeArgs({ calculator: 'ase.calculators.emt:EMT', address: server.address }),
    );
    const outcome = await pending;

    expect(drops).toHaveLength(1);
    expect(drops[0]!.client.name).toMatch(/^client #1 /);
    // 'structure-started' fires as the structure is handed to the client, so the kill can
    // land during the STATUS handshake before POSDATA as well as during the computation.
    expect(drops[0]!.reason).toMatch(
      /closed the connection while the answer to STATUS( after [A-Z]+.*)? was expected|ECONNRESET/,
    );
    expect(outcome.client).toMatch(/^client #2 /);
    const [reference] = emtReference([atoms]);
    expect(relativeDifference(outcome.results.energy!, reference!.energy)).toBeLessThan(1e-10);
    expect(relativeDifference(outcome.results.forces!, reference!.forces)).toBeLessThan(1e-10);
  });

  it('gives up after maxRetries failed clients, naming each', async () => {
    const { server, drops } = await listen({ maxRetries: 1 });
    for (let k = 0; k < 2; k++) {
      const bad = await fakePeer(server.address, 'wrong-natoms');
      cleanups.push(() => bad.destroy());
    }
    await server.waitForClients(2, 5000);
    await expect(server.compute(argonCrystal(2), ['energy'])).rejects.toThrow(
      /^structure #1 \(32 atoms\) failed on 2 i-PI clients: client #1 \(127\.0\.0\.1:\d+\): sent FORCEREADY for 33 atoms, but the structure sent has 32 atoms; client #2 \(127\.0\.0\.1:\d+\): sent FORCEREADY for 33 atoms/,
    );
    expect(drops.map((d) => d.client.id)).toEqual([1, 2]);
    expect(server.concurrency).toBe(0);
  });

  it('drops a client that does not answer the handshake, or answers it with garbage', async () => {
    const { server, drops } = await listen({ handshakeTimeoutMs: 400 });
    const address = server.address;
    if (address.kind !== 'tcp') throw new Error('tcp expected');
    const silent = createConnection(address.port, address.host);
    const noisy = createConnection(address.port, address.host);
    noisy.on('connect', () => noisy.write('GARBAGE GARBAGE GARBAGE'));
    for (const s of [silent, noisy]) {
      s.on('error', () => undefined);
      cleanups.push(() => s.destroy());
    }
    await expect(server.waitForClients(1, 800)).rejects.toThrow(
      /^only 0 of 1 i-PI clients connected to 127\.0\.0\.1:\d+ within 0\.8 s; start one with: python3 /,
    );
    const reasons = drops.map((d) => d.reason).sort();
    expect(reasons).toEqual(
      [
        expect.stringMatching(
          /^no answer within 0\.4 s: waited for the answer to the first STATUS \(handshake\)/,
        ),
        'sent an unknown header "GARBAGE GARB" as the answer to the first STATUS (handshake)',
      ].sort(),
    );
    expect(server.concurrency).toBe(0);
  });

  it('close() does not wait for a stalled client: its structure is rejected at once', async () => {
    const { server } = await listen({ structureTimeoutMs: 60_000 });
    const bad = await fakePeer(server.address, 'stall-on-getforce');
    cleanups.push(() => bad.destroy());
    await server.waitForClients(1, 5000);
    const started = new Promise((resolve) => server.once('structure-started', resolve));
    const pending = server.compute(argonCrystal(3), ['energy']);
    await started;
    await server.close();
    await expect(pending).rejects.toThrow(/was closed during the computation/);
  });
});

describe('no client', () => {
  it('compute() rejects after clientWaitMs with how to start a client', async () => {
    const { server } = await listen({ clientWaitMs: 250 });
    const address = server.address;
    if (address.kind !== 'tcp') throw new Error('tcp expected');
    await expect(server.compute(argonCrystal(1), ['energy'])).rejects.toThrow(
      new RegExp(
        `^no i-PI client connected to 127\\.0\\.0\\.1:${address.port} within 0\\.25 s; start one with: python3 \\S+/python/mlffd_ipi_bridge\\.py --calculator MODULE:CALCULATOR --host 127\\.0\\.0\\.1 --port ${address.port}`,
      ),
    );
  });

  it('a queued structure waits while a client is away and runs when one connects', async () => {
    const { server } = await listen({ clientWaitMs: 5000 });
    const atoms = argonCrystal(4);
    const pending = server.computeDetailed(atoms, ['energy', 'forces', 'stress']);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.queued).toBe(1);
    void healthyClient(server);
    await expectLj((await pending).results, atoms);
  });
});

function closed(socket: import('node:net').Socket): Promise<boolean> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve(true);
    socket.once('close', () => resolve(true));
    setTimeout(() => resolve(socket.destroyed), 1000);
  });
}
