/**
 * IpiCalculator over an IpiServer whose client is an in-process IpiClient serving core's
 * LennardJones: the whole Calculator contract (core's conformance suite) holds through the
 * socket, and results equal LennardJones called directly.
 */
import { LennardJones } from '@mlff-distiller/core';
import { describeCalculatorConformance } from '@mlff-distiller/core/testing';
import { describe, expect, it } from 'vitest';
import { argonCrystal, cluster, relativeDifference } from './__fixtures__/structures.js';
import { IpiCalculator } from './ipi-calculator.js';
import { IpiClient } from './ipi-client.js';
import { IpiServer } from './ipi-server.js';

const ARGON = { epsilon: 0.0104, sigma: 3.405, rc: 8.5, smooth: true, ro: 6.5 };

/** An IpiCalculator (owning its server) with `clients` LennardJones clients connected. */
async function ipiLennardJones(clients = 1): Promise<IpiCalculator> {
  const server = await IpiServer.listen({ port: 0 });
  const address = server.address;
  if (address.kind !== 'tcp') throw new Error('tcp expected');
  for (let k = 0; k < clients; k++) {
    void new IpiClient({ calculator: new LennardJones(ARGON), port: address.port }).run();
  }
  await server.waitForClients(clients, 5000);
  return new IpiCalculator(server, { ownsServer: true });
}

describeCalculatorConformance('IpiCalculator (LennardJones served by IpiClient)', {
  create: () => ipiLennardJones(),
  systems: () => [argonCrystal(21), cluster(new Array(9).fill('Ar'), 4.2, 22)],
});

describe('IpiCalculator', () => {
  it('gives LennardJones results and caches them', async () => {
    const calc = await ipiLennardJones();
    try {
      expect(calc.name).toMatch(/^ipi:ipi:\/\/127\.0\.0\.1:\d+$/);
      expect(calc.implementedProperties).toEqual(['energy', 'free_energy', 'forces', 'stress']);
      const lj = new LennardJones(ARGON);
      const atoms = argonCrystal(5);
      const stress = await calc.getStress(atoms);
      expect(relativeDifference(stress, await lj.getStress(atoms))).toBeLessThan(1e-10);
      expect(
        relativeDifference(await calc.getForces(atoms), await lj.getForces(atoms)),
      ).toBeLessThan(1e-10);
      expect(
        relativeDifference(
          await calc.getPotentialEnergy(atoms),
          await lj.getPotentialEnergy(atoms),
        ),
      ).toBeLessThan(1e-12);
      await expect(calc.getPotentialEnergies(atoms)).rejects.toThrow(
        /does not implement the property "energies"/,
      );
      await expect(calc.getStress(cluster(['Ar', 'Ar'], 2, 1))).rejects.toThrow(
        /gives stress only for a three-dimensional cell with a periodic axis/,
      );
    } finally {
      await calc.dispose();
    }
  });

  it('two calculators on one server with two clients compute side by side', async () => {
    const first = await ipiLennardJones(2);
    const second = new IpiCalculator(first.server);
    try {
      const a = argonCrystal(6);
      const b = argonCrystal(7);
      const [ea, eb] = await Promise.all([
        first.getPotentialEnergy(a),
        second.getPotentialEnergy(b),
      ]);
      const lj = new LennardJones(ARGON);
      expect(relativeDifference(ea, await lj.getPotentialEnergy(a))).toBeLessThan(1e-12);
      expect(relativeDifference(eb, await lj.getPotentialEnergy(b))).toBeLessThan(1e-12);
      expect((first.server as IpiServer).clients.map((c) => c.structures).sort()).toEqual([1, 1]);
    } finally {
      await second.dispose(); // does not own the server
      expect(first.server.concurrency).toBe(2);
      await first.dispose();
      expect(first.server.concurrency).toBe(0);
    }
  });
});
