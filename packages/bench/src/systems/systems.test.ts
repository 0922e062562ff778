import { readFileSync } from 'node:fs';
import { covalentRadius, InvalidInputError, parseExtxyz } from '@mlff-distiller/core';
import { runAsePython } from '@mlff-distiller/core/testing';
import { describe, expect, it } from 'vitest';
import { buildSystem, listSystems, parseSystemSpec } from './build-system.js';
import { ARGON_SIGMA, bccCrystal, ljLiquid } from './lattices.js';
import { MOLECULES_EXTXYZ } from './molecules.data.js';
import { buildMolecule, MOLECULE_NAMES } from './molecules.js';
import { minDistance } from './systems-test-utils.js';
import { WATER_HOH, WATER_OH, waterBox, waterCluster, waterVolumePerMolecule } from './water.js';

const AVOGADRO = 6.022140857e23;
/** Mass density in g/cm³ of a periodic structure. */
const density = (atoms: ReturnType<typeof buildSystem>): number =>
  ((atoms.getTotalMass() / AVOGADRO) * 1e24) / atoms.getVolume();

function bonds(atoms: ReturnType<typeof buildSystem>): number {
  let n = 0;
  const p = atoms.positions;
  for (let i = 0; i < atoms.length; i++) {
    for (let j = i + 1; j < atoms.length; j++) {
      const d = Math.hypot(
        p[3 * j]! - p[3 * i]!,
        p[3 * j + 1]! - p[3 * i + 1]!,
        p[3 * j + 2]! - p[3 * i + 2]!,
      );
      // ASE's NeighborList(natural_cutoffs(atoms)) criterion: closer than the sum of the
      // covalent radii plus its default skin of 0.3 Å.
      if (d < covalentRadius(atoms.numbers[i]!) + covalentRadius(atoms.numbers[j]!) + 0.3) n++;
    }
  }
  return n;
}

describe('shipped molecules', () => {
  const expected: Record<string, [formula: string, bonds: number]> = {
    water: ['H2O', 2],
    methane: ['CH4', 4],
    ethanol: ['C2H6O', 8],
    benzene: ['C6H6', 12],
    aspirin: ['C9H8O4', 21],
    'alanine-dipeptide': ['C6H12N2O2', 21],
  };

  it.each(MOLECULE_NAMES)('%s has its formula, bond count and no close contacts', (name) => {
    const atoms = buildSystem(name);
    expect(atoms.getChemicalFormula()).toBe(expected[name]![0]);
    expect(bonds(atoms)).toBe(expected[name]![1]);
    expect(minDistance(atoms)).toBeGreaterThan(0.9);
    expect(atoms.pbc).toEqual([false, false, false]);
    expect(atoms.info.system).toBe(name);
    expect(typeof atoms.info.xtb_energy_hartree).toBe('number');
    const com = atoms.getCenterOfMass();
    for (const c of com) expect(Math.abs(c)).toBeLessThan(1e-6);
  });

  it('the inlined text is the shipped molecules.extxyz', () => {
    const file = readFileSync(new URL('./molecules.extxyz', import.meta.url), 'utf8');
    expect(MOLECULES_EXTXYZ).toBe(file);
  });

  it('returns a fresh copy each time', () => {
    const a = buildMolecule('benzene');
    a.positions[0] = 99;
    expect(buildMolecule('benzene').positions[0]).not.toBe(99);
  });

  it('alanine dipeptide is the L isomer in the C7eq conformation', () => {
    const p = buildMolecule('alanine-dipeptide').positions;
    const v = (i: number) => [p[3 * i]!, p[3 * i + 1]!, p[3 * i + 2]!];
    const sub = (a: number[], b: number[]) => a.map((x, k) => x - b[k]!);
    const cross = (a: number[], b: number[]) => [
      a[1]! * b[2]! - a[2]! * b[1]!,
      a[2]! * b[0]! - a[0]! * b[2]!,
      a[0]! * b[1]! - a[1]! * b[0]!,
    ];
    const dot = (a: number[], b: number[]) => a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
    const dihedral = (a: number, b: number, c: number, d: number) => {
      const b1 = sub(v(b), v(a));
      const b2 = sub(v(c), v(b));
      const b3 = sub(v(d), v(c));
      // IUPAC sign convention, as ASE's get_dihedral (mapped to -180…180).
      const y = Math.hypot(...b2) * dot(b1, cross(b2, b3));
      return (Math.atan2(y, dot(cross(b1, b2), cross(b2, b3))) * 180) / Math.PI;
    };
    // Atom order of the Z-matrix in src/systems/build-molecules.py: C 1, N 3, CA 7, C 9, N 11, CB 12, HA 13.
    const ca = v(7);
    expect(dot(cross(sub(v(9), ca), sub(v(12), ca)), sub(v(13), ca))).toBeLessThan(0); // CORN: L
    expect(dihedral(1, 3, 7, 9)).toBeCloseTo(-82, -1); // φ
    expect(dihedral(3, 7, 9, 11)).toBeCloseTo(73, -1); // ψ
  });

  it('ASE reads the shipped text to the same structures', () => {
    const out = runAsePython(
      `
import sys, json, io
from ase.io import read
frames = read(io.StringIO(sys.stdin.read()), index=':', format='extxyz')
print(json.dumps([{'name': a.info['name'], 'source': a.info['source'], 'formula': a.get_chemical_formula(),
  'numbers': a.numbers.tolist(), 'positions': [repr(float(x)) for x in a.positions.ravel()]} for a in frames]))
`,
      MOLECULES_EXTXYZ,
    );
    const ase = JSON.parse(out) as {
      name: string;
      source: string;
      formula: string;
      numbers: number[];
      positions: string[];
    }[];
    const ours = parseExtxyz(MOLECULES_EXTXYZ);
    expect(ase.map((f) => f.name)).toEqual([...MOLECULE_NAMES]);
    ours.forEach(({ atoms }, i) => {
      expect(atoms.info.name).toBe(ase[i]!.name);
      expect(atoms.info.source).toBe(ase[i]!.source);
      expect(Array.from(atoms.numbers)).toEqual(ase[i]!.numbers);
      expect(Array.from(atoms.positions)).toEqual(ase[i]!.positions.map(Number));
    });
  });
});

describe('water boxes', () => {
  it.each([3, 6, 33, 96, 192, 384, 648, 1536, 4095])(
    '%i atoms: formula, density, periodicity, contacts, rigid geometry',
    (n) => {
      const atoms = buildSystem(`water-box:${n}`);
      expect(atoms.length).toBe(n);
      expect(atoms.getChemicalFormula()).toBe(n === 3 ? 'H2O' : `H${(2 * n) / 3}O${n / 3}`);
      expect(atoms.pbc).toEqual([true, true, true]);
      expect(Math.abs(density(atoms) - 1)).toBeLessThan(0.01);
      const s = atoms.getScaledPositions();
      for (const f of s) expect(f >= 0 && f < 1).toBe(true);
      const mol = (i: number) => Math.floor(i / 3);
      if (n > 3) {
        expect(minDistance(atoms, (i, j) => mol(i) !== mol(j))).toBeGreaterThanOrEqual(1.6);
      }
      checkRigidWaters(atoms);
    },
  );

  it('is deterministic by seed and differs between seeds', () => {
    const a = buildSystem('water-box:192', { seed: 7 });
    const b = buildSystem('water-box:192', { seed: 7 });
    const c = buildSystem('water-box:192', { seed: 8 });
    expect(Array.from(a.positions)).toEqual(Array.from(b.positions));
    expect(Array.from(a.positions)).not.toEqual(Array.from(c.positions));
    expect(a.info).toMatchObject({ system: 'water-box:192', seed: 7 });
  });

  it('follows a requested density', () => {
    const atoms = waterBox(300, { density: 0.9 });
    expect(density(atoms)).toBeCloseTo(0.9, 10);
    expect(waterVolumePerMolecule(1)).toBeCloseTo(29.91, 2);
  });
});

function checkRigidWaters(atoms: ReturnType<typeof buildSystem>): void {
  const p = atoms.positions;
  const box = atoms.pbc[0] ? atoms.cell[0]! : 0;
  const vec = (i: number, j: number) =>
    [0, 1, 2].map((k) => {
      let d = p[3 * j + k]! - p[3 * i + k]!;
      if (box) d -= box * Math.round(d / box);
      return d;
    });
  for (let m = 0; m < atoms.length / 3; m++) {
    expect(atoms.getChemicalSymbols().slice(3 * m, 3 * m + 3)).toEqual(['O', 'H', 'H']);
    const a = vec(3 * m, 3 * m + 1);
    const b = vec(3 * m, 3 * m + 2);
    expect(Math.hypot(...a)).toBeCloseTo(WATER_OH, 9);
    expect(Math.hypot(...b)).toBeCloseTo(WATER_OH, 9);
    const cos = (a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!) / WATER_OH ** 2;
    expect((Math.acos(cos) * 180) / Math.PI).toBeCloseTo(WATER_HOH, 7);
  }
}

describe('water clusters', () => {
  it.each([96, 768, 3072])('%i atoms: not periodic, spherical at liquid density', (n) => {
    const atoms = buildSystem(`water-cluster:${n}`, { seed: 3 });
    expect(atoms.length).toBe(n);
    expect(atoms.pbc).toEqual([false, false, false]);
    expect(atoms.getVolume()).toBe(0);
    expect(
      minDistance(atoms, (i, j) => Math.floor(i / 3) !== Math.floor(j / 3)),
    ).toBeGreaterThanOrEqual(1.6);
    checkRigidWaters(atoms);
    // Radius of gyration of the oxygens against a uniform sphere at 1 g/cm³: √(3/5)·R.
    const nMol = n / 3;
    const radius = Math.cbrt((3 * nMol * waterVolumePerMolecule()) / (4 * Math.PI));
    let sum = 0;
    for (let m = 0; m < nMol; m++) {
      const o = atoms.positions.subarray(9 * m, 9 * m + 3);
      sum += o[0]! ** 2 + o[1]! ** 2 + o[2]! ** 2;
    }
    expect(Math.sqrt(sum / nMol) / (Math.sqrt(3 / 5) * radius)).toBeCloseTo(1, 1);
  });

  it('is deterministic by seed', () => {
    expect(Array.from(waterCluster(96, { seed: 2 }).positions)).toEqual(
      Array.from(waterCluster(96, { seed: 2 }).positions),
    );
  });
});

describe('lattices and LJ liquid', () => {
  it.each([
    ['lj-fcc:256', 'Ar256', 5.26 / Math.SQRT2],
    ['lj-fcc:2048', 'Ar2048', 5.26 / Math.SQRT2],
    ['cu-fcc:500', 'Cu500', 3.615 / Math.SQRT2],
    ['al-fcc:864', 'Al864', 4.05 / Math.SQRT2],
    ['fe-bcc:432', 'Fe432', (2.87 * Math.sqrt(3)) / 2],
  ])('%s: count, nearest-neighbour distance, periodic', (spec, formula, nn) => {
    const atoms = buildSystem(spec);
    expect(atoms.getChemicalFormula()).toBe(formula);
    expect(atoms.pbc).toEqual([true, true, true]);
    expect(minDistance(atoms)).toBeCloseTo(nn, 10);
    expect(atoms.info.system).toBe(spec);
  });

  it('builds lj-fcc:16384', () => {
    const atoms = buildSystem('lj-fcc:16384');
    expect(atoms.length).toBe(16384);
    expect(atoms.cell[0]).toBeCloseTo(16 * 5.26, 12);
  });

  it('bcc iron matches ASE bulk(cubic=True).repeat(3)', () => {
    const ours = bccCrystal('Fe', 2.87, 3);
    const out = runAsePython(`
import json
from ase.build import bulk
a = bulk('Fe', 'bcc', 2.87, cubic=True).repeat(3)
print(json.dumps({'p': a.positions.ravel().tolist(), 'c': a.cell.array.ravel().tolist()}))
`);
    const ase = JSON.parse(out) as { p: number[]; c: number[] };
    for (const [i, x] of ase.p.entries()) expect(ours.positions[i]).toBeCloseTo(x, 12);
    for (const [i, x] of ase.c.entries()) expect(ours.cell[i]).toBeCloseTo(x, 12);
  });

  it('lj-liquid: liquid argon density, minimum distance, deterministic', () => {
    const atoms = buildSystem('lj-liquid:2048', { seed: 5 });
    expect(atoms.length).toBe(2048);
    expect((atoms.length / atoms.getVolume()) * ARGON_SIGMA ** 3).toBeCloseTo(0.8442, 10);
    expect(minDistance(atoms)).toBeGreaterThanOrEqual(3.0);
    for (const f of atoms.getScaledPositions()) expect(f >= 0 && f < 1).toBe(true);
    expect(Array.from(atoms.positions)).toEqual(Array.from(ljLiquid(2048, { seed: 5 }).positions));
  });
});

describe('specs and errors', () => {
  it('parses specs', () => {
    expect(parseSystemSpec('water-box:192')).toEqual({ name: 'water-box', size: 192 });
    expect(parseSystemSpec(' Alanine_Dipeptide ')).toEqual({ name: 'alanine-dipeptide' });
    expect(parseSystemSpec('ala2')).toEqual({ name: 'alanine-dipeptide' });
    expect(() => parseSystemSpec('water-box:-3')).toThrow(/positive whole number/);
    expect(() => parseSystemSpec('water-box:1e3')).toThrow(InvalidInputError);
    expect(() => parseSystemSpec('a b')).toThrow(/name or name:N/);
  });

  it('lists every family with valid suggested sizes', () => {
    const list = listSystems();
    expect(list.map((s) => s.name)).toEqual([
      ...MOLECULE_NAMES,
      'water-box',
      'water-cluster',
      'lj-fcc',
      'lj-liquid',
      'cu-fcc',
      'al-fcc',
      'fe-bcc',
    ]);
    for (const s of list) {
      expect(s.description.length).toBeGreaterThan(5);
      if (!s.sized) continue;
      expect(s.sizeRule).toBeTruthy();
      for (const n of s.sizes!) if (n <= 4096) expect(buildSystem(`${s.name}:${n}`).length).toBe(n);
    }
    expect(list.find((s) => s.name === 'lj-fcc')!.sizes).toEqual([256, 2048, 16384]);
  });

  it('names what exists for unknown names and invalid sizes', () => {
    expect(() => buildSystem('argon')).toThrow(InvalidInputError);
    expect(() => buildSystem('argon')).toThrow(/known systems: water, .*aspirin.*lj-fcc:N/);
    expect(() => buildSystem('lj-fcc:2000')).toThrow(/4·k³.*nearest: 1372 or 2048/);
    expect(() => buildSystem('fe-bcc:100')).toThrow(/nearest: 54 or 128/);
    expect(() => buildSystem('water-box:100')).toThrow(/divisible by 3.*nearest: 99 or 102/);
    expect(() => buildSystem('water-box')).toThrow(/needs a size in atoms, e.g. water-box:96/);
    expect(() => buildSystem('aspirin:21')).toThrow(/single molecule/);
    expect(() => buildSystem('water:300')).toThrow(/water-box:N/);
  });

  it('builds the nearest valid size when asked', () => {
    const atoms = buildSystem('lj-fcc:2000', { nearestSize: true });
    expect(atoms.length).toBe(2048);
    expect(atoms.info.system).toBe('lj-fcc:2048');
    expect(String(atoms.info.note)).toMatch(/lj-fcc:2000 is not a valid size.*2048 atoms/);
    expect(buildSystem('lj-fcc:1400', { nearestSize: true }).length).toBe(1372);
  });
});
