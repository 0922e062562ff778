/** IpiClient against our own IpiServer: species from INIT, templates, errors, connecting. */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, rmSync, writeFileSync } from 'node:fs';
import {
  type Atoms,
  BaseCalculator,
  type CalculatorResults,
  LennardJones,
  type PropertyName,
} from '@mlff-distiller/core';
import { afterEach, describe, expect, it } from 'vitest';
import { asePython } from './__fixtures__/processes.js';
import { argonCrystal, cluster, relativeDifference } from './__fixtures__/structures.js';
import { IpiClient, IpiClientError } from './ipi-client.js';
import { IpiServer } from './ipi-server.js';

const ARGON = { epsilon: 0.0104, sigma: 3.405, rc: 8.5, smooth: true, ro: 6.5 };
let server: IpiServer | null = null;
const clients: IpiClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server?.close();
  server = null;
});

function port(s: IpiServer): number {
  const address = s.address;
  if (address.kind !== 'tcp') throw new Error('tcp expected');
  return address.port;
}

function client(options: ConstructorParameters<typeof IpiClient>[0]): IpiClient {
  const c = new IpiClient(options);
  clients.push(c);
  return c;
}

/** Harmonic springs to the origin, energy and forces only (no stress). */
class Springs extends BaseCalculator {
  readonly name: string = 'springs';
  readonly implementedProperties: readonly PropertyName[] = ['energy', 'forces'];
  protected doCalculate(atoms: Atoms): CalculatorResults {
    let energy = 0;
    const forces = new Float64Array(atoms.positions.length);
    atoms.positions.forEach((x, i) => {
      energy += 0.5 * x * x;
      forces[i] = -x;
    });
    return { energy, forces };
  }
}

class Failing extends Springs {
  override readonly name = 'failing';
  protected override doCalculate(): CalculatorResults {
    throw new Error('model exploded');
  }
}

describe('IpiClient', () => {
  it('labels structures of any size with the species the server sends in INIT', async () => {
    server = await IpiServer.listen({ port: 0 });
    const running = client({ calculator: new LennardJones(ARGON), port: port(server) }).run();
    const structures = [
      cluster(['Ar', 'Ar', 'Ar'], 3.8, 1),
      argonCrystal(2),
      cluster(new Array(7).fill('Ar'), 4.1, 3),
    ];
    const lj = new LennardJones(ARGON);
    for (const atoms of structures) {
      const r = await server.compute(atoms, ['energy', 'forces']);
      expect(relativeDifference(r.energy!, await lj.getPotentialEnergy(atoms))).toBeLessThan(1e-12);
      expect(relativeDifference(r.forces!, await lj.getForces(atoms))).toBeLessThan(1e-12);
    }
    await server.close();
    expect(await running).toEqual({ structures: 3, reason: 'exit' });
  });

  it('uses template atoms when the server sends no species, and says so when there are none', async () => {
    server = await IpiServer.listen({ port: 0, initString: 'ase', maxRetries: 0 });
    const template = argonCrystal(4);
    const withTemplate = client({
      calculator: new LennardJones(ARGON),
      atoms: template,
      port: port(server),
    });
    const running = withTemplate.run();
    const r = await server.compute(template, ['energy']);
    expect(
      relativeDifference(r.energy!, await new LennardJones(ARGON).getPotentialEnergy(template)),
    ).toBeLessThan(1e-12);
    const gone = new Promise((resolve) => server!.once('client-dropped', resolve));
    withTemplate.close();
    expect(await running).toEqual({ structures: 1, reason: 'closed' });
    await gone;
    expect(server.concurrency).toBe(0);

    const bare = client({ calculator: new LennardJones(ARGON), port: port(server) }).run();
    const failed = server.compute(template, ['energy']);
    await expect(bare).rejects.toThrow(
      /sent no atomic numbers \(INIT string\) and no template atoms were given/,
    );
    await expect(failed).rejects.toThrow(/client #2 .*closed the connection/);
  });

  it('sends a zero virial when the calculator has no stress', async () => {
    server = await IpiServer.listen({ port: 0 });
    void client({ calculator: new Springs(), port: port(server) }).run();
    const atoms = argonCrystal(1);
    const r = await server.compute(atoms, ['energy', 'forces', 'stress']);
    expect(r.energy).toBeCloseTo(0.5 * atoms.positions.reduce((s, x) => s + x * x, 0), 8);
    expect(Array.from(r.stress!).every((s) => s === 0)).toBe(true);
  });

  it('reports a calculator error clearly and closes the connection', async () => {
    const dropped: string[] = [];
    server = await IpiServer.listen({ port: 0, maxRetries: 0 });
    server.on('client-dropped', (e) => dropped.push(e.reason));
    const running = client({ calculator: new Failing(), port: port(server) }).run();
    const failed = server.compute(argonCrystal(1), ['energy']);
    const error = await running.catch((e) => e);
    expect(error).toBeInstanceOf(IpiClientError);
    expect(error.message).toMatch(
      /^i-PI client: calculator "failing" failed on structure 1 \(32 atoms\) sent by server 127\.0\.0\.1:\d+: model exploded$/,
    );
    await expect(failed).rejects.toThrow(/failed on 1 i-PI clients/);
    expect(dropped[0]).toMatch(/closed the connection|ECONNRESET/);
  });

  it('keeps trying to connect until the server is up (UNIX socket by path)', async () => {
    const path = `/tmp/mlffd-ipi-test-${process.pid}-${Date.now()}.sock`;
    const early = client({
      calculator: new LennardJones(ARGON),
      unixSocket: path,
      connectTimeoutMs: 5000,
    });
    const running = early.run();
    await new Promise((resolve) => setTimeout(resolve, 200));
    server = await IpiServer.listen({ unixSocket: path });
    expect(server.name).toBe(`ipi+unix://${path}`);
    await server.waitForClients(1, 5000);
    await server.compute(argonCrystal(3), ['energy']);
    await server.close();
    expect(await running).toEqual({ structures: 1, reason: 'exit' });
  });

  it('fails clearly when no server comes up', async () => {
    await expect(
      client({ calculator: new Springs(), port: 1, connectTimeoutMs: 200 }).run(),
    ).rejects.toThrow(/^i-PI client cannot connect to 127\.0\.0\.1:1: connect ECONNREFUSED/);
  });
});

describe('IpiServer on a UNIX socket', () => {
  it('removes a stale socket file and refuses a live one', async () => {
    const name = `mlffd-test-stale-${process.pid}`;
    const path = `/tmp/ipi_${name}`;
    // A socket file left behind by a process that died without removing it.
    execFileSync(asePython(), [
      '-c',
      `import socket; s = socket.socket(socket.AF_UNIX); s.bind(${JSON.stringify(path)})`,
    ]);
    expect(lstatSync(path).isSocket()).toBe(true);
    server = await IpiServer.listen({ unixSocket: name });
    expect(server.address).toEqual({ kind: 'unix', path, name });
    await expect(IpiServer.listen({ unixSocket: name })).rejects.toThrow(
      `i-PI server: another server is listening on ${path}`,
    );
    await server.close();
    server = null;
    expect(existsSync(path)).toBe(false);
    writeFileSync(path, 'not a socket');
    try {
      await expect(IpiServer.listen({ unixSocket: path })).rejects.toThrow(
        `i-PI server: ${path} exists and is not a socket; refusing to remove it`,
      );
    } finally {
      rmSync(path);
    }
  });
});
