import { describe, expect, it } from 'vitest';
import type { PropertyName } from '../calculator/calculator.js';
import { cellVolume } from '../cell.js';
import { PropertyNotImplementedError } from '../errors.js';
import {
  cluster,
  fcc,
  randomInCell,
  relativeError,
  skewedCell,
} from '../potentials/__fixtures__/systems.js';
import { Morse } from '../potentials/morse.js';
import { describeCalculatorConformance } from '../testing/conformance.js';
import type { Model, ModelOutput, StructureBatch } from './model.js';
import { ModelCalculator } from './model-calculator.js';

const COPPER = { epsilon: 0.42, rho0: 4.4, r0: 2.8, rcut1: 1.6, rcut2: 2.3 };

/**
 * ASE's Morse written as a Model over the batch's full neighbor list: each directed pair
 * gives half its energy to its first atom and its force to its first atom. The list holds
 * pairs up to cutoff + skin: those beyond the cutoff must be (and are) skipped.
 */
class MorsePairModel implements Model {
  readonly specificationVersion = 'v1';
  readonly name = 'morse-model';
  readonly implementedProperties: readonly PropertyName[] = [
    'energy',
    'forces',
    'energies',
    'stress',
  ];
  readonly cutoff = COPPER.rcut2 * COPPER.r0;
  readonly parameters = { ...COPPER };
  /** Pairs seen beyond the cutoff in the last batch (the Verlet skin at work). */
  skinPairs = 0;
  calls = 0;

  async doPredict(
    batch: StructureBatch,
    properties: readonly PropertyName[],
  ): Promise<ModelOutput> {
    this.calls++;
    const { epsilon: eps, rho0, r0 } = COPPER;
    const rcut1 = COPPER.rcut1 * r0;
    const rcut2 = this.cutoff;
    const nl = batch.neighbors;
    const energy = new Float64Array(batch.nStructures);
    const forces = new Float64Array(3 * batch.nAtoms);
    const energies = new Float64Array(batch.nAtoms);
    const virial = new Float64Array(9 * batch.nStructures);
    this.skinPairs = 0;
    for (let p = 0; p < nl.nPairs; p++) {
      const i = nl.first[p]!;
      const j = nl.second[p]!;
      const b = batch.structureIndex[i]!;
      const D = [0, 0, 0];
      for (let c = 0; c < 3; c++) {
        D[c] = batch.positions[3 * j + c]! - batch.positions[3 * i + c]!;
        for (let k = 0; k < 3; k++)
          D[c]! += nl.shifts[3 * p + k]! * batch.cells[9 * b + 3 * k + c]!;
      }
      const d = Math.hypot(D[0]!, D[1]!, D[2]!);
      if (d >= rcut2) {
        this.skinPairs++;
        continue;
      }
      const expf = Math.exp(rho0 * (1 - d / r0));
      const e = eps * expf * (expf - 2);
      const s = 1 - (d - rcut1) / (rcut2 - rcut1);
      const fc = s >= 1 ? 1 : s > 0 ? 6 * s ** 5 - 15 * s ** 4 + 10 * s ** 3 : 0;
      const dfc = s > 0 && s < 1 ? -(30 * s ** 4 - 60 * s ** 3 + 30 * s ** 2) / (rcut2 - rcut1) : 0;
      const g = (((-2 * eps * rho0) / r0) * expf * (expf - 1) * fc + e * dfc) / d;
      energy[b]! += 0.5 * e * fc;
      energies[i]! += 0.5 * e * fc;
      for (let c = 0; c < 3; c++) {
        forces[3 * i + c]! += g * D[c]!;
        for (let k = 0; k < 3; k++) virial[9 * b + 3 * c + k]! += 0.5 * g * D[c]! * D[k]!;
      }
    }
    const out: ModelOutput = { energy, forces, energies };
    if (properties.includes('stress')) {
      const stress = new Float64Array(6 * batch.nStructures);
      for (let b = 0; b < batch.nStructures; b++) {
        const v = cellVolume(batch.cells.subarray(9 * b, 9 * b + 9));
        const w = virial.subarray(9 * b, 9 * b + 9);
        stress.set([w[0]! / v, w[4]! / v, w[8]! / v, w[5]! / v, w[2]! / v, w[1]! / v], 6 * b);
      }
      out.stress = stress;
    }
    return out;
  }
}

describe('ModelCalculator', () => {
  it('over a pair Model equals the Morse calculator, ignoring the skin pairs the list carries', async () => {
    for (const atoms of [
      fcc('Cu', 3.96, 3, 0.08, 41),
      randomInCell('Cu', skewedCell(1), [true, true, true], 8, 2.4, 42),
      cluster('Cu', 2.8, 19, 0.1, 43),
    ]) {
      const model = new MorsePairModel();
      const calc = new ModelCalculator(model, { skin: 0.5 });
      const reference = new Morse(COPPER);
      const bulk = atoms.pbc.every(Boolean);
      const props: PropertyName[] = bulk
        ? ['energy', 'forces', 'energies', 'stress']
        : ['energy', 'forces', 'energies'];
      await calc.calculate(atoms, props);
      await reference.calculate(atoms, props);
      expect(model.skinPairs, 'the list includes pairs in the skin').toBeGreaterThan(0);
      expect(
        Math.abs(calc.results.energy! - reference.results.energy!) /
          Math.abs(reference.results.energy!),
      ).toBeLessThan(1e-12);
      expect(relativeError(calc.results.forces!, reference.results.forces!)).toBeLessThan(1e-12);
      expect(relativeError(calc.results.energies!, reference.results.energies!)).toBeLessThan(
        1e-12,
      );
      if (bulk)
        expect(relativeError(calc.results.stress!, reference.results.stress!)).toBeLessThan(1e-12);
      else await expect(calc.getStress(atoms)).rejects.toBeInstanceOf(PropertyNotImplementedError);
    }
  });

  it('reuses its neighbor list over moves below skin/2 and rebuilds after a larger one', async () => {
    const atoms = fcc('Cu', 3.96, 3, 0.08, 44);
    const model = new MorsePairModel();
    const calc = new ModelCalculator(model, { skin: 0.5 });
    await calc.getForces(atoms);
    expect(calc.neighborList.builds).toBe(1);
    const agrees = async () => {
      const reference = new Morse({ ...COPPER, skin: 0 });
      expect(
        relativeError(await calc.getForces(atoms), await reference.getForces(atoms)),
      ).toBeLessThan(1e-12);
    };
    // Ten moves of 0.024 Å each for every atom: 0.24 Å < skin/2 = 0.25 Å in total.
    for (let step = 0; step < 10; step++) {
      for (let a = 0; a < atoms.length; a++)
        atoms.positions[3 * a + ((a + step) % 3)]! += 0.024 * (a % 2 ? 1 : -1);
      await calc.getForces(atoms);
      await agrees();
    }
    expect(calc.neighborList.builds).toBe(1);
    expect(model.calls).toBe(11);
    // One atom 0.26 Å away from where the list was built: rebuild.
    atoms.positions[3 * 5 + 1]! += 0.26;
    await calc.getForces(atoms);
    expect(calc.neighborList.builds).toBe(2);
    await agrees();
    // Same structure again: cached, no model call, no rebuild.
    await calc.getPotentialEnergy(atoms);
    expect(model.calls).toBe(12);
    expect(calc.neighborList.builds).toBe(2);
  });

  it('keeps its list through small cell strains (a barostat) and rebuilds after a large one', async () => {
    const atoms = fcc('Cu', 3.96, 3, 0.08, 45);
    const calc = new ModelCalculator(new MorsePairModel(), { skin: 0.5 });
    const check = async () => {
      const reference = new Morse({ ...COPPER, skin: 0 });
      const props: PropertyName[] = ['energy', 'forces', 'stress'];
      await calc.calculate(atoms, props);
      await reference.calculate(atoms, props);
      expect(relativeError(calc.results.forces!, reference.results.forces!)).toBeLessThan(1e-12);
      expect(relativeError(calc.results.stress!, reference.results.stress!)).toBeLessThan(1e-12);
    };
    await check();
    // Isotropic 0.2 % strains with the atoms scaled along: ‖F − I‖·(rc + skin) stays below the skin.
    for (let step = 0; step < 5; step++) {
      atoms.setCell(
        atoms.cell.map((x) => x * 1.002),
        true,
      );
      await check();
    }
    expect(calc.neighborList.builds).toBe(1);
    atoms.setCell(
      atoms.cell.map((x) => x * 1.05),
      true,
    );
    await check();
    expect(calc.neighborList.builds).toBe(2);
  });

  it('passes the model parameters, cutoff and skin through for reports', () => {
    const calc = new ModelCalculator(new MorsePairModel(), { skin: 0.4 });
    expect(calc.parameters).toMatchObject({
      ...COPPER,
      cutoff: COPPER.rcut2 * COPPER.r0,
      skin: 0.4,
    });
    expect(calc.implementedProperties).toContain('free_energy');
  });
});

describeCalculatorConformance('ModelCalculator over a Morse pair Model', {
  create: () => new ModelCalculator(new MorsePairModel(), { skin: 0.5 }),
  systems: () => [
    fcc('Cu', 3.96, 2, 0.08, 51),
    cluster('Cu', 2.8, 13, 0.1, 52),
    randomInCell('Cu', skewedCell(1), [true, true, true], 6, 2.4, 53),
    randomInCell('Cu', skewedCell(1.2), [true, false, true], 8, 2.4, 54),
  ],
});
