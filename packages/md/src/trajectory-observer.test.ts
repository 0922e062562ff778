import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Atoms, type CalculatorResults, readExtxyz } from '@mlff-distiller/core';
import { runAsePython } from '@mlff-distiller/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { argonLJ, fccArgon } from './__fixtures__/systems.js';
import { maxwellBoltzmann } from './maxwell-boltzmann.js';
import { TrajectoryObserver } from './trajectory-observer.js';
import { VelocityVerlet } from './velocity-verlet.js';

const dir = mkdtempSync(join(tmpdir(), 'mlffd-md-traj-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('TrajectoryObserver', () => {
  it('writes every N-th frame with velocities, results, step and time, readable by core and by ASE', async () => {
    const atoms = fccArgon(5.26, 2, 0.05, 1);
    maxwellBoltzmann(atoms, 80, { seed: 3 });
    atoms.info.label = 'argon';
    const md = new VelocityVerlet(atoms, argonLJ(), { timestep: 2 });
    const path = join(dir, 'md.extxyz');
    const traj = await TrajectoryObserver.open(path);
    md.attach(traj, 4);
    const snapshots: {
      positions: Float64Array;
      velocities: Float64Array;
      energy: number;
      forces: Float64Array;
    }[] = [];
    md.attach((m) => {
      snapshots.push({
        positions: m.atoms.positions.slice(),
        velocities: m.atoms.velocities!.slice(),
        energy: m.potentialEnergy,
        forces: m.results!.forces.slice(),
      });
    }, 4);
    await md.run(12);
    await traj.close();
    expect(atoms.info).toEqual({ label: 'argon' }); // step and time were only lent

    const frames = await readExtxyz(path);
    expect(frames).toHaveLength(4);
    frames.forEach((f, i) => {
      expect(f.atoms.info).toMatchObject({ label: 'argon', step: 4 * i, time_fs: 8 * i });
      expect(Array.from(f.atoms.positions)).toEqual(Array.from(snapshots[i]!.positions));
      // Velocities go through ASE momenta (m·v/units.fs) and back: an ulp or two.
      const dv = f.atoms.velocities!.map((v, k) => Math.abs(v - snapshots[i]!.velocities[k]!));
      expect(Math.max(...dv)).toBeLessThan(1e-15);
      expect(f.results.energy).toBe(snapshots[i]!.energy);
      expect(Array.from(f.results.forces!)).toEqual(Array.from(snapshots[i]!.forces));
    });

    const ase = JSON.parse(
      runAsePython(
        `import json, sys
from ase.io import read
frames = read(sys.stdin.read().strip(), ':')
print(json.dumps([{'n': len(a), 'step': int(a.info.get('step')), 'e': a.get_potential_energy()} for a in frames]))`,
        path,
      ),
    ) as { n: number; step: number; e: number }[];
    expect(ase.map((f) => f.step)).toEqual([0, 4, 8, 12]);
    expect(ase.map((f) => f.e)).toEqual(snapshots.map((s) => s.energy));
  });

  it('writes to any sink, without results or time on request', async () => {
    const written: { atoms: Atoms; results?: CalculatorResults }[] = [];
    let closed = false;
    const traj = new TrajectoryObserver(
      {
        write: (atoms, results) => void written.push({ atoms: atoms.copy(), results }),
        close: () => {
          closed = true;
        },
      },
      { results: false, time: false },
    );
    const atoms = fccArgon(5.26, 1, 0.05, 1);
    const md = new VelocityVerlet(atoms, argonLJ(), { timestep: 2 });
    md.attach(traj, 1);
    await md.run(2);
    await traj.close();
    expect(written).toHaveLength(3);
    expect(written[0]!.results).toBeUndefined();
    expect(written[0]!.atoms.info).toEqual({});
    expect(closed).toBe(true);
  });
});
