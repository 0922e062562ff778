/**
 * Acceptance: ASE's i-PI server (`ase.calculators.socketio.SocketIOCalculator` with
 * `launch_client=None`, Debian's python3-ase 3.22.1) drives our IpiClient, which serves
 * core's LennardJones; ASE gets our calculator's energies, forces and stresses to 1e-10
 * relative, over TCP and over a UNIX socket.
 */
import { type Atoms, LennardJones } from '@mlff-distiller/core';
import { afterEach, describe, expect, it } from 'vitest';
import { structureJson } from './__fixtures__/ase-reference.js';
import { PythonProcesses } from './__fixtures__/processes.js';
import { argonCrystal, cluster, relativeDifference } from './__fixtures__/structures.js';
import { IpiClient } from './ipi-client.js';

const ASE_SERVER = `
import json, sys
import numpy as np
from ase import Atoms
from ase.calculators.socketio import SocketIOCalculator
spec = json.loads(sys.stdin.readline())
if spec.get('unix'):
    calc = SocketIOCalculator(unixsocket=spec['unix'], launch_client=None, timeout=60)
    port = None
else:
    calc = SocketIOCalculator(port=0, launch_client=None, timeout=60)
    port = calc.server.serversocket.getsockname()[1]
print(json.dumps({'port': port}), flush=True)
g = spec['geometries']
atoms = Atoms(numbers=spec['numbers'], positions=np.reshape(g[0]['positions'], (-1, 3)),
              cell=np.reshape(g[0]['cell'], (3, 3)), pbc=spec['pbc'])
atoms.calc = calc
out = []
for s in g:
    atoms.positions = np.reshape(s['positions'], (-1, 3))
    atoms.cell = np.reshape(s['cell'], (3, 3))
    periodic = atoms.cell.rank == 3 and any(atoms.pbc)
    out.append({'energy': atoms.get_potential_energy(),
                'forces': atoms.get_forces().ravel().tolist(),
                'stress': atoms.get_stress().tolist() if periodic else None})
calc.close()
print(json.dumps({'results': out}), flush=True)
`;

const ARGON = { epsilon: 0.0104, sigma: 3.405, rc: 8.5, smooth: true, ro: 6.5 };
const processes = new PythonProcesses();
afterEach(() => processes.killAll());

function rattled(base: Atoms, seed: number): Atoms[] {
  return [0, 1, 2].map((k) => {
    const atoms = base.copy();
    for (let i = 0; i < atoms.positions.length; i++) {
      atoms.positions[i]! += 0.05 * Math.sin(7.1 * i + 3.3 * k + seed);
    }
    if (k === 2 && atoms.pbc[0])
      atoms.setCell(
        Array.from(atoms.cell, (x) => 1.01 * x),
        true,
      );
    return atoms;
  });
}

describe.each([
  { transport: 'TCP', unix: false },
  { transport: 'UNIX socket', unix: true },
])('ASE SocketIOCalculator driving IpiClient (LennardJones) over $transport', ({ unix }) => {
  it.each([
    { system: 'periodic argon (stress)', build: () => rattled(argonCrystal(3), 1) },
    {
      system: 'argon cluster',
      build: () => rattled(cluster(new Array(13).fill('Ar'), 4.5, 5), 2),
    },
  ])('ASE gets our $system results to 1e-10 relative', async ({ build }) => {
    const geometries = build();
    const first = geometries[0]!;
    const name = `mlffd-test-${process.pid}-${Math.floor(Math.random() * 1e9)}`;
    const spec = {
      numbers: Array.from(first.numbers),
      pbc: first.pbc,
      geometries: geometries.map(structureJson),
      ...(unix ? { unix: name } : {}),
    };
    const python = processes.start(['-c', ASE_SERVER], `${JSON.stringify(spec)}\n`);
    const { port } = await processes.firstJsonLine<{ port: number | null }>(python);

    const client = new IpiClient({
      calculator: new LennardJones(ARGON),
      atoms: first,
      ...(unix ? { unixSocket: name } : { port: port! }),
    });
    const summary = await client.run();
    // ASE's server never sends EXIT: it closes the socket, which ends our client.
    expect(summary).toEqual({ structures: geometries.length, reason: 'closed' });
    expect(await python.exited, python.stderr()).toBe(0);
    const { results } = JSON.parse(python.stdout().trim().split('\n').at(-1)!) as {
      results: { energy: number; forces: number[]; stress: number[] | null }[];
    };

    const lj = new LennardJones(ARGON);
    for (const [i, atoms] of geometries.entries()) {
      const r = results[i]!;
      expect(relativeDifference(r.energy, await lj.getPotentialEnergy(atoms))).toBeLessThan(1e-10);
      expect(relativeDifference(r.forces, await lj.getForces(atoms))).toBeLessThan(1e-10);
      if (atoms.pbc[0]) {
        const stress = await lj.getStress(atoms);
        expect(Math.max(...stress.map(Math.abs))).toBeGreaterThan(1e-6);
        expect(relativeDifference(r.stress!, stress)).toBeLessThan(1e-10);
      } else {
        expect(r.stress).toBeNull();
      }
    }
  });
});
