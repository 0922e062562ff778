import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSystem } from '@mlff-distiller/bench';
import { fccCrystal, LennardJones, readExtxyz, writeExtxyz } from '@mlff-distiller/core';
import { runAsePython } from '@mlff-distiller/core/testing';
import { describe, expect, it } from 'vitest';
import { mlffd, tmp } from '../__fixtures__/run-mlffd.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const cluster = join(root, 'examples/argon-cluster-55.extxyz');

describe('mlffd sample and label', () => {
  it('samples with MD and rattle-and-relax, then labels over two workers, readable by ASE', async () => {
    const dir = tmp();
    const samples = join(dir, 'samples.extxyz');
    const s = mlffd([
      'sample',
      cluster,
      '--teacher',
      'lj',
      '--temperatures',
      '40,80',
      '--steps',
      '200',
      '--dt',
      '2',
      '--stride',
      '10',
      '--rattle',
      '3',
      '-o',
      samples,
    ]);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stderr).toMatch(/evaluations\/s/);
    expect(s.stderr).toMatch(/ETA/);
    const frames = (await readExtxyz(samples)).map((f) => f.atoms);
    expect(frames.filter((f) => f.info.sample === 'rattle')).toHaveLength(3);
    expect(new Set(frames.map((f) => f.info.sample_temperature))).toEqual(
      new Set([40, 80, undefined]),
    );

    const dataset = join(dir, 'dataset.extxyz');
    const l = mlffd(['label', samples, '--teacher', 'lj', '--workers', '2', '-o', dataset]);
    expect(l.code, l.stderr).toBe(0);
    expect(l.stderr).toMatch(/structures\/s/);
    expect(l.stderr).toMatch(
      new RegExp(`${frames.length} structures labelled, ${frames.length} by this run`),
    );
    // ASE reads the labels back as calculator results; they are LJ's (argon defaults of --teacher lj).
    const ase = JSON.parse(
      runAsePython(`
import json
from ase.io import read
print(json.dumps([[a.get_potential_energy(), a.get_forces().ravel().tolist()] for a in read(${JSON.stringify(dataset)}, ':')]))
`),
    ) as [number, number[]][];
    expect(ase).toHaveLength(frames.length);
    const lj = new LennardJones({ epsilon: 0.0104, sigma: 3.405, rc: 8.5 });
    for (const k of [0, frames.length - 1]) {
      expect(ase[k]![0]).toBeCloseTo(await lj.getPotentialEnergy(frames[k]!), 10);
      const forces = await lj.getForces(frames[k]!);
      for (let i = 0; i < forces.length; i++) expect(ase[k]![1][i]).toBeCloseTo(forces[i]!, 10);
    }

    // Run again: everything comes from the journal.
    const again = mlffd(['label', samples, '--teacher', 'lj', '-o', dataset]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/0 by this run/);
  });

  it('labels over i-PI with two bridge clients running ASE EMT, equal to EMT called directly', async () => {
    const dir = tmp();
    const input = join(dir, 'copper.extxyz');
    await writeExtxyz(
      input,
      Array.from({ length: 6 }, (_, k) => ({
        atoms: fccCrystal('Cu', 3.61, 2, { rattle: 0.05, seed: k + 1 }),
      })),
    );
    const output = join(dir, 'copper-emt.extxyz');
    const r = mlffd([
      'label',
      input,
      '--teacher',
      'ipi://127.0.0.1:0',
      '--bridge',
      'ase.calculators.emt:EMT',
      '--workers',
      '2',
      '--stress',
      '-o',
      output,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/started 2 bridge client\(s\) running ase\.calculators\.emt:EMT/);
    const ase = JSON.parse(
      runAsePython(`
import json
from ase.io import read
from ase.calculators.emt import EMT
out = []
for labelled, original in zip(read(${JSON.stringify(output)}, ':'), read(${JSON.stringify(input)}, ':')):
    original.calc = EMT()
    out.append([labelled.get_potential_energy(), original.get_potential_energy(),
                float(abs(labelled.get_forces() - original.get_forces()).max()),
                float(abs(labelled.get_stress() - original.get_stress()).max())])
print(json.dumps(out))
`),
    ) as [number, number, number, number][];
    expect(ase).toHaveLength(6);
    for (const [labelled, direct, forceError, stressError] of ase) {
      // Doubles over the socket, 16 digits in extxyz: 1e-10 relative is far above both.
      expect(Math.abs(labelled - direct)).toBeLessThan(1e-10 * Math.abs(direct));
      expect(forceError).toBeLessThan(1e-10);
      expect(stressError).toBeLessThan(1e-10);
    }
  });

  it('samples ethanol with GFN2-xTB MD and rattle-and-relax', async () => {
    const dir = tmp();
    const start = join(dir, 'ethanol.extxyz');
    await writeExtxyz(start, { atoms: buildSystem('ethanol') });
    const output = join(dir, 'ethanol-samples.extxyz');
    const r = mlffd([
      'sample',
      start,
      '--teacher',
      'xtb',
      '--temperatures',
      '300',
      '--steps',
      '100',
      '--stride',
      '10',
      '--rattle',
      '2',
      '-o',
      output,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const frames = (await readExtxyz(output)).map((f) => f.atoms);
    expect(frames.filter((f) => f.info.sample === 'md').length).toBeGreaterThan(0);
    expect(frames.filter((f) => f.info.sample === 'rattle')).toHaveLength(2);
  });

  it('reports a missing teacher, program or peer in one line', () => {
    const dir = tmp();
    const out = join(dir, 'x.extxyz');
    const none = mlffd(['label', cluster, '-o', out]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--teacher is required/);

    const unknown = mlffd(['label', cluster, '--teacher', 'dft', '-o', out]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /unknown teacher "dft"; use xtb, xtb-program, ipi:\/\/HOST:PORT/,
    );

    const noPython = mlffd([
      'label',
      cluster,
      '--teacher',
      'ipi://127.0.0.1:0',
      '--bridge',
      'ase.calculators.emt:EMT',
      '--python',
      '/nonexistent/python3',
      '-o',
      out,
    ]);
    expect(noPython.code).not.toBe(0);
    expect(noPython.stderr).toMatch(/"\/nonexistent\/python3" was not found/);
    expect(noPython.stderr).not.toMatch(/\n\s+at /); // no stack trace without --verbose

    const noPeer = mlffd([
      'label',
      cluster,
      '--teacher',
      'ipi://127.0.0.1:0',
      '--wait',
      '1',
      '-o',
      out,
    ]);
    expect(noPeer.code).toBe(1);
    expect(noPeer.stderr).toMatch(
      /only 0 of 1 i-PI clients connected to 127\.0\.0\.1:\d+ within 1 s; start one with: .*mlffd_ipi_bridge\.py/,
    );
    expect(existsSync(out)).toBe(false);
  });
});
