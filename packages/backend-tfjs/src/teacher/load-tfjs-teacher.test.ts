/**
 * loadTfjsTeacher with a REAL tfjs-converter GraphModel: a hand-written tfjs graph model on
 * disk (`model.json` = GraphDef + signature + `mlffd.*` metadata, one weight shard; see
 * `__fixtures__/lj-graph-model.ts`) computing Lennard-Jones over all pairs with analytic forces,
 * loaded by tfjs-converter 4.22's `loadGraphModel` through the file IOHandler and run on the
 * wasm and cpu backends, checked against the same potential in float64 and against finite
 * differences of its own energy; models that break the contract are refused before tfjs loads
 * them, with core's message naming the `model.json`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Atoms, fccCrystal, InvalidInputError, TeacherContractError } from '@mlff-distiller/core';
import { describeCalculatorConformance } from '@mlff-distiller/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ljGraphModel, ljReference, writeLjGraphModel } from '../__fixtures__/lj-graph-model.js';
import { TfjsModelFileError } from './file-io-handler.js';
import { loadTfjsTeacher } from './load-tfjs-teacher.js';
import type { LoadGraphModel } from './tfjs-teacher.js';

/**
 * Tolerance relative to the float64 reference, for energies and forces. tfjs computes in
 * float32 (unit roundoff u = 6e-8). Positions here are multiples of 2⁻¹⁰ Å, exact in float32,
 * so the error is the graph's own rounding: each pair term takes ~10 roundings, amplified up
 * to 12× through s⁶ and s¹² (~1e-6 of the term), then float32 sums of 32–1024 terms. Because
 * terms of both signs cancel, the error scales with the sum of |terms| (Σ|φ| for the energy,
 * Σ_j |φ'(r_ij)| for the forces on atom i), not with the result. Measured: ≤ 7.7e-7 (energy,
 * wasm), ≤ 4.2e-7 (forces). 1e-5 keeps a > 10× margin; a wrong formula is off by O(1).
 */
const REL = 1e-5;

/**
 * Finite differences of the model's own energy: central, step h = 2⁻⁷ Å (x ± h stays exact in
 * float32). Truncation h²/6·|E'''| is ≤ 4e-6 eV/Å here (the float64 reference's own finite
 * difference); float32 rounding noise of the energy (~1e-6 eV) over 2h is ≲ 1e-4 eV/Å (measured
 * ≤ 4e-5). 2e-4 eV/Å is 0.1–0.3 % of the largest forces (0.07–0.14 eV/Å): a wrong sign, factor
 * or a non-conservative force is off by far more.
 */
const FD_STEP = 2 ** -7;
const FD_TOLERANCE = 2e-4;

/** 32 argon atoms of a rattled fcc block, positions on a 2⁻¹⁰ Å grid, no cell. */
function argonCluster(seed: number): Atoms {
  const c = fccCrystal('Ar', 5.26, 2, { rattle: 0.1, seed });
  const positions = Float64Array.from(c.positions, (x) => Math.round(x * 1024) / 1024);
  return new Atoms({ numbers: c.numbers, positions });
}

function moved(atoms: Atoms, a: number, k: number, by: number): Atoms {
  const positions = Float64Array.from(atoms.positions);
  positions[3 * a + k] += by;
  return new Atoms({ numbers: atoms.numbers, positions });
}

let root: string;
let ljDir: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tfjs-lj-teacher-'));
  ljDir = await writeLjGraphModel(join(root, 'lj-argon'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe.each(['wasm', 'cpu'] as const)(
  'loadTfjsTeacher: a real tfjs graph model on %s',
  (backend) => {
    it('loads as a Calculator that reproduces Lennard-Jones in float64 to float32 precision', async () => {
      const teacher = await loadTfjsTeacher(ljDir, { backend });
      try {
        expect(teacher.name).toBe('tfjs-teacher:lj-argon/model.json');
        expect(teacher.implementedProperties).toEqual([
          'energy',
          'free_energy',
          'forces',
          'energies',
        ]);
        expect(teacher.parameters).toMatchObject({
          teacher: join(ljDir, 'model.json'),
          forces: 'conservative',
          dtype: 'float32',
          periodic: false,
          species: [18],
          backend: `tfjs/${backend}`,
          file: join(ljDir, 'model.json'),
          precision: 'float32',
        });
        expect(teacher.warnings).toEqual([]);
        for (const seed of [3, 7]) {
          const atoms = argonCluster(seed);
          const before = tf.memory().numTensors;
          await teacher.calculate(atoms, ['energy', 'forces', 'energies']);
          expect(tf.memory().numTensors, 'no tensor left behind').toBe(before);
          const got = teacher.results;
          const want = ljReference(atoms.positions);
          expect(Math.abs(got.energy! - want.energy)).toBeLessThanOrEqual(REL * want.energyScale);
          for (let i = 0; i < atoms.length; i++) {
            expect(Math.abs(got.energies![i]! - want.energies[i]!)).toBeLessThanOrEqual(
              REL * want.energyScale,
            );
            for (let k = 0; k < 3; k++) {
              expect(
                Math.abs(got.forces![3 * i + k]! - want.forces[3 * i + k]!),
                `force ${i},${k}`,
              ).toBeLessThanOrEqual(REL * want.forceScale[i]!);
            }
          }
        }
      } finally {
        await teacher.dispose();
      }
    });

    it('its forces are central differences of its energy', async () => {
      const teacher = await loadTfjsTeacher(ljDir, { backend });
      try {
        const atoms = argonCluster(5);
        const forces = await teacher.getForces(atoms);
        for (const a of [0, 9, 18, 31]) {
          for (let k = 0; k < 3; k++) {
            const plus = await teacher.getPotentialEnergy(moved(atoms, a, k, FD_STEP));
            const minus = await teacher.getPotentialEnergy(moved(atoms, a, k, -FD_STEP));
            const fd = -(plus - minus) / (2 * FD_STEP);
            expect(Math.abs(fd - forces[3 * a + k]!), `atom ${a}, axis ${k}`).toBeLessThanOrEqual(
              FD_TOLERANCE,
            );
          }
        }
      } finally {
        await teacher.dispose();
      }
    });

    it('refuses structures the model cannot take, before running it', async () => {
      const teacher = await loadTfjsTeacher(ljDir, { backend });
      try {
        const neon = argonCluster(3);
        neon.numbers[4] = 10;
        await expect(teacher.getPotentialEnergy(neon)).rejects.toThrow(
          'tfjs-teacher:lj-argon/model.json does not know atomic number 10 (atom 4; mlffd.species is 18)',
        );
        const bulk = fccCrystal('Ar', 5.26, 2, { rattle: 0.1 });
        await expect(teacher.getPotentialEnergy(bulk)).rejects.toBeInstanceOf(InvalidInputError);
      } finally {
        await teacher.dispose();
      }
    });
  },
);

describe('loadTfjsTeacher: dtypes, flags and errors', () => {
  it('a model declaring float64 positions (DT_DOUBLE) runs in float32', async () => {
    const dir = await writeLjGraphModel(join(root, 'lj-double'), { floatType: 'DT_DOUBLE' });
    const teacher = await loadTfjsTeacher(join(dir, 'model.json'), { backend: 'wasm' });
    try {
      expect(teacher.parameters).toMatchObject({ dtype: 'float64', precision: 'float32' });
      const atoms = argonCluster(3);
      const want = ljReference(atoms.positions);
      const energy = await teacher.getPotentialEnergy(atoms);
      expect(Math.abs(energy - want.energy)).toBeLessThanOrEqual(REL * want.energyScale);
      // float32 precision, not float64: the difference is visible.
      expect(Math.abs(energy - want.energy)).toBeGreaterThan(1e-12 * want.energyScale);
    } finally {
      await teacher.dispose();
    }
  });

  it('a direct-force teacher is loaded and flagged', async () => {
    const dir = await writeLjGraphModel(join(root, 'orb-like'), {
      metadata: { 'mlffd.teacher': 'v1', 'mlffd.forces': 'direct' },
      numbersType: 'DT_INT32',
    });
    const teacher = await loadTfjsTeacher(dir, { backend: 'wasm' });
    try {
      expect(teacher.name).toBe('tfjs-teacher:orb-like/model.json [direct forces]');
      expect(teacher.parameters.forces).toBe('direct');
      expect(teacher.warnings).toEqual([
        `${join(dir, 'model.json')}: direct (non-conservative) forces: they are not −∂E/∂x, so ` +
          'energy and force labels need not agree and MD with this teacher does not conserve energy',
      ]);
      expect((await teacher.getForces(argonCluster(3))).length).toBe(96);
    } finally {
      await teacher.dispose();
    }
  });

  it('a wrong output shape is refused with the precise message, before tfjs loads anything', async () => {
    const dir = await writeLjGraphModel(join(root, 'wide-forces'), { forcesShape: [-1, 4] });
    let loads = 0;
    const loadGraphModel: LoadGraphModel = async () => {
      loads++;
      throw new Error('must not be called');
    };
    const error = await loadTfjsTeacher(dir, { backend: 'wasm', loadGraphModel }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TeacherContractError);
    const path = join(dir, 'model.json');
    expect((error as TeacherContractError).source).toBe(path);
    expect((error as Error).message).toBe(
      `${path}: output 'forces' has shape [?,4]; expected [n_atoms,3]; expected outputs: energy ` +
        'float32|float64 [] or [1] (eV), forces float32|float64 [n_atoms,3] (eV/Å, required ' +
        'unless allowEnergyOnly), energies float32|float64 [n_atoms] (eV, optional), stress ' +
        'float32|float64 [6] or [3,3] (eV/Å³, optional, needs cell); found outputs: energy ' +
        'float32 [], forces float32 [?,4], energies float32 [?]',
    );
    expect(loads).toBe(0);
  });

  it('missing metadata is refused, naming the file', async () => {
    const dir = await writeLjGraphModel(join(root, 'no-metadata'), { metadata: {} });
    await expect(loadTfjsTeacher(dir, { backend: 'wasm' })).rejects.toThrow(
      `${join(dir, 'model.json')}: metadata 'mlffd.teacher' is missing (expected 'v1'); ` +
        "metadata 'mlffd.forces' is missing (expected 'conservative' or 'direct'); expected " +
        'metadata: mlffd.teacher=v1, mlffd.forces=conservative|direct (with forces), ' +
        'mlffd.cutoff=Å (with edge_index), mlffd.species=… (optional); found metadata: (no ' +
        'mlffd.* keys)',
    );
  });

  it('a missing model, and a missing weight shard, name the file', async () => {
    const absent = join(root, 'absent');
    await expect(loadTfjsTeacher(absent)).rejects.toThrow(`cannot read tfjs model ${absent}`);
    const dir = join(root, 'no-shard');
    await writeLjGraphModel(dir);
    await rm(join(dir, 'group1-shard1of1.bin'));
    const error = await loadTfjsTeacher(dir, { backend: 'wasm' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TfjsModelFileError);
    expect((error as Error).message).toContain(
      `${join(dir, 'model.json')}: cannot read weight shard ${join(dir, 'group1-shard1of1.bin')}`,
    );
  });

  it('an op tfjs-converter does not support fails at the first run, naming the file', async () => {
    const dir = join(root, 'matrix-diag');
    const { modelJson, shard } = ljGraphModel();
    const nodes = (modelJson.modelTopology as { node: { op: string }[] }).node;
    // tf.linalg.diag exports as MatrixDiagV3, which tfjs-converter 4.22 does not execute.
    nodes.find((n) => n.op === 'MatrixBandPart')!.op = 'MatrixDiagV3';
    await writeLjGraphModel(dir);
    await writeFile(join(dir, 'model.json'), JSON.stringify(modelJson));
    await writeFile(join(dir, 'group1-shard1of1.bin'), shard);
    const teacher = await loadTfjsTeacher(dir, { backend: 'wasm' });
    try {
      const before = tf.memory().numTensors;
      await expect(teacher.getPotentialEnergy(argonCluster(3))).rejects.toThrow(
        `${join(dir, 'model.json')}: tfjs failed to run the teacher: `,
      );
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      await teacher.dispose();
    }
  });
});

describeCalculatorConformance('tfjs-teacher (LJ graph model, tfjs-converter on wasm)', {
  create: () => loadTfjsTeacher(ljDir, { backend: 'wasm' }),
  systems: () => [argonCluster(11)],
  // float32: energies rounded to ~1e-6 eV (see REL); finite differences as FD_TOLERANCE.
  tolerance: { energy: 1e-5, forces: FD_TOLERANCE, forceStep: FD_STEP },
});
