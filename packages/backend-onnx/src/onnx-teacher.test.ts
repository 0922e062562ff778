/**
 * Teacher models under the teacher contract (core's TEACHER_CONTRACT, docs/teacher-models.md):
 * Lennard-Jones teachers written as graphs and compiled to ONNX load with loadOnnxTeacher and
 * reproduce core's LennardJones (float64: 1e-10 relative, the rounding of differently ordered
 * sums over ~10⁴ pairs is ~1e-13); models that break the contract are refused at load time
 * with a message naming the file, the problem, what was expected and what was found.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Atoms,
  fccCrystal,
  LennardJones,
  PropertyNotImplementedError,
  TeacherContractError,
} from '@mlff-distiller/core';
import { describeCalculatorConformance } from '@mlff-distiller/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARGON,
  clusterTeacherGraph,
  compileTeacher,
  INT64,
  periodicTeacherGraph,
  teacherMetadata,
  withInputTypes,
} from './__fixtures__/lj-teachers.js';
import { loadOnnxTeacher, readOnnxTeacherSignature, validateTeacherModel } from './onnx-teacher.js';

const REL = 1e-10;

/** 32 argon atoms of an fcc block, rattled, without cell or periodicity. */
function argonCluster(repeat = 2, seed = 3): Atoms {
  const atoms = fccCrystal('Ar', 5.26, repeat, { rattle: 0.1, seed });
  return new Atoms({ numbers: atoms.numbers, positions: atoms.positions });
}

/** Periodic fcc argon, its cell and positions sheared (a triclinic cell). */
function shearedArgon(repeat: number, seed: number): Atoms {
  const atoms = fccCrystal('Ar', 5.26, repeat, { rattle: 0.1, seed });
  const F = [1, 0.04, -0.03, 0.05, 1.02, 0.02, 0.01, -0.06, 0.98];
  const apply = (v: Float64Array) => {
    const out = new Float64Array(v.length);
    for (let a = 0; a < v.length; a += 3)
      for (let c = 0; c < 3; c++)
        out[a + c] = v[a]! * F[c]! + v[a + 1]! * F[3 + c]! + v[a + 2]! * F[6 + c]!;
    return out;
  };
  return new Atoms({
    numbers: atoms.numbers,
    positions: apply(atoms.positions),
    cell: apply(atoms.cell),
    pbc: true,
  });
}

function expectRelativeClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string) {
  expect(got.length, what).toBe(want.length);
  let scale = 0;
  let diff = 0;
  for (let k = 0; k < want.length; k++) {
    scale = Math.max(scale, Math.abs(want[k]!));
    diff = Math.max(diff, Math.abs(got[k]! - want[k]!));
  }
  expect(diff, `${what}: max |Δ| ${diff} vs scale ${scale}`).toBeLessThanOrEqual(REL * scale);
}

let dir: string;
let clusterPath: string;
let periodicBytes: Uint8Array;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onnx-teacher-'));
  clusterPath = join(dir, 'lj-cluster.onnx');
  await writeFile(clusterPath, compileTeacher(clusterTeacherGraph(), teacherMetadata()));
  periodicBytes = compileTeacher(
    periodicTeacherGraph(),
    teacherMetadata({ 'mlffd.cutoff': String(ARGON.rc), 'mlffd.species': '18' }),
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadOnnxTeacher: teachers that follow the contract', () => {
  it('a non-periodic LJ teacher file gives core LennardJones energies and forces', async () => {
    const teacher = await loadOnnxTeacher(clusterPath);
    try {
      expect(teacher.name).toBe('onnx-teacher:lj-cluster.onnx');
      expect(teacher.implementedProperties).toEqual(['energy', 'free_energy', 'forces']);
      expect(teacher.parameters).toMatchObject({
        forces: 'conservative',
        dtype: 'float64',
        periodic: false,
        backend: 'onnxruntime-node/cpu',
        file: clusterPath,
      });
      expect(teacher.warnings).toEqual([]);
      const reference = new LennardJones(ARGON);
      for (const atoms of [argonCluster(), argonCluster(3, 7)]) {
        const energy = await teacher.getPotentialEnergy(atoms);
        const want = await reference.getPotentialEnergy(atoms);
        expect(Math.abs(energy - want)).toBeLessThanOrEqual(REL * Math.abs(want));
        expectRelativeClose(
          await teacher.getForces(atoms),
          await reference.getForces(atoms),
          'forces',
        );
      }
      await expect(teacher.calculate(shearedArgon(2, 1), ['energy'])).rejects.toThrow(
        'onnx-teacher:lj-cluster.onnx takes no cell (non-periodic structures only)',
      );
    } finally {
      await teacher.dispose();
    }
  });

  it('a periodic LJ teacher over a neighbor list gives core energies, forces and stress', async () => {
    const teacher = await loadOnnxTeacher(periodicBytes, { source: 'lj-periodic.onnx' });
    try {
      expect(teacher.name).toBe('onnx-teacher:lj-periodic.onnx');
      expect(teacher.implementedProperties).toEqual(['energy', 'free_energy', 'forces', 'stress']);
      expect(teacher.parameters).toMatchObject({ cutoff: ARGON.rc, species: [18], periodic: true });
      const reference = new LennardJones(ARGON);
      const slab = shearedArgon(3, 5);
      slab.pbc = [true, true, false];
      for (const atoms of [shearedArgon(3, 2), fccCrystal('Ar', 5.26, 2, { rattle: 0.1 }), slab]) {
        const bulk = atoms.pbc.every(Boolean);
        const props = bulk
          ? (['energy', 'forces', 'stress'] as const)
          : (['energy', 'forces'] as const);
        await teacher.calculate(atoms, props);
        await reference.calculate(atoms, props);
        const got = teacher.results;
        const want = reference.results;
        expect(Math.abs(got.energy! - want.energy!)).toBeLessThanOrEqual(
          REL * Math.abs(want.energy!),
        );
        expectRelativeClose(got.forces!, want.forces!, 'forces');
        if (bulk) expectRelativeClose(got.stress!, want.stress!, 'stress');
      }
      await expect(teacher.getStress(slab)).rejects.toBeInstanceOf(PropertyNotImplementedError);
      const neon = argonCluster();
      neon.numbers[0] = 10;
      await expect(teacher.getPotentialEnergy(neon)).rejects.toThrow(
        'onnx-teacher:lj-periodic.onnx does not know atomic number 10 (atom 0; mlffd.species is 18)',
      );
    } finally {
      await teacher.dispose();
    }
  });

  it('int64 integer inputs, as PyTorch exports them, are fed as int64', async () => {
    const bytes = withInputTypes(periodicBytes, { numbers: INT64, edge_index: INT64 });
    const signature = readOnnxTeacherSignature(bytes);
    expect(signature.inputs.map((i) => `${i.name} ${i.dtype}`)).toEqual([
      'positions float64',
      'numbers int64',
      'cell float64',
      'pbc bool',
      'edge_index int64',
      'edge_shift float64',
    ]);
    const teacher = await loadOnnxTeacher(bytes);
    try {
      const atoms = fccCrystal('Ar', 5.26, 2, { rattle: 0.1 });
      const want = await new LennardJones(ARGON).getPotentialEnergy(atoms);
      const energy = await teacher.getPotentialEnergy(atoms);
      expect(Math.abs(energy - want)).toBeLessThanOrEqual(REL * Math.abs(want));
    } finally {
      await teacher.dispose();
    }
  });

  it('a direct-force teacher is loaded and flagged', async () => {
    const bytes = compileTeacher(
      clusterTeacherGraph(),
      teacherMetadata({ 'mlffd.forces': 'direct' }),
    );
    const teacher = await loadOnnxTeacher(bytes, { source: 'orb-direct.onnx' });
    try {
      expect(teacher.name).toBe('onnx-teacher:orb-direct.onnx [direct forces]');
      expect(teacher.parameters.forces).toBe('direct');
      expect(teacher.warnings).toEqual([
        'orb-direct.onnx: direct (non-conservative) forces: they are not −∂E/∂x, so energy and ' +
          'force labels need not agree and MD with this teacher does not conserve energy',
      ]);
      expect(teacher.parameters.warnings).toEqual(teacher.warnings);
      expect((await teacher.getForces(argonCluster())).length).toBe(96);
    } finally {
      await teacher.dispose();
    }
  });

  it('an energy-only teacher loads only with allowEnergyOnly, for energy labels', async () => {
    const bytes = compileTeacher(clusterTeacherGraph({ noForces: true }), teacherMetadata());
    const teacher = await loadOnnxTeacher(bytes, { source: 'e.onnx', allowEnergyOnly: true });
    try {
      expect(teacher.parameters.forces).toBe('none');
      expect(teacher.implementedProperties).toEqual(['energy', 'free_energy']);
      const atoms = argonCluster();
      const want = await new LennardJones(ARGON).getPotentialEnergy(atoms);
      expect(Math.abs((await teacher.getPotentialEnergy(atoms)) - want)).toBeLessThanOrEqual(
        REL * Math.abs(want),
      );
      await expect(teacher.getForces(atoms)).rejects.toBeInstanceOf(PropertyNotImplementedError);
    } finally {
      await teacher.dispose();
    }
  });
});

describe('loadOnnxTeacher: models that break the contract are refused at load time', () => {
  const expectedOutputs =
    'expected outputs: energy float32|float64 [] or [1] (eV), forces float32|float64 ' +
    '[n_atoms,3] (eV/Å, required unless allowEnergyOnly), energies float32|float64 [n_atoms] ' +
    '(eV, optional), stress float32|float64 [6] or [3,3] (eV/Å³, optional, needs cell)';

  async function refusal(
    bytes: Uint8Array,
    source = 'teacher.onnx',
  ): Promise<TeacherContractError> {
    const error = await loadOnnxTeacher(bytes, { source }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TeacherContractError);
    return error as TeacherContractError;
  }

  it('a conservative model without forces', async () => {
    const bytes = compileTeacher(
      clusterTeacherGraph({ noForces: true, energyShape: [1] }),
      teacherMetadata(),
    );
    expect((await refusal(bytes)).message).toBe(
      "teacher.onnx: output 'forces' is missing (ONNX Runtime and tfjs cannot differentiate the " +
        'energy: export the forces as an output, or load with allowEnergyOnly for energy labels ' +
        `only); ${expectedOutputs}; found outputs: energy float64 [1]`,
    );
  });

  it('forces of shape [n_atoms,4]', async () => {
    const bytes = compileTeacher(clusterTeacherGraph({ wideForces: true }), teacherMetadata());
    expect((await refusal(bytes)).message).toBe(
      "teacher.onnx: output 'forces' has shape [n_atoms,4]; expected [n_atoms,3]; " +
        `${expectedOutputs}; found outputs: energy float64 [], forces float64 [n_atoms,4]`,
    );
  });

  it('a wrong input dtype', async () => {
    const bytes = compileTeacher(
      clusterTeacherGraph({ numbersDType: 'float64' }),
      teacherMetadata(),
    );
    const e = await refusal(bytes);
    expect(e.problems).toEqual([
      { section: 'inputs', message: "input 'numbers' has dtype float64; expected int32|int64" },
    ]);
    expect(e.message).toBe(
      "teacher.onnx: input 'numbers' has dtype float64; expected int32|int64; " +
        'expected inputs: positions float32|float64 [n_atoms,3] (Å), numbers int32|int64 ' +
        '[n_atoms] (optional: a single-element model may leave it out), cell <dtype of ' +
        'positions> [3,3] (Å, optional: without it, non-periodic structures only), pbc bool [3] ' +
        '(optional, needs cell), edge_index int32|int64 [2,n_edges] (optional, needs ' +
        'mlffd.cutoff), edge_shift <dtype of positions> [n_edges,3] (cell units, with ' +
        'edge_index and cell); found inputs: positions float64 [n_atoms,3], numbers float64 [n_atoms]',
    );
  });

  it('missing metadata, from a file', async () => {
    const path = join(dir, 'no-metadata.onnx');
    await writeFile(path, compileTeacher(clusterTeacherGraph(), { architecture: 'lj' }));
    const error = await loadOnnxTeacher(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TeacherContractError);
    expect((error as Error).message).toBe(
      `${path}: metadata 'mlffd.teacher' is missing (expected 'v1'); metadata 'mlffd.forces' is ` +
        "missing (expected 'conservative' or 'direct'); expected metadata: mlffd.teacher=v1, " +
        'mlffd.forces=conservative|direct (with forces), mlffd.cutoff=Å (with edge_index), ' +
        'mlffd.species=… (optional); found metadata: (no mlffd.* keys)',
    );
  });

  it('a neighbor-list model without its cutoff', async () => {
    const bytes = compileTeacher(periodicTeacherGraph(), teacherMetadata());
    expect((await refusal(bytes, 'mace.onnx')).problems).toEqual([
      {
        section: 'metadata',
        message:
          "metadata 'mlffd.cutoff' is missing (a teacher taking edge_index must give its cutoff in Å)",
      },
    ]);
  });

  it('bytes that are not an ONNX model, and a missing file', async () => {
    const e = await refusal(Uint8Array.of(1, 2, 3, 4, 5), 'junk.onnx');
    expect(e.message).toMatch(/^junk\.onnx is not a readable ONNX model \(/);
    const missing = join(dir, 'absent.onnx');
    await expect(loadOnnxTeacher(missing)).rejects.toThrow(`cannot read teacher model ${missing}`);
  });

  it('validateTeacherModel checks without creating a session', () => {
    const spec = validateTeacherModel(periodicBytes, 'p.onnx');
    expect(spec).toMatchObject({ periodic: true, neighborList: true, cutoff: ARGON.rc });
    expect(() =>
      validateTeacherModel(compileTeacher(clusterTeacherGraph({ noForces: true }), {}), 'q.onnx'),
    ).toThrow(TeacherContractError);
  });
});

describeCalculatorConformance('onnx-teacher (periodic LJ over a neighbor list)', {
  create: () => loadOnnxTeacher(periodicBytes, { source: 'lj-periodic.onnx' }),
  systems: () => [fccCrystal('Ar', 5.26, 2, { rattle: 0.1, seed: 4 }), argonCluster(2, 9)],
});

describeCalculatorConformance('onnx-teacher (non-periodic LJ over all pairs)', {
  create: () => loadOnnxTeacher(clusterPath),
  systems: () => [argonCluster(2, 11)],
});
