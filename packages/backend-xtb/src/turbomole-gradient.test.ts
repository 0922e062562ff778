import { Atoms } from '@mlff-distiller/core';
import { describe, expect, it } from 'vitest';
import { formatTurbomoleCoord } from './turbomole-coord.js';
import { parseTurbomoleGradient } from './turbomole-gradient.js';
import { XtbError } from './xtb-error.js';

const TWO_CYCLES = `$grad
  cycle =      1    SCF energy =    -5.07000000000   |dE/dxyz| =  0.017804
    0.00000000000000      0.00000000000000      0.22487740882983      O
    0.00000000000000      1.44186103308540     -0.90139936144395      H
    0.00000000000000     -1.44186103308540     -0.90139936144395      H
   1.0D-02   2.0D-02   3.0D-02
   4.0D-02   5.0D-02   6.0D-02
   7.0D-02   8.0D-02   9.0D-02
  cycle =      2    SCF energy =    -5.07023326668   |dE/dxyz| =  0.017804
    0.00000000000000      0.00000000000000      0.22487740882983      O
    0.00000000000000      1.44186103308540     -0.90139936144395      H
    0.00000000000000     -1.44186103308540     -0.90139936144395      H
  -5.2477896986116D-21  -2.3408602530320E-16   1.4190755633899E-02
   8.3385910636465d-21   2.7297523438102E-03  -7.0953778169494E-03
  -3.0908013650349E-21  -2.7297523438100E-03  -7.0953778169492E-03
$end
`;

describe('parseTurbomoleGradient', () => {
  it('reads the last cycle, with D and E exponents', () => {
    const { energy, gradient } = parseTurbomoleGradient(TWO_CYCLES, 3);
    expect(energy).toBe(-5.07023326668);
    expect(Array.from(gradient)).toEqual([
      -5.2477896986116e-21, -2.340860253032e-16, 1.4190755633899e-2, 8.3385910636465e-21,
      2.7297523438102e-3, -7.0953778169494e-3, -3.0908013650349e-21, -2.72975234381e-3,
      -7.0953778169492e-3,
    ]);
  });

  it('throws XtbError for missing parts', () => {
    expect(() => parseTurbomoleGradient('$energy\n$end\n', 3)).toThrow(XtbError);
    expect(() => parseTurbomoleGradient('$grad\n$end\n', 3)).toThrow(/no "cycle =" line/);
    expect(() => parseTurbomoleGradient(TWO_CYCLES, 4)).toThrow(/fewer than 4 gradient lines/);
    expect(() => parseTurbomoleGradient(TWO_CYCLES.replace('1.4190755633899E-02', 'x'), 3)).toThrow(
      /not a number/,
    );
  });
});

describe('formatTurbomoleCoord', () => {
  it('writes Bohr with ASE’s constant, and the lattice for periodic structures', () => {
    const atoms = new Atoms({
      symbols: ['O', 'H'],
      positions: [
        [0, 0, 0],
        [0.5291772105638411, 0, 0],
      ],
      cell: [2 * 0.5291772105638411, 3, 4],
      pbc: true,
    });
    const text = formatTurbomoleCoord(atoms, true);
    const lines = text.split('\n');
    expect(lines[0]).toBe('$coord');
    expect(lines[2]!.trim().split(/\s+/)).toEqual([
      '1.000000000000000',
      '0.000000000000000',
      '0.000000000000000',
      'h',
    ]);
    expect(lines[3]).toBe('$periodic 3');
    expect(lines[4]).toBe('$lattice bohr');
    expect(Number(lines[5]!.trim().split(/\s+/)[0])).toBeCloseTo(2, 14);
    expect(lines.at(-2)).toBe('$end');
    expect(formatTurbomoleCoord(atoms, false)).not.toMatch(/periodic/);
  });
});
