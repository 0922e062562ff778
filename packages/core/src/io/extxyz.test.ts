import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Atoms } from '../atoms.js';
import { InvalidInputError } from '../errors.js';
import { ExtxyzParseError } from './extxyz-error.js';
import { formatExtxyzFrame } from './extxyz-format.js';
import { parseExtxyz, readExtxyz, readExtxyzFrame, readExtxyzFrames } from './extxyz-read.js';
import { ExtxyzWriter, writeExtxyz } from './extxyz-write.js';

const dir = mkdtempSync(join(tmpdir(), 'mlffd-extxyz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function water(step: number): Atoms {
  return new Atoms({
    symbols: ['O', 'H', 'H'],
    positions: [0, 0, step * 0.001, 0.9572, 0, 0, -0.24, 0.9266, 0],
    cell: [10, 10, 10],
    pbc: true,
    info: { step },
  });
}

/** Calls fn and returns the ExtxyzParseError it throws. */
function parseError(fn: () => unknown): ExtxyzParseError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ExtxyzParseError);
    return error as ExtxyzParseError;
  }
  throw new Error('expected an ExtxyzParseError');
}

describe('extxyz reading', () => {
  it('reads plain XYZ: species and three columns, title ignored, CRLF and trailing blank lines allowed', () => {
    const text =
      '3\r\nwater molecule, from somewhere\r\nO 0 0 0\r\nh 0.9572 0 0\r\nH -0.24 0.9266 0 extra\r\n\r\n\n';
    const [frame] = parseExtxyz(text);
    expect(frame!.atoms.getChemicalSymbols()).toEqual(['O', 'H', 'H']);
    expect(Array.from(frame!.atoms.positions)).toEqual([0, 0, 0, 0.9572, 0, 0, -0.24, 0.9266, 0]);
    expect(frame!.atoms.info).toEqual({});
    expect(frame!.atoms.pbc).toEqual([false, false, false]);
    expect(Array.from(frame!.atoms.cell)).toEqual(new Array(9).fill(0));
    expect(frame!.results).toEqual({});
  });

  it('follows ASE for Lattice, pbc, Z, charge, velocities and results', () => {
    const text = [
      '2',
      'Lattice="4 0 0 0 5 0 1 0 6" Properties=species:S:1:pos:R:3:Z:I:1:charge:R:1:velocities:R:3 energy=-1.5 dipole="0 0 1" virial="1 2 3 4 5 6 7 8 9" stress="1 2 3 4 5 6"',
      'X 0 0 0 8 -0.5 0.001 0 0',
      'X 1 1 1 1 0.25 0 0 -0.002',
      '1',
      'pbc="T F T"',
      'C 0 0 0',
    ].join('\n');
    const [a, b] = parseExtxyz(text);
    expect(a!.atoms.pbc).toEqual([true, true, true]); // Lattice without pbc: periodic (ASE)
    expect(Array.from(a!.atoms.cell)).toEqual([4, 0, 0, 0, 5, 0, 1, 0, 6]); // rows in order
    expect(Array.from(a!.atoms.numbers)).toEqual([8, 1]); // Z wins over species (ASE)
    expect(a!.atoms.arrays.initial_charges!.values).toEqual(Float64Array.of(-0.5, 0.25));
    expect(Array.from(a!.atoms.velocities!)).toEqual([0.001, 0, 0, 0, 0, -0.002]); // Å/fs
    expect(a!.results).toEqual({ energy: -1.5, stress: Float64Array.of(1, 2, 3, 4, 5, 6) });
    expect(a!.atoms.info.dipole).toEqual([0, 0, 1]);
    expect(a!.atoms.info.virial).toEqual(Float64Array.of(1, 4, 7, 2, 5, 8, 3, 6, 9)); // Fortran order in the file
    expect(b!.atoms.pbc).toEqual([true, false, true]);
    expect(b!.line).toBe(5);
  });

  it('round-trips through our writer bit for bit, also with ASE-like fixed precision when asked', () => {
    const atoms = water(1);
    atoms.positions[0] = 0.1 + 0.2; // 0.30000000000000004
    atoms.positions[4] = -1e-320; // subnormal
    atoms.positions[5] = -0;
    const results = {
      energy: -76.12345678901235,
      forces: Float64Array.from({ length: 9 }, (_, i) => Math.sin(i) * 1e-3),
    };
    const [frame] = parseExtxyz(formatExtxyzFrame(atoms, results));
    expect(Object.is(frame!.atoms.positions[5], -0)).toBe(true);
    expect(frame!.atoms.positions).toEqual(atoms.positions);
    expect(frame!.results).toEqual(results);
    expect(frame!.atoms.info).toEqual({ step: 1 });
    const fixed = formatExtxyzFrame(atoms, results, { precision: 8 });
    // ASE's layout: %-2s then %16.8f per real.
    expect(fixed.split('\n')[2]).toMatch(
      /^O {8}0\.30000000 {7}0\.00000000 {7}0\.00100000 {7}0\.00000000 /,
    );
  });

  it('writes only the columns asked for, with symbols and positions first', () => {
    const atoms = water(0);
    atoms.setArray('tags', { values: Int32Array.of(1, 2, 3), components: 1 });
    const text = formatExtxyzFrame(atoms, undefined, { columns: ['numbers', 'pos', 'velocities'] });
    expect(text.split('\n')[1]).toContain('Properties=species:S:1:pos:R:3:Z:I:1:velocities:R:3 ');
    expect(() => formatExtxyzFrame(atoms, undefined, { columns: ['nope'] })).toThrow(
      /no per-atom array "nope"/,
    );
    atoms.positions[3] = Number.NaN;
    expect(() => formatExtxyzFrame(atoms)).toThrow(InvalidInputError);
  });
});

describe('extxyz files', () => {
  it('writes whole files atomically and appends; readExtxyzFrame picks frames like ASE indices', async () => {
    const path = join(dir, 'traj.extxyz');
    await writeExtxyz(
      path,
      [0, 1, 2].map((s) => ({ atoms: water(s) })),
    );
    await writeExtxyz(path, { atoms: water(3), results: { energy: -3 } }, { append: true });
    expect((await readExtxyz(path)).map((f) => f.atoms.info.step)).toEqual([0, 1, 2, 3]);
    expect((await readExtxyzFrame(path)).atoms.info.step).toBe(3);
    expect((await readExtxyzFrame(path, -4)).atoms.info.step).toBe(0);
    expect((await readExtxyzFrame(path, 2)).atoms.info.step).toBe(2);
    await expect(readExtxyzFrame(path, 4)).rejects.toThrow(
      /has 4 frames: frame index 4 is out of range/,
    );
    await expect(readExtxyzFrame(path, -5)).rejects.toThrow(InvalidInputError);
    // A failing write leaves the old file as it was and no temporary file behind.
    const bad = water(9);
    bad.positions[0] = Number.POSITIVE_INFINITY;
    await expect(writeExtxyz(path, [{ atoms: water(5) }, { atoms: bad }])).rejects.toThrow(
      /non-finite/,
    );
    expect((await readExtxyz(path)).length).toBe(4);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('ExtxyzWriter snapshots frames at write time and flushes on close', async () => {
    const path = join(dir, 'md.extxyz');
    const writer = await ExtxyzWriter.open(path);
    const atoms = water(0);
    for (let step = 0; step < 50; step++) {
      atoms.info.step = step;
      atoms.positions[0] = step;
      await writer.write(atoms, { energy: -step });
    }
    expect(writer.framesWritten).toBe(50);
    expect(readFileSync(path, 'utf8')).toBe(''); // still buffered
    await writer.close();
    await writer.close();
    await expect(writer.write(atoms)).rejects.toThrow(/closed/);
    const frames = await readExtxyz(path);
    expect(frames.map((f) => f.atoms.positions[0])).toEqual([...Array(50).keys()]);
    expect(frames.map((f) => f.results.energy)).toEqual([...Array(50).keys()].map((s) => -s));

    const appender = await ExtxyzWriter.open(path, { append: true, bufferSize: 0 });
    await appender.write(water(99));
    expect((await readExtxyzFrame(path)).atoms.info.step).toBe(99); // written before close
    await appender.close();
  });
});

describe('extxyz streaming', () => {
  it('yields frames lazily: stops early without reading the rest, and reports later errors by line', async () => {
    const path = join(dir, 'big.extxyz');
    const frame = formatExtxyzFrame(
      new Atoms({
        symbols: new Array(64).fill('Ar'),
        positions: Float64Array.from({ length: 192 }, (_, i) => i / 7),
      }),
    );
    const nFrames = 4000; // ~25 MB
    const out = createWriteStream(path);
    for (let i = 0; i < nFrames; i++) if (!out.write(frame)) await once(out, 'drain');
    out.end('not a count line\n');
    await once(out, 'finish');
    const badLine = nFrames * 66 + 1;

    let t0 = performance.now();
    const first: number[] = [];
    for await (const f of readExtxyzFrames(path)) {
      first.push(f.line);
      if (first.length === 3) break; // the malformed end of the file is never reached
    }
    const firstMs = performance.now() - t0;
    expect(first).toEqual([1, 67, 133]);
    expect((await readExtxyzFrame(path, 10)).line).toBe(661);

    t0 = performance.now();
    let count = 0;
    const error = await (async () => {
      try {
        for await (const _ of readExtxyzFrames(path)) count++;
      } catch (e) {
        return e as ExtxyzParseError;
      }
    })();
    const allMs = performance.now() - t0;
    expect(count).toBe(nFrames); // every good frame was yielded before the error
    expect(error).toBeInstanceOf(ExtxyzParseError);
    expect(error!.message).toBe(
      `${path}:${badLine}: expected the number of atoms of a frame but found "not a count line"`,
    );
    expect(firstMs).toBeLessThan(allMs / 5);
  });

  it('yields a frame before the end of the input exists (reads from a pipe)', async () => {
    const fifo = join(dir, 'pipe.extxyz');
    execFileSync('mkfifo', [fifo]);
    const frames = readExtxyzFrames(fifo);
    const firstPromise = frames.next(); // opens the pipe for reading
    const writer = await open(fifo, 'w');
    await writer.write(formatExtxyzFrame(water(1)));
    const first = await firstPromise; // the writer is still open: no end of file yet
    expect(first.value?.atoms.info.step).toBe(1);
    await writer.write(formatExtxyzFrame(water(2)));
    expect((await frames.next()).value?.atoms.info.step).toBe(2);
    await writer.close();
    expect((await frames.next()).done).toBe(true);
  });
});

describe('extxyz errors name the file and line', () => {
  const P = 'Properties=species:S:1:pos:R:3';
  const cases: [string, string, number, RegExp][] = [
    [
      'too few columns',
      `2\n${P}\nO 0 0 0\nH 0 0\n`,
      4,
      /expected 4 columns \(species pos\) but found 3/,
    ],
    [
      'too many columns',
      `1\n${P}\nO 0 0 0 1\n`,
      3,
      /expected 4 columns \(species pos\) but found 5/,
    ],
    [
      'too few columns with more properties',
      `1\n${P}:forces:R:3:tags:I:1\nO 0 0 0 1 2\n`,
      3,
      /expected 8 columns \(species pos forces tags\) but found 6/,
    ],
    ['non-numeric value', `1\n${P}\nO 0 abc 0\n`, 3, /column 3 \(pos\): "abc" is not a number/],
    [
      'non-integer in an I column',
      `1\n${P}:tags:I:1\nO 0 0 0 1.5\n`,
      3,
      /column 5 \(tags\): "1.5" is not a 32-bit integer/,
    ],
    ['bad logical', `1\n${P}:fix:L:1\nO 0 0 0 maybe\n`, 3, /"maybe" is not a logical/],
    [
      'truncated frame',
      `1\n\nO 0 0 0\n3\nc\nH 0 0 0\nH 1 0 0\n`,
      4,
      /frame declares 3 atoms but the file ends after line 7 with 2 atom lines/,
    ],
    [
      'missing comment line',
      `2\n`,
      1,
      /frame declares 2 atoms but the file ends after line 1 with no comment line/,
    ],
    [
      'bad count line',
      `1\n\nO 0 0 0\nthree\n`,
      4,
      /expected the number of atoms of a frame but found "three"/,
    ],
    ['negative count line', `-1\n`, 1, /expected the number of atoms/],
    ['unknown element', `2\n${P}\nO 0 0 0\nXx 0 0 0\n`, 4, /unknown element symbol "Xx"/],
    [
      'unknown atomic number',
      `1\nProperties=Z:I:1:pos:R:3\n200 0 0 0\n`,
      3,
      /unknown atomic number 200/,
    ],
    [
      'Lattice with 8 numbers',
      `1\nLattice="1 0 0 0 1 0 0 0" ${P}\nO 0 0 0\n`,
      2,
      /Lattice must be 9 numbers .* but is 8 numbers/,
    ],
    ['Lattice not numeric', `1\nLattice="a b c" ${P}\nO 0 0 0\n`, 2, /Lattice must be 9 numbers/],
    [
      'NaN coordinate',
      `2\n${P}\nO 0 0 0\nH 0 nan 0\n`,
      4,
      /atom 2 has a non-finite position "nan"/,
    ],
    ['infinite coordinate', `1\n${P}\nO -inf 0 0\n`, 3, /non-finite position "-inf"/],
    ['unknown column type', `1\nProperties=species:S:1:pos:X:3\nO 0 0 0\n`, 2, /unknown type "X"/],
    [
      'Properties not triplets',
      `1\nProperties=species:S:1:pos:R\nO 0 0 0\n`,
      2,
      /name:type:columns triplets/,
    ],
    ['no positions', `1\nProperties=species:S:1\nO\n`, 2, /no pos column/],
    [
      'forces with 2 columns',
      `1\n${P}:forces:R:2\nO 0 0 0 1 1\n`,
      2,
      /property "forces" must be R with 3 columns/,
    ],
    ['bad pbc', `1\n${P} pbc="T F"\nO 0 0 0\n`, 2, /pbc must be one or three of T\/F/],
    ['non-numeric energy', `1\n${P} energy=abc\nO 0 0 0\n`, 2, /energy must be a number/],
    ['stress of 4 numbers', `1\n${P} stress="1 2 3 4"\nO 0 0 0\n`, 2, /stress must be 9 numbers/],
    [
      'bad JSON',
      `1\n${P} x="_JSON {oops"\nO 0 0 0\n`,
      2,
      /"x" starts with "_JSON " but is not valid JSON/,
    ],
    [
      'blank line between frames',
      `1\n\nO 0 0 0\n\n1\n\nO 0 0 0\n`,
      4,
      /blank line where the atom count .*more frames follow at line 5/,
    ],
  ];
  for (const [what, text, line, message] of cases) {
    it(what, () => {
      const error = parseError(() => parseExtxyz(text, { fileName: 'water.extxyz' }));
      expect(error.file).toBe('water.extxyz');
      expect(error.line).toBe(line);
      expect(error.message.startsWith(`water.extxyz:${line}: `)).toBe(true);
      expect(error.message).toMatch(message);
    });
  }

  it('names the path when reading a file, and the frame where streaming stopped', async () => {
    const path = join(dir, 'broken.extxyz');
    writeFileSync(
      path,
      `${formatExtxyzFrame(water(0))}2\nProperties=species:S:1:pos:R:3\nO 0 0 0\nH 0 0\n`,
    );
    await expect(readExtxyz(path)).rejects.toThrow(
      `${path}:9: expected 4 columns (species pos) but found 3`,
    );
    await expect(readExtxyz(path, { fileName: 'broken.extxyz' })).rejects.toThrow(
      /^broken\.extxyz:9: /,
    );
    expect((await readExtxyzFrame(path, 0)).atoms.info.step).toBe(0);
  });
});
