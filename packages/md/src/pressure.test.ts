import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidInputError, units, writeExtxyz } from '@mlff-distiller/core';
import { runAsePython } from '@mlff-distiller/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { argonCluster, argonLJ, fccArgon } from './__fixtures__/systems.js';
import { maxwellBoltzmann } from './maxwell-boltzmann.js';
import {
  instantaneousPressure,
  kineticStress,
  pressureDiagonal,
  stressWithKinetic,
} from './pressure.js';

const dir = mkdtempSync(join(tmpdir(), 'mlffd-md-p-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pressure', () => {
  it("equals ASE's get_stress(include_ideal_gas=True) and its trace", async () => {
    const atoms = fccArgon(5.26, 3, 0.1, 8);
    // Skew the cell a little so off-diagonal components are non-zero.
    atoms.setCell([15.78, 0, 0, 0.7, 15.5, 0, -0.4, 0.3, 16.1], true);
    maxwellBoltzmann(atoms, 120, { seed: 5 });
    const calc = argonLJ();
    const stress = await calc.getStress(atoms);
    const path = join(dir, 'p.extxyz');
    await writeExtxyz(path, { atoms });
    const ase = JSON.parse(
      runAsePython(
        `import json, sys
from ase.io import read
from ase.calculators.lj import LennardJones
a = read(sys.stdin.read().strip())
a.calc = LennardJones(sigma=3.405, epsilon=0.0104, rc=8.5)
print(json.dumps({'full': a.get_stress(include_ideal_gas=True).tolist(), 'virial': a.get_stress().tolist()}))`,
        path,
      ),
    ) as { full: number[]; virial: number[] };
    const ours = stressWithKinetic(atoms, stress);
    const scale = Math.max(...ase.full.map(Math.abs));
    // Same formula; the LJ virial and the momenta round-trip agree to ~1e-15 relative.
    for (let k = 0; k < 6; k++)
      expect(Math.abs(ours[k]! - ase.full[k]!)).toBeLessThan(1e-12 * scale);
    const p = instantaneousPressure(atoms, stress);
    expect(p).toBeCloseTo(-(ase.full[0]! + ase.full[1]! + ase.full[2]!) / 3, 15);
    // P = 2Ekin/3V − tr(σ)/3.
    const direct =
      (2 * atoms.getKineticEnergy()) / (3 * atoms.getVolume()) -
      (stress[0]! + stress[1]! + stress[2]!) / 3;
    expect(p).toBeCloseTo(direct, 15);
    expect(pressureDiagonal(atoms, stress).reduce((s, x) => s + x, 0) / 3).toBeCloseTo(p, 15);
    console.log(
      `pressure of skewed fcc Ar at ~120 K: ${(p / units.GPa).toFixed(5)} GPa (kinetic part ${((2 * atoms.getKineticEnergy()) / (3 * atoms.getVolume()) / units.GPa).toFixed(5)} GPa)`,
    );
  });

  it('has an ideal-gas kinetic part NkT/V for equipartitioned velocities, and needs a 3-D cell', () => {
    const atoms = fccArgon(5.26, 2, 0, 1);
    expect(Array.from(kineticStress(atoms))).toEqual([0, 0, 0, 0, 0, 0]);
    maxwellBoltzmann(atoms, 300, { seed: 2, exactTemperature: true });
    const k = kineticStress(atoms);
    // −tr/3 = 2Ekin/3V exactly.
    expect(-(k[0]! + k[1]! + k[2]!) / 3).toBeCloseTo(
      (2 * atoms.getKineticEnergy()) / (3 * atoms.getVolume()),
      15,
    );
    expect(() => kineticStress(argonCluster(4))).toThrow(InvalidInputError);
    expect(() => stressWithKinetic(atoms, [1, 2, 3])).toThrow(InvalidInputError);
  });
});
