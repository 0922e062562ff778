import { type Atoms, cellVolume } from '@mlff-distiller/core';
import { describe, expect, it } from 'vitest';
import { waterBox } from './__fixtures__/water.js';
import { XtbCalculator } from './xtb-calculator.js';
import { XtbError } from './xtb-error.js';

/** The box scaled by `factor` (positions with the cell). */
function scaled(atoms: Atoms, factor: number): Atoms {
  const out = atoms.copy();
  out.setCell(
    Array.from(atoms.cell, (x) => x * factor),
    true,
  );
  return out;
}

/** E of `atoms` with cell and positions deformed by the symmetric strain of Voigt pair (a, b). */
async function strainedEnergy(calc: XtbCalculator, atoms: Atoms, a: number, b: number, d: number) {
  const strain = new Float64Array(9);
  if (a === b) strain[3 * a + a] = d;
  else {
    strain[3 * a + b] = d / 2;
    strain[3 * b + a] = d / 2;
  }
  const deform = (v: Float64Array) => {
    const out = new Float64Array(v.length);
    for (let i = 0; i < v.length; i += 3) {
      for (let k = 0; k < 3; k++) {
        out[i + k] =
          v[i + k]! + v[i]! * strain[k]! + v[i + 1]! * strain[3 + k]! + v[i + 2]! * strain[6 + k]!;
      }
    }
    return out;
  };
  const strained = atoms.copy();
  strained.cell = deform(atoms.cell);
  strained.positions = deform(atoms.positions);
  return calc.getPotentialEnergy(strained);
}

describe('periodic GFN1-xTB (8 waters, triclinic cell)', () => {
  it('forces are −∂E/∂x (central differences of 1e-4 Å on one atom)', async () => {
    const calc = new XtbCalculator({ method: 'GFN1-xTB', accuracy: 0.01, threads: 2 });
    const atoms = waterBox();
    const forces = await calc.getForces(atoms);
    const h = 1e-4;
    for (let c = 0; c < 3; c++) {
      const i = 3 * 4 + c; // a hydrogen
      const x = atoms.positions[i]!;
      atoms.positions[i] = x + h;
      const plus = await calc.getPotentialEnergy(atoms);
      atoms.positions[i] = x - h;
      const minus = await calc.getPotentialEnergy(atoms);
      atoms.positions[i] = x;
      // SCF-limited as for molecules; lattice-sum cutoffs do not move for atom shifts this small.
      expect(Math.abs(-(plus - minus) / (2 * h) - forces[i]!)).toBeLessThan(5e-6);
    }
    await calc.dispose();
  });

  it('stress is (1/V)·∂E/∂ε, ASE sign: positive pressure when compressed', async () => {
    // Compressed to 90 % so that the stress is large and its sign unmistakable.
    const atoms = scaled(waterBox(), 0.9);
    const calc = new XtbCalculator({ method: 'GFN1-xTB', threads: 2 });
    await calc.calculate(atoms, ['energy', 'forces', 'stress']);
    const stress = calc.results.stress!;
    expect(stress).toHaveLength(6);
    const pressure = -(stress[0]! + stress[1]! + stress[2]!) / 3;
    expect(pressure).toBeGreaterThan(0.005); // eV/Å³ (> 0.8 GPa)
    // The calculator's finite differences (restarted from the converged wavefunction,
    // molecule updated in place) equal those of independent fresh calculations, component
    // by component: this checks units, Voigt order, the strain convention and the volume.
    // Both use the same strain step, so they agree to SCF noise / (2δV): ~1e-9 eV/Å³.
    const fresh = new XtbCalculator({ method: 'GFN1-xTB', threads: 2 });
    const volume = cellVolume(atoms.cell);
    const d = 1e-3;
    for (const [k, a, b] of [
      [0, 0, 0],
      [5, 0, 1],
    ] as const) {
      const numeric =
        ((await strainedEnergy(fresh, atoms, a, b, d)) -
          (await strainedEnergy(fresh, atoms, a, b, -d))) /
        (2 * d * volume);
      expect(Math.abs(numeric - stress[k]!)).toBeLessThan(1e-6);
    }
    // Asking again costs nothing: forces and stress are cached together.
    const setups = calc.setups;
    await calc.getStress(atoms);
    await calc.getForces(atoms);
    expect(calc.setups).toBe(setups);
    await calc.dispose();
    await fresh.dispose();
  });

  it('stress "virial" is refused for GFN1-xTB: libxtb computes none', async () => {
    const calc = new XtbCalculator({ method: 'GFN1-xTB', stress: 'virial', threads: 2 });
    const error = await calc.getStress(waterBox()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(XtbError);
    expect((error as Error).message).toMatch(/computes no virial for GFN1-xTB/);
  });

  it('a change of periodicity builds new native objects', async () => {
    const calc = new XtbCalculator({ method: 'GFN1-xTB', threads: 2 });
    const box = waterBox();
    const bulk = await calc.getPotentialEnergy(box);
    const cluster = box.copy();
    cluster.pbc = [false, false, false];
    const molecule = await calc.getPotentialEnergy(cluster);
    expect(calc.setups).toBe(2);
    expect(Math.abs(bulk - molecule)).toBeGreaterThan(1e-3);
    await calc.dispose();
  });
});
