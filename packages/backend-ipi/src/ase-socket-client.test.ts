/**
 * Acceptance: ASE's own i-PI client (`ase.calculators.socketio.SocketClient`, Debian's
 * python3-ase 3.22.1) running EMT serves our IpiServer; the energies, forces and stresses
 * we get equal EMT called directly to 1e-10 relative, over TCP and over a UNIX socket.
 */
import { existsSync } from 'node:fs';
import type { Atoms } from '@mlff-distiller/core';
import { afterEach, describe, expect, it } from 'vitest';
import { emtReference, structureJson } from './__fixtures__/ase-reference.js';
import { PythonProcesses } from './__fixtures__/processes.js';
import { copperAluminium, relativeDifference } from './__fixtures__/structures.js';
import { IpiServer } from './ipi-server.js';

const ASE_CLIENT = `
import json, sys
import numpy as np
from ase import Atoms
from ase.calculators.emt import EMT
from ase.calculators.socketio import SocketClient
spec = json.load(sys.stdin)
s = spec['template']
atoms = Atoms(numbers=s['numbers'], positions=np.reshape(s['positions'], (-1, 3)),
              cell=np.reshape(s['cell'], (3, 3)), pbc=s['pbc'])
atoms.calc = EMT()
if spec.get('unix'):
    client = SocketClient(unixsocket=spec['unix'])
else:
    client = SocketClient(host='127.0.0.1', port=spec['port'])
client.run(atoms, use_stress=True)
print(json.dumps({'done': True}), flush=True)
`;

const processes = new PythonProcesses();
let server: IpiServer | null = null;

afterEach(async () => {
  await server?.close();
  server = null;
  await processes.killAll();
});

/** Geometries with the same atoms (ASE's client keeps its species): strained, rattled. */
function geometries(): Atoms[] {
  return [1, 2, 3, 4].map((seed) => copperAluminium(2, seed, 0.02));
}

describe.each([
  { transport: 'TCP', unix: false },
  { transport: 'UNIX socket', unix: true },
])('ASE SocketClient (EMT) serving IpiServer over $transport', ({ unix }) => {
  it('gives EMT energies, forces and stresses to 1e-10 relative', async () => {
    const name = `mlffd-test-${process.pid}-${Math.floor(Math.random() * 1e9)}`;
    server = await IpiServer.listen(unix ? { unixSocket: name } : { port: 0 });
    const address = server.address;
    if (unix) {
      expect(address).toEqual({ kind: 'unix', path: `/tmp/ipi_${name}`, name });
      expect(existsSync(`/tmp/ipi_${name}`)).toBe(true);
    } else {
      expect(address.kind === 'tcp' && address.port > 0).toBe(true);
    }
    const structures = geometries();
    const spec = {
      template: structureJson(structures[0]!),
      ...(unix ? { unix: name } : { port: address.kind === 'tcp' ? address.port : 0 }),
    };
    const python = processes.start(['-c', ASE_CLIENT], JSON.stringify(spec));
    await server.waitForClients(1, 30_000);
    expect(server.concurrency).toBe(1);

    const ours = [];
    for (const atoms of structures) {
      ours.push(await server.compute(atoms, ['energy', 'forces', 'stress']));
    }
    const reference = emtReference(structures);
    for (const [i, r] of reference.entries()) {
      const o = ours[i]!;
      expect(relativeDifference(o.energy!, r.energy), `energy ${i}`).toBeLessThan(1e-10);
      expect(relativeDifference(o.forces!, r.forces), `forces ${i}`).toBeLessThan(1e-10);
      expect(relativeDifference(o.stress!, r.stress!), `stress ${i}`).toBeLessThan(1e-10);
      expect(o.free_energy).toBe(o.energy);
    }
    // Stress really is there and not trivially zero.
    expect(Math.max(...ours[0]!.stress!.map(Math.abs))).toBeGreaterThan(1e-4);

    // close() sends EXIT: ASE's client returns from run() and the process ends cleanly.
    await server.close();
    server = null;
    expect(await python.exited, python.stderr()).toBe(0);
    expect(python.stdout()).toContain('"done": true');
    if (unix) expect(existsSync(`/tmp/ipi_${name}`)).toBe(false);
  });
});
