import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Atoms, kB, units } from '@mlff-distiller/core';
import { afterAll, describe, expect, it } from 'vitest';
import { argonCluster, argonLJ, fccArgon } from './__fixtures__/systems.js';
import { Bussi } from './bussi.js';
import { maxwellBoltzmann } from './maxwell-boltzmann.js';
import { instantaneousPressure } from './pressure.js';
import { ThermoLogger } from './thermo-logger.js';
import { VelocityVerlet } from './velocity-verlet.js';

const dir = mkdtempSync(join(tmpdir(), 'mlffd-md-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ThermoLogger', () => {
  it('writes a header and fixed-width lines every N steps, with pressure and volume for a periodic system', async () => {
    const atoms = fccArgon(5.26, 2, 0.05, 1);
    maxwellBoltzmann(atoms, 80, { seed: 3 });
    const calc = argonLJ();
    const md = new VelocityVerlet(atoms, calc, { timestep: 2 });
    const path = join(dir, 'md.log');
    const logger = new ThermoLogger(path);
    md.attach(logger, 5);
    let last: { epot: number; ekin: number; p: number; v: number; t: number } | null = null;
    md.attach(async (m) => {
      const stress = await calc.getStress(m.atoms);
      last = {
        epot: m.potentialEnergy,
        ekin: m.atoms.getKineticEnergy(),
        p: instantaneousPressure(m.atoms, stress) / units.GPa,
        v: m.atoms.getVolume(),
        t: m.atoms.getTemperature(),
      };
    }, 5);
    await md.run(20);
    logger.close();
    logger.close(); // twice is fine

    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(1 + 5); // header, steps 0 5 10 15 20
    expect(lines[0]!.trim().split(/\s+/)).toEqual([
      'Step',
      'Time[fs]',
      'Epot[eV]',
      'Ekin[eV]',
      'Etot[eV]',
      'T[K]',
      'P[GPa]',
      'V[A^3]',
    ]);
    // Fixed width: every line as long as the header, columns right-aligned.
    for (const line of lines) expect(line.length).toBe(lines[0]!.length);
    const rows = lines.slice(1).map((l) => l.trim().split(/\s+/).map(Number));
    expect(rows.map((r) => r[0])).toEqual([0, 5, 10, 15, 20]);
    expect(rows.map((r) => r[1])).toEqual([0, 10, 20, 30, 40]);
    const row = rows[4]!;
    const ref = last!;
    // 32 atoms: energies with 6 decimals, T with 2, P with 5, V with 3.
    expect(row[2]).toBeCloseTo(ref.epot, 6);
    expect(row[3]).toBeCloseTo(ref.ekin, 6);
    expect(row[4]).toBeCloseTo(ref.epot + ref.ekin, 6);
    expect(row[5]).toBeCloseTo(ref.t, 2);
    expect(row[6]).toBeCloseTo(ref.p, 5);
    expect(row[7]).toBeCloseTo(ref.v, 3);
  });

  it('writes to a stream or a function, omits P and V without a cell, and uses the thermostat degrees of freedom for T', async () => {
    const cluster = argonCluster(13);
    maxwellBoltzmann(cluster, 40, { seed: 1 });
    const lines: string[] = [];
    const md = new VelocityVerlet(cluster, argonLJ(), { timestep: 5 });
    md.attach(new ThermoLogger((line) => lines.push(line)), 2);
    await md.run(4);
    expect(lines[0]!.trim().split(/\s+/)).toEqual([
      'Step',
      'Time[fs]',
      'Epot[eV]',
      'Ekin[eV]',
      'Etot[eV]',
      'T[K]',
    ]);
    expect(lines).toHaveLength(4);

    const atoms = fccArgon(5.26, 2, 0.05, 1);
    maxwellBoltzmann(atoms, 80, { seed: 3 });
    let text = '';
    const stream = new Writable({
      write(chunk, _enc, done) {
        text += String(chunk);
        done();
      },
    });
    const bussi = new Bussi(atoms, argonLJ(), { timestep: 2, temperature: 80, taut: 20, seed: 1 });
    bussi.attach(new ThermoLogger(stream, { pressure: false, header: false }), 1);
    await bussi.run(1);
    const rows = text
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/).map(Number));
    expect(rows).toHaveLength(2);
    expect(rows[1]!).toHaveLength(7); // no pressure column, volume kept
    expect(rows[1]![5]).toBeCloseTo((2 * atoms.getKineticEnergy()) / ((3 * 32 - 3) * kB), 2);
  });

  it('appends to an existing file on request', async () => {
    const path = join(dir, 'append.log');
    const atoms = new Atoms({
      symbols: ['Ar', 'Ar'],
      positions: [
        [0, 0, 0],
        [3.8, 0, 0],
      ],
    });
    for (let k = 0; k < 2; k++) {
      const md = new VelocityVerlet(atoms, argonLJ(), { timestep: 1 });
      const logger = new ThermoLogger(path, { append: true, header: k === 0 });
      md.attach(logger, 1);
      await md.run(1);
      logger.close();
    }
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(1 + 2 + 2);
  });
});
