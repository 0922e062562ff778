import {
  type Atoms,
  BaseCalculator,
  type CalculatorResults,
  InvalidInputError,
  type PropertyName,
} from '@mlff-distiller/core';
import { describe, expect, it } from 'vitest';
import { argonLJ, fccArgon } from './__fixtures__/systems.js';
import { maxwellBoltzmann } from './maxwell-boltzmann.js';
import { SimulationInstabilityError } from './md-errors.js';
import { VelocityVerlet } from './velocity-verlet.js';

/** Harmonic wells around fixed sites (eV/Å²), counting its evaluations. */
class CountingSprings extends BaseCalculator {
  readonly name = 'springs';
  readonly implementedProperties: readonly PropertyName[] = ['energy', 'forces'];
  calls = 0;
  constructor(
    private readonly sites: Float64Array,
    private readonly k = 0.5,
    private readonly poison = false,
  ) {
    super();
  }
  protected doCalculate(atoms: Atoms): CalculatorResults {
    this.calls++;
    const f = new Float64Array(atoms.positions.length);
    let e = 0;
    for (let i = 0; i < f.length; i++) {
      const d = atoms.positions[i]! - this.sites[i]!;
      f[i] = this.poison && this.calls > 3 ? Number.NaN : -this.k * d;
      e += 0.5 * this.k * d * d;
    }
    return { energy: e, forces: f };
  }
}

function springSystem(poison = false) {
  const atoms = fccArgon(5.26, 1, 0.1, 4);
  maxwellBoltzmann(atoms, 100, { seed: 1 });
  const calc = new CountingSprings(fccArgon(5.26, 1, 0, 4).positions, 0.5, poison);
  return { atoms, calc };
}

describe('MolecularDynamics', () => {
  it('calls observers at step 0 and then every `interval` steps, and counts steps and time', async () => {
    const { atoms, calc } = springSystem();
    const md = new VelocityVerlet(atoms, calc, { timestep: 2 });
    const every1: number[] = [];
    const every3: number[] = [];
    const times: number[] = [];
    md.attach((m) => {
      every1.push(m.nSteps);
    });
    const detach = md.attach({ observe: (m) => void every3.push(m.nSteps) }, 3);
    md.attach((m) => void times.push(m.time), 5);
    const r = await md.run(7);
    expect(r).toEqual({ steps: 7, stopped: false });
    expect(every1).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(every3).toEqual([0, 3, 6]);
    // A second run does not observe step 7 again; intervals count from step 0 of the dynamics.
    detach();
    await md.run(5);
    expect(every1.slice(8)).toEqual([8, 9, 10, 11, 12]);
    expect(every3).toEqual([0, 3, 6]);
    expect(times).toEqual([0, 10, 20]);
    expect(md.nSteps).toBe(12);
    expect(md.time).toBe(24);
  });

  it('evaluates the calculator once per step, and again only when the atoms changed outside the integrator', async () => {
    const { atoms, calc } = springSystem();
    const md = new VelocityVerlet(atoms, calc, { timestep: 1 });
    await md.run(10);
    expect(calc.calls).toBe(11); // the initial forces, then one per step
    await md.run(10);
    expect(calc.calls).toBe(21);
    atoms.positions[0] += 0.01; // the user moved an atom between runs
    await md.run(1);
    expect(calc.calls).toBe(23);
    md.attach((m) => {
      m.atoms.positions[4] += 1e-6; // an observer that moves atoms invalidates the cached forces
    }, 2);
    await md.run(4);
    expect(calc.calls).toBe(23 + 4 + 2);
  });

  it('stops when a stop condition holds or an observer asks, and says why', async () => {
    const { atoms, calc } = springSystem();
    const md = new VelocityVerlet(atoms, calc, { timestep: 1 });
    const remove = md.stopWhen((m) => m.nSteps >= 4);
    const r = await md.run(100);
    expect(r).toEqual({ steps: 4, stopped: true, reason: 'stop condition met' });
    // Still true: the next run takes no step.
    expect((await md.run(10)).steps).toBe(0);
    remove();
    md.attach((m) => {
      if (m.nSteps === 9) m.requestStop('enough');
    });
    expect(await md.run(100)).toEqual({ steps: 5, stopped: true, reason: 'enough' });
    expect(await md.run(3)).toEqual({ steps: 3, stopped: false });
  });

  it('rejects bad arguments and reports a blow-up with the step', async () => {
    const { atoms, calc } = springSystem();
    expect(() => new VelocityVerlet(atoms, calc, { timestep: 0 })).toThrow(InvalidInputError);
    expect(() => new VelocityVerlet(atoms, calc, { timestep: Number.NaN })).toThrow(
      InvalidInputError,
    );
    const md = new VelocityVerlet(atoms, calc, { timestep: 1 });
    expect(() => md.attach(() => {}, 0)).toThrow(InvalidInputError);
    expect(() => md.attach(() => {}, 1.5)).toThrow(InvalidInputError);
    await expect(md.run(-1)).rejects.toThrow(InvalidInputError);
    await expect(md.run(2.5)).rejects.toThrow(InvalidInputError);
    const bad = springSystem(true);
    const mdBad = new VelocityVerlet(bad.atoms, bad.calc, { timestep: 1 });
    const error = await mdBad.run(10).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SimulationInstabilityError);
    expect((error as SimulationInstabilityError).step).toBe(2);
    expect((error as Error).name).toBe('SimulationInstabilityError');
  });

  it('gives zero velocities to atoms that have none, and a conserved energy equal to Etot for NVE', async () => {
    const atoms = fccArgon(5.26, 2, 0.05, 2);
    expect(atoms.velocities).toBeNull();
    const calc = argonLJ();
    const md = new VelocityVerlet(atoms, calc, { timestep: 2 });
    expect(atoms.velocities!.every((v) => v === 0)).toBe(true);
    await md.run(3);
    expect(md.getConservedEnergy()).toBeCloseTo(md.potentialEnergy + atoms.getKineticEnergy(), 12);
    expect(md.potentialEnergy).toBe(await calc.getPotentialEnergy(atoms));
  });
});
