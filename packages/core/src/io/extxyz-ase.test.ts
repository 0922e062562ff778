import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Atoms } from '../atoms.js';
import type { CalculatorResults } from '../calculator/calculator.js';
import { runAsePython } from '../testing/python.js';
import { aseMomentaToVelocities, velocitiesToAseMomenta } from './ase-momenta.js';
import { parseExtxyzComment } from './extxyz-comment.js';
import { parseFloatToken } from './extxyz-number.js';
import { parseExtxyz, readExtxyz } from './extxyz-read.js';
import { writeExtxyz } from './extxyz-write.js';

// Cross-checks against ASE 3.22.1 itself (Debian's python3-ase). Python prints every float as
// repr() text, which round-trips exactly, so "equal" below means bit for bit unless stated.

const dir = mkdtempSync(join(tmpdir(), 'mlffd-extxyz-ase-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Python helper: values tagged with their Python type; floats as repr() strings. */
const PY_ENCODE = `
import json, sys
import numpy as np
def enc(v):
    if isinstance(v, np.ndarray):
        return {'nd': v.dtype.kind, 'shape': list(v.shape), 'v': [enc(x) for x in v.ravel().tolist()]}
    if isinstance(v, (bool, np.bool_)): return {'b': bool(v)}
    if isinstance(v, (int, np.integer)): return {'i': int(v)}
    if isinstance(v, (float, np.floating)): return {'f': repr(float(v))}
    if isinstance(v, str): return {'s': v}
    if isinstance(v, (list, tuple)): return {'l': [enc(x) for x in v]}
    if v is None: return {'none': True}
    if isinstance(v, dict): return {'d': {k: enc(x) for k, x in v.items()}}
    raise TypeError(type(v))
def floats(a):
    return [repr(float(x)) for x in np.asarray(a, dtype=float).ravel()]
`;

type Tagged =
  | { nd: string; shape: number[]; v: Tagged[] }
  | { b: boolean }
  | { i: number }
  | { f: string }
  | { s: string }
  | { l: Tagged[] }
  | { none: true }
  | { d: Record<string, Tagged> };

const f64 = (texts: string[]): Float64Array => Float64Array.from(texts, (t) => parseFloatToken(t)!);

/** Bitwise equality of doubles (NaN equals NaN, -0 differs from 0). */
function expectSameDoubles(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  what: string,
): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      throw new Error(`${what}[${i}]: ${actual[i]} is not bitwise equal to ${expected[i]}`);
    }
  }
}

/** Asserts that one of our values equals what Python holds, type for type. */
function expectSameValue(ours: unknown, theirs: Tagged, what: string): void {
  if ('b' in theirs) expect(ours, what).toBe(theirs.b);
  else if ('i' in theirs) expect(ours, what).toBe(theirs.i);
  else if ('f' in theirs) expectSameDoubles([ours as number], [parseFloatToken(theirs.f)!], what);
  else if ('s' in theirs) expect(ours, what).toBe(theirs.s);
  else if ('none' in theirs) expect(ours, what).toBeNull();
  else if ('l' in theirs) {
    expect(Array.isArray(ours), what).toBe(true);
    const list = ours as unknown[];
    expect(list.length, what).toBe(theirs.l.length);
    theirs.l.forEach((t, i) => {
      expectSameValue(list[i], t, `${what}[${i}]`);
    });
  } else if ('d' in theirs) {
    expect(Object.keys(ours as object).sort(), what).toEqual(Object.keys(theirs.d).sort());
    for (const [k, t] of Object.entries(theirs.d))
      expectSameValue((ours as Record<string, unknown>)[k], t, `${what}.${k}`);
  } else {
    // numpy arrays: ints → number[], floats → Float64Array (number[] when they came from _JSON).
    const list = Array.from(ours as ArrayLike<unknown>);
    if (theirs.nd === 'f' && !Array.isArray(ours)) expect(ours, what).toBeInstanceOf(Float64Array);
    if (theirs.nd === 'i') expect(Array.isArray(ours), what).toBe(true);
    expect(list.length, what).toBe(theirs.v.length);
    theirs.v.forEach((t, i) => {
      expectSameValue(list[i], t, `${what}[${i}]`);
    });
  }
}

describe('extxyz against ASE 3.22.1', () => {
  it('parses key=value comment lines exactly as ase.io.extxyz.key_val_str_to_dict', () => {
    const lines = [
      'a=1 b=2.5 c=T d=F e="hello world" f={1 2 3} g=[1.5 2] h="T F T"',
      'x = 1 y',
      String.raw`q='single quoted' r=esc\"aped s="with \"inner\" quotes" bs="a\\b"`,
      'n=1e-05 m=-0.0 big=99999999999999999999 i=inf nan=NaN neg=-Infinity p=+.5e-3 q=1.',
      'comma=1,2,3 mixed="1 a" uid=12345 UID=007 hex=0x10',
      String.raw`j="_JSON {\"a\": [1, 2], \"b\": null}" k="_JSON [1.5, 2]" l="_JSON \"1\"" nul="_JSON null"`,
      'True=True t=true F=F',
      'a=b=c Properties=species:S:1:pos:R:3 Lattice="1 0 0 0 2 0 0 0 3"',
      'bare1 bare2 key=val',
      'virial="1 2 3 4 5 6 7 8 9" stress="1.5 0 0 0 2.5 0 0 0 3.5"',
      'unicode="Å ångström" tab="a\tb" empty=',
      '   leading=1    trailing=2   ',
      'a= b=1',
      'a="" b=1',
      'z=007 w=-12 v="-1 -2"',
    ];
    const theirs = JSON.parse(
      runAsePython(
        `${PY_ENCODE}
from ase.io.extxyz import key_val_str_to_dict
# 3x3 keys in file (Fortran) order, which is how parseExtxyzComment leaves them
def file_order(k, v):
    return v.ravel(order='F') if k in ('Lattice', 'virial', 'stress') else v
print(json.dumps([[[k, enc(file_order(k, v))] for k, v in key_val_str_to_dict(s).items()]
                  for s in json.load(sys.stdin)]))
`,
        JSON.stringify(lines),
      ),
    ) as [string, Tagged][][];
    lines.forEach((line, n) => {
      const ours = parseExtxyzComment(line);
      expect([...ours.keys()], line).toEqual(theirs[n]!.map(([k]) => k));
      for (const [key, t] of theirs[n]!)
        expectSameValue(ours.get(key), t, `${JSON.stringify(line)} ${key}`);
    });
  });

  it('reads what ASE writes: structure, momenta, masses, results, info and extra arrays', async () => {
    const path = join(dir, 'ase-written.extxyz');
    const out = JSON.parse(
      runAsePython(
        `${PY_ENCODE}
from ase import Atoms
from ase import units
from ase.io import read, write
from ase.calculators.singlepoint import SinglePointCalculator
path = sys.stdin.read()
rng = np.random.default_rng(7)
frames = []
for i in range(3):
    a = Atoms('H2OCuFe', positions=rng.normal(size=(5, 3)) * 3,
              cell=[[5.1, 0.2, 0.1], [0.7, 6.3, -0.3], [0.4, -0.5, 7.9 + i]], pbc=[True, True, False])
    a.set_masses([1.5, 2.25, 16.5 + 1.0 / 3.0, 63.5, 55.9])
    a.set_momenta(rng.normal(size=(5, 3)))
    a.set_tags([1, 2, 3, 4, -5])
    a.new_array('label', np.array(['a', 'bb', 'c', 'd', 'e']))
    a.new_array('mask', np.array([True, False, True, True, False]))
    a.new_array('dipoles', rng.normal(size=(5, 3)))
    a.info.update({'step': i, 'temperature': 300.5 + rng.normal(), 'comment': 'frame %d "quoted" here' % i,
                   'converged': True, 'failed': False, 'vec': rng.normal(size=3), 'ints': np.array([1, 2, 3]),
                   'flags': [True, False], 'nested': {'a': [1, 2], 'b': 'x'}, 'tiny': 1e-300,
                   'virial': rng.normal(size=(3, 3))})
    a.calc = SinglePointCalculator(a, energy=rng.normal() * 100, free_energy=rng.normal() * 100,
                                   forces=rng.normal(size=(5, 3)), stress=rng.normal(size=6),
                                   energies=rng.normal(size=5))
    frames.append(a)
write(path, frames, format='extxyz')
back = read(path, index=':', format='extxyz')
def dump(a):
    r = a.calc.results
    return {'numbers': a.numbers.tolist(), 'positions': floats(a.positions), 'cell': floats(a.cell),
            'pbc': a.pbc.tolist(), 'masses': floats(a.get_masses()), 'momenta': floats(a.get_momenta()),
            'velocities': floats(a.get_velocities() * units.fs),
            'info': {k: enc(v) for k, v in a.info.items() if k not in ('energy', 'free_energy', 'stress')},
            'tags': a.arrays['tags'].tolist(), 'label': a.arrays['label'].tolist(),
            'mask': a.arrays['mask'].tolist(), 'dipoles': floats(a.arrays['dipoles']),
            'energy': repr(r['energy']), 'free_energy': repr(r['free_energy']), 'stress': floats(r['stress']),
            'forces': floats(r['forces']), 'energies': floats(r['energies'])}
print(json.dumps({'original': [dump(a) for a in frames], 'back': [dump(a) for a in back]}))
`,
        path,
      ),
    ) as { original: Record<string, unknown>[]; back: Record<string, unknown>[] };

    const frames = await readExtxyz(path);
    expect(frames).toHaveLength(3);
    frames.forEach(({ atoms, results, line }, i) => {
      const orig = out.original[i] as Record<string, string[]>;
      const back = out.back[i] as Record<string, string[]> & { info: Record<string, Tagged> };
      expect(line).toBe(1 + 7 * i);
      expect(Array.from(atoms.numbers)).toEqual(back.numbers);
      expect(atoms.pbc).toEqual([true, true, false]);
      // Written in full (repr): equal to the values ASE started from.
      expectSameDoubles(atoms.cell, f64(orig.cell!), 'cell');
      expectSameDoubles([results.energy!], f64([orig.energy as unknown as string]), 'energy');
      expectSameDoubles(
        [results.free_energy!],
        f64([orig.free_energy as unknown as string]),
        'free_energy',
      );
      expectSameDoubles(results.stress!, f64(orig.stress!), 'stress');
      // Per-atom columns are written by ASE with %16.8f: we read exactly what ASE reads
      // back, which is the original rounded to 8 decimals (hence 5e-9 Å at most).
      expectSameDoubles(atoms.positions, f64(back.positions!), 'positions');
      f64(orig.positions!).forEach((x, k) => {
        expect(Math.abs(atoms.positions[k]! - x)).toBeLessThanOrEqual(5e-9);
      });
      expectSameDoubles(atoms.masses, f64(back.masses!), 'masses');
      expectSameDoubles(results.forces!, f64(back.forces!), 'forces');
      expectSameDoubles(results.energies!, f64(back.energies!), 'energies');
      // Momenta become Å/fs velocities with ASE's own operations: (p / m) · units.fs.
      expectSameDoubles(atoms.velocities!, f64(back.velocities!), 'velocities');
      expectSameDoubles(
        atoms.velocities!,
        aseMomentaToVelocities(f64(back.momenta!), atoms.masses),
        'velocities',
      );
      expect(Array.from(atoms.arrays.tags!.values as Int32Array)).toEqual(back.tags);
      expect(atoms.arrays.tags!.values).toBeInstanceOf(Int32Array);
      expect(atoms.arrays.label!.values).toEqual(back.label);
      expect(atoms.arrays.mask!.values).toEqual(back.mask);
      expect(atoms.arrays.dipoles!.components).toBe(3);
      expectSameDoubles(
        atoms.arrays.dipoles!.values as Float64Array,
        f64(back.dipoles!),
        'dipoles',
      );
      expect(Object.keys(atoms.arrays).sort()).toEqual(['dipoles', 'label', 'mask', 'tags']);
      // Info (also written in full by ASE): same keys, same values, same types.
      expect(Object.keys(atoms.info).sort()).toEqual(Object.keys(back.info).sort());
      for (const [key, t] of Object.entries(back.info)) {
        expectSameValue(atoms.info[key], t, `info.${key}`);
      }
      // virial: ASE holds a 3×3 matrix, we hold it row-major as a Float64Array(9).
      expect((back.info.virial as { shape: number[] }).shape).toEqual([3, 3]);
      expectSameValue(atoms.info.virial, back.info.virial!, 'virial');
    });
  });

  it('writes what ASE reads back identically', async () => {
    const path = join(dir, 'we-wrote.extxyz');
    const rnd = (scale: number) => (Math.random() - 0.5) * scale;
    const frames: { atoms: Atoms; results: CalculatorResults }[] = [];
    for (let i = 0; i < 3; i++) {
      const n = 4;
      const atoms = new Atoms({
        symbols: ['Si', 'O', 'O', 'H'],
        positions: Array.from({ length: 3 * n }, () => rnd(20)),
        masses: [28.0855 + i, 15.999, 18.5 / 3, 2.014],
        cell: [
          [5.43 + rnd(1), rnd(1), rnd(1)],
          [rnd(1), 5.43, rnd(1)],
          [rnd(1), rnd(1), 9 + Math.PI],
        ],
        pbc: [true, false, true],
        velocities: Array.from({ length: 3 * n }, () => rnd(0.1)),
        info: {
          step: 7 + i,
          temperature: 300 + rnd(1),
          integral_float: 300,
          label: 'has "quotes", spaces and = signs',
          backslash: String.raw`C:\path\to`,
          number_like: '42',
          bool_like: 'T',
          empty: '',
          unicode: 'Å ångström',
          multiline: 'line 1\nline 2',
          flag: true,
          off: false,
          vec: Float64Array.of(rnd(1), 1e-300, -0, 2),
          ints: [1, -2, 3],
          bools: [true, false, true],
          nested: { a: [1, 2], b: 'x', c: null },
          nothing: null,
          virial: Float64Array.from({ length: 9 }, () => rnd(10)),
        },
        arrays: {
          initial_charges: {
            values: Float64Array.from({ length: n }, () => rnd(2)),
            components: 1,
          },
          tags: { values: Int32Array.of(0, 1, -1, 2147483647), components: 1 },
          fixed: { values: [true, false, false, true], components: 1 },
          names: { values: ['Si1', 'O1', 'O2', 'H1'], components: 1 },
          dipoles: { values: Float64Array.from({ length: 3 * n }, () => rnd(1)), components: 3 },
        },
      });
      const results: CalculatorResults = {
        energy: rnd(1000),
        free_energy: -5, // integral: must still reach ASE as a float
        forces: Float64Array.from({ length: 3 * n }, () => rnd(10)),
        stress: Float64Array.from({ length: 6 }, () => rnd(0.1)),
        energies: Float64Array.from({ length: n }, () => rnd(10)),
      };
      frames.push({ atoms, results });
    }
    await writeExtxyz(path, frames);

    const back = JSON.parse(
      runAsePython(
        `${PY_ENCODE}
from ase import units
from ase.io import read
out = []
for a in read(sys.stdin.read(), index=':'):
    r = a.calc.results
    out.append({'numbers': a.numbers.tolist(), 'positions': floats(a.positions), 'cell': floats(a.cell),
                'pbc': a.pbc.tolist(), 'masses': floats(a.get_masses()), 'momenta': floats(a.get_momenta()),
                'velocities': floats(a.get_velocities() * units.fs),
                'info': {k: enc(v) for k, v in a.info.items()},
                'arrays': {k: enc(v) for k, v in a.arrays.items()},
                'results': {k: enc(v) for k, v in r.items()}})
print(json.dumps(out))
`,
        path,
      ),
    ) as {
      numbers: number[];
      positions: string[];
      cell: string[];
      pbc: boolean[];
      masses: string[];
      momenta: string[];
      velocities: string[];
      info: Record<string, Tagged>;
      arrays: Record<string, Tagged>;
      results: Record<string, Tagged>;
    }[];

    expect(back).toHaveLength(3);
    back.forEach((a, i) => {
      const { atoms, results } = frames[i]!;
      expect(a.numbers).toEqual(Array.from(atoms.numbers));
      expect(a.pbc).toEqual(atoms.pbc);
      expectSameDoubles(f64(a.positions), atoms.positions, 'positions');
      expectSameDoubles(f64(a.cell), atoms.cell, 'cell');
      expectSameDoubles(f64(a.masses), atoms.masses, 'masses');
      expectSameDoubles(
        f64(a.momenta),
        velocitiesToAseMomenta(atoms.velocities!, atoms.masses),
        'momenta',
      );
      // Å/fs → ASE momenta → Å/fs is two roundings of a unit conversion: within 2 ulp, not always exact.
      f64(a.velocities).forEach((v, k) => {
        const ours = atoms.velocities![k]!;
        expect(Math.abs(v - ours)).toBeLessThanOrEqual(2 * Number.EPSILON * Math.abs(ours));
      });
      // Results: ASE's SinglePointCalculator holds exactly our values, floats throughout.
      expectSameValue(results.energy, a.results.energy!, 'energy');
      expect('f' in a.results.free_energy!).toBe(true);
      expectSameValue(-5, a.results.free_energy!, 'free_energy');
      expectSameValue(results.stress, a.results.stress!, 'stress');
      expectSameValue(results.forces, a.results.forces!, 'forces');
      expect((a.results.forces as { shape: number[] }).shape).toEqual([4, 3]);
      expectSameValue(results.energies, a.results.energies!, 'energies');
      // Info: every key, type for type. ASE also copies energy/free_energy/stress into info.
      const info = { ...a.info };
      for (const k of ['energy', 'free_energy', 'stress']) delete info[k];
      const ours = atoms.info;
      expect(Object.keys(info).sort()).toEqual(Object.keys(ours).sort());
      for (const [key, t] of Object.entries(info)) {
        if (key === 'integral_float') continue;
        expectSameValue(ours[key], t, `info.${key}`);
      }
      expect(info.integral_float).toEqual({ i: 300 }); // a JS number has no int/float distinction
      expect((info.virial as { shape: number[] }).shape).toEqual([3, 3]); // compared row-major above
      // Per-atom arrays, with their dtypes.
      expectSameValue(
        atoms.arrays.initial_charges!.values,
        a.arrays.initial_charges!,
        'initial_charges',
      );
      expectSameValue(Array.from(atoms.arrays.tags!.values as Int32Array), a.arrays.tags!, 'tags');
      expectSameValue(
        atoms.arrays.fixed!.values,
        { l: (a.arrays.fixed as { v: Tagged[] }).v },
        'fixed',
      );
      expect((a.arrays.fixed as { nd: string }).nd).toBe('b');
      expectSameValue(
        atoms.arrays.names!.values,
        { l: (a.arrays.names as { v: Tagged[] }).v },
        'names',
      );
      expectSameValue(atoms.arrays.dipoles!.values, a.arrays.dipoles!, 'dipoles');
    });

    // And our own reader gives back exactly what we wrote (velocities within the conversion's ulps).
    const ours = await readExtxyz(path);
    ours.forEach(({ atoms, results }, i) => {
      const want = frames[i]!;
      expectSameDoubles(atoms.positions, want.atoms.positions, 'positions');
      expectSameDoubles(atoms.cell, want.atoms.cell, 'cell');
      expectSameDoubles(atoms.masses, want.atoms.masses, 'masses');
      expect(atoms.pbc).toEqual(want.atoms.pbc);
      expectSameDoubles(
        [results.energy!, results.free_energy!],
        [want.results.energy!, -5],
        'energies',
      );
      expectSameDoubles(results.forces!, want.results.forces!, 'forces');
      expectSameDoubles(results.stress!, want.results.stress!, 'stress');
      expectSameDoubles(results.energies!, want.results.energies!, 'per-atom energies');
      expect(atoms.info).toEqual(want.atoms.info);
      expect(atoms.arrays).toEqual(want.atoms.arrays);
      atoms.velocities!.forEach((v, k) => {
        const w = want.atoms.velocities![k]!;
        expect(Math.abs(v - w)).toBeLessThanOrEqual(2 * Number.EPSILON * Math.abs(w));
      });
    });
    // The file is what ASE expects to see: count line, comment, one line per atom.
    const text = readFileSync(path, 'utf8');
    expect(text.split('\n')[1]).toMatch(
      /^Lattice="[^"]+" Properties=species:S:1:pos:R:3:masses:R:1:momenta:R:3:/,
    );
    expect(parseExtxyz(text)).toHaveLength(3);
  });
});
