import { fccCrystal, LennardJones, Random } from '@mlff-distiller/core';
import type { LabelledStructure } from '../labelled-structure.js';

/** The teacher of the tests: Lennard-Jones argon (ASE's smooth cutoff at 6 Å), a real calculator. */
export function argonTeacher(): LennardJones {
  return new LennardJones({ epsilon: 0.0104, sigma: 3.405, rc: 6.0, smooth: true });
}

/** `count` rattled 32-atom fcc argon cells (a ≈ 5.26 Å ± 2 %), labelled by {@link argonTeacher}. */
export async function argonDataset(count: number, seed: number): Promise<LabelledStructure[]> {
  const teacher = argonTeacher();
  const random = new Random(seed);
  const out: LabelledStructure[] = [];
  for (let k = 0; k < count; k++) {
    const atoms = fccCrystal('Ar', 5.26 * (1 + 0.02 * (2 * random.uniform() - 1)), 2);
    for (let i = 0; i < atoms.positions.length; i++) atoms.positions[i]! += 0.12 * random.normal();
    out.push({
      atoms,
      energy: await teacher.getPotentialEnergy(atoms),
      forces: await teacher.getForces(atoms),
    });
  }
  return out;
}
