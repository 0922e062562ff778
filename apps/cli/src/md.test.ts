import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readExtxyz } from '@mlff-distiller/core';
import { runAsePython } from '@mlff-distiller/core/testing';
import {
  createCheckpoint,
  initPainnParameters,
  type PainnConfig,
  painnForceGraph,
  serializeCheckpoint,
} from '@mlff-distiller/models';
import { describe, expect, it } from 'vitest';
import { mlffd, tmp } from './__fixtures__/run-mlffd.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const example = join(root, 'examples/argon-fcc-256.extxyz');
const cluster = join(root, 'examples/argon-cluster-55.extxyz');

/** A small student with random weights for `species`, as checkpoint JSON text. */
function studentCheckpoint(species: number[]): string {
  const config: PainnConfig = { species, features: 8, interactions: 1, radialBasis: 4, cutoff: 5 };
  const { graph } = painnForceGraph(config);
  const weights = initPainnParameters(graph, 1);
  return serializeCheckpoint(
    createCheckpoint(config, graph, weights, {
      referenceEnergies: species.map(() => 0),
      energyScale: 0.01,
    }),
  );
}

describe('mlffd md', () => {
  for (const ensemble of ['nve', 'nvt', 'npt'] as const) {
    it(`runs ${ensemble}, writes a log and an ASE-readable trajectory`, async () => {
      const dir = tmp();
      const traj = join(dir, 'sub/traj.extxyz');
      const log = join(dir, 'md.log');
      const extra = ensemble === 'nve' ? [] : ['--temperature', '94.4', '--seed', '7'];
      if (ensemble === 'npt') extra.push('--pressure', '0.1');
      const r = mlffd([
        'md',
        example,
        '--calculator',
        'lj',
        '--ensemble',
        ensemble,
        '--steps',
        '40',
        '--dt',
        '2',
        '--traj',
        traj,
        '--log',
        log,
        '--traj-interval',
        '10',
        '--log-interval',
        '10',
        ...extra,
      ]);
      expect(r.stderr).toMatch(/steps\/s/);
      expect(r.stderr).toMatch(/ETA/);
      expect(r.code, r.stderr).toBe(0);
      const lines = readFileSync(log, 'utf8').trim().split('\n');
      expect(lines[0]).toMatch(
        /Time\[fs\].*Epot\[eV\].*Ekin\[eV\].*Etot\[eV\].*T\[K\].*P\[GPa\].*V\[A\^3\]/,
      );
      expect(lines).toHaveLength(1 + 5); // header + steps 0, 10, 20, 30, 40
      const frames = await readExtxyz(traj);
      expect(frames).toHaveLength(5);
      const ase = JSON.parse(
        runAsePython(`
import json, sys
from ase.io import read
frames = read(sys.argv[1] if len(sys.argv) > 1 else ${JSON.stringify(traj)}, index=':')
print(json.dumps([[len(a), a.get_potential_energy(), a.get_forces()[0].tolist(), a.get_momenta()[0].tolist()] for a in frames]))
`),
      ) as [number, number, number[], number[]][];
      expect(ase).toHaveLength(5);
      expect(ase[4]![0]).toBe(256);
      expect(ase[4]![1]).toBe(frames[4]!.results.energy);
      expect(ase[4]![2]).toEqual(Array.from(frames[4]!.results.forces!.slice(0, 3)));
    });
  }

  it("starts from the file's velocities, or Maxwell-Boltzmann without them", () => {
    const dir = tmp();
    const r1 = mlffd([
      'md',
      example,
      '--calculator',
      'lj',
      '--steps',
      '2',
      '--dt',
      '1',
      '--log',
      join(dir, 'a.log'),
    ]);
    expect(r1.code, r1.stderr).toBe(0);
    expect(r1.stderr).toMatch(/velocities from the file/);
    const r2 = mlffd([
      'md',
      cluster,
      '--calculator',
      'lj',
      '--steps',
      '2',
      '--dt',
      '1',
      '--temperature',
      '30',
      '--seed',
      '1',
    ]);
    expect(r2.code, r2.stderr).toBe(0);
    expect(r2.stderr).toMatch(/Maxwell-Boltzmann at 30 K/);
  });

  it('runs MD with a trained student given as a checkpoint file', () => {
    const dir = tmp();
    const student = join(dir, 'argon-student.json');
    writeFileSync(student, studentCheckpoint([18]));
    const log = join(dir, 'md.log');
    const r = mlffd([
      'md',
      example,
      '--calculator',
      student,
      '--steps',
      '5',
      '--dt',
      '1',
      '--log',
      log,
      '--log-interval',
      '1',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(7); // header + steps 0..5
  });

  describe('bad input: one clear line, non-zero exit, no stack trace', () => {
    const dir = tmp();
    const write = (name: string, text: string) => {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    };
    const cases: { name: string; args: () => string[]; message: RegExp }[] = [
      {
        name: 'malformed extxyz (file and line named)',
        args: () => [
          'md',
          write('bad.extxyz', '2\nProperties=species:S:1:pos:R:3\nAr 0 0 0\nAr 1 2\n'),
          '--calculator',
          'lj',
          '--steps',
          '1',
          '--dt',
          '1',
        ],
        message: /bad\.extxyz:4: .*columns/,
      },
      {
        name: 'NaN coordinates',
        args: () => [
          'md',
          write('nan.extxyz', '2\nProperties=species:S:1:pos:R:3\nAr 0 0 0\nAr nan 0 0\n'),
          '--calculator',
          'lj',
          '--steps',
          '1',
          '--dt',
          '1',
        ],
        message: /nan\.extxyz:4: .*(finite|NaN)/i,
      },
      {
        name: 'singular cell',
        args: () => [
          'md',
          write(
            'flat.extxyz',
            '1\nLattice="5 0 0 10 0 0 0 0 5" Properties=species:S:1:pos:R:3 pbc="T T T"\nAr 0 0 0\n',
          ),
          '--calculator',
          'lj',
          '--steps',
          '1',
          '--dt',
          '1',
        ],
        message: /flat\.extxyz: .*singular/,
      },
      {
        name: 'unknown element',
        args: () => [
          'md',
          write('xx.extxyz', '1\nProperties=species:S:1:pos:R:3\nQq 0 0 0\n'),
          '--calculator',
          'lj',
          '--steps',
          '1',
          '--dt',
          '1',
        ],
        message: /xx\.extxyz:3: .*Qq/,
      },
      {
        name: 'missing file',
        args: () => [
          'md',
          join(dir, 'nope.extxyz'),
          '--calculator',
          'lj',
          '--steps',
          '1',
          '--dt',
          '1',
        ],
        message: /not found: .*nope\.extxyz/,
      },
      {
        name: 'negative steps',
        args: () => ['md', example, '--calculator', 'lj', '--steps', '-5', '--dt', '1'],
        message: /--steps must be at least 0/,
      },
      {
        name: 'non-numeric dt',
        args: () => ['md', example, '--calculator', 'lj', '--steps', '5', '--dt', 'fast'],
        message: /--dt needs a number/,
      },
      {
        name: 'unknown option',
        args: () => ['md', example, '--calculator', 'lj', '--steps', '5', '--dt', '1', '--bogus'],
        message: /Unknown option '--bogus'/,
      },
      {
        name: 'unknown calculator',
        args: () => ['md', example, '--calculator', 'magic', '--steps', '5', '--dt', '1'],
        message: /unknown calculator "magic"; available: lj, morse/,
      },
      {
        name: 'unknown ensemble',
        args: () => [
          'md',
          example,
          '--calculator',
          'lj',
          '--steps',
          '5',
          '--dt',
          '1',
          '--ensemble',
          'nph',
        ],
        message: /--ensemble must be one of nve, nvt, npt/,
      },
      {
        name: 'nvt without temperature',
        args: () => [
          'md',
          example,
          '--calculator',
          'lj',
          '--steps',
          '5',
          '--dt',
          '1',
          '--ensemble',
          'nvt',
        ],
        message: /--temperature is required for nvt/,
      },
      {
        name: 'npt without a periodic cell',
        args: () => [
          'md',
          cluster,
          '--calculator',
          'lj',
          '--steps',
          '5',
          '--dt',
          '1',
          '--ensemble',
          'npt',
          '--temperature',
          '50',
        ],
        message: /npt needs a fully periodic cell/,
      },
      {
        name: 'bad calculator parameter',
        args: () => [
          'md',
          example,
          '--calculator',
          'lj',
          '--param',
          'gamma=1',
          '--steps',
          '5',
          '--dt',
          '1',
        ],
        message: /no parameter "gamma"/,
      },
      { name: 'unknown command', args: () => ['dance'], message: /unknown command "dance"/ },
      {
        name: 'corrupt student checkpoint',
        args: () => [
          'md',
          example,
          '--calculator',
          write('student.json', '{"format": "mlff-'),
          '--steps',
          '1',
          '--dt',
          '1',
        ],
        message: /student\.json is not a readable student checkpoint \(corrupt or truncated JSON/,
      },
      {
        name: 'student that never saw the element',
        args: () => [
          'md',
          example,
          '--calculator',
          write('hco.json', studentCheckpoint([1, 6, 8])),
          '--steps',
          '1',
          '--dt',
          '1',
        ],
        message: /was not trained on atomic number 18 \(atom 0\)/,
      },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const r = mlffd(c.args());
        expect(r.code).not.toBe(0);
        const lines = r.stderr.trim().split('\n');
        expect(lines, r.stderr).toHaveLength(1);
        expect(lines[0]).toMatch(/^mlffd: error: /);
        expect(lines[0]).toMatch(c.message);
        expect(r.stderr).not.toMatch(/\n\s+at /);
      });
    }

    it('--verbose adds the stack trace', () => {
      const r = mlffd([
        'md',
        join(dir, 'nope.extxyz'),
        '--calculator',
        'lj',
        '--steps',
        '1',
        '--dt',
        '1',
        '--verbose',
      ]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/\n\s+at /);
    });
  });
});
