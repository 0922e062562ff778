import { describe, expect, it } from 'vitest';
import { ATOMIC_MASSES, CHEMICAL_SYMBOLS } from './elements.js';
import { runAsePython } from './testing/python.js';
import { units } from './units.js';

describe('units', () => {
  it('equal ASE 3.22.1 (CODATA 2014) to the last bit', () => {
    const names = Object.keys(units);
    const ase = JSON.parse(
      runAsePython(
        `
import json, sys
from ase import units
names = json.loads(sys.stdin.read())
print(json.dumps({n: float(getattr(units, n)) for n in names}))
`,
        JSON.stringify(names),
      ),
    ) as Record<string, number>;
    for (const n of names) expect(units[n as keyof typeof units], n).toBe(ase[n]);
    expect(units.Bohr).toBe(0.5291772105638411);
    expect(units.Hartree).toBe(27.211386024367243);
  });

  it('element table equals ASE', () => {
    const ase = JSON.parse(
      runAsePython(`
import json
from ase.data import chemical_symbols, atomic_masses
print(json.dumps({'symbols': list(chemical_symbols), 'masses': [float(m) for m in atomic_masses]}))
`),
    ) as { symbols: string[]; masses: number[] };
    expect([...CHEMICAL_SYMBOLS]).toEqual(ase.symbols);
    expect([...ATOMIC_MASSES]).toEqual(ase.masses);
  });
});
