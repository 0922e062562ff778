import { describe, expect, it } from 'vitest';
import { Atoms } from '../atoms.js';
import { InvalidInputError, PropertyNotImplementedError } from '../errors.js';
import { TeacherCalculator, type TeacherFeeds, type TeacherRunner } from './teacher-calculator.js';
import {
  checkTeacherSignature,
  formatTensorSpec,
  TEACHER_CONTRACT,
  TeacherContractError,
  type TeacherSignature,
  type TeacherTensorInfo,
} from './teacher-contract.js';

const t = (name: string, dtype: string, shape: TeacherTensorInfo['shape']): TeacherTensorInfo => ({
  name,
  dtype,
  shape,
});

/** A non-periodic teacher as `torch.onnx.export` with dynamic axes writes it. */
const MOLECULAR: TeacherSignature = {
  inputs: [t('positions', 'float64', ['n_atoms', 3]), t('numbers', 'int64', ['n_atoms'])],
  outputs: [t('energy', 'float64', []), t('forces', 'float64', ['n_atoms', 3])],
  metadata: { 'mlffd.teacher': 'v1', 'mlffd.forces': 'conservative' },
};

/** A periodic teacher with a neighbor list, stress and per-atom energies. */
const PERIODIC: TeacherSignature = {
  inputs: [
    t('positions', 'float32', ['n', 3]),
    t('numbers', 'int32', ['n']),
    t('cell', 'float32', [3, 3]),
    t('pbc', 'bool', [3]),
    t('edge_index', 'int64', [2, 'e']),
    t('edge_shift', 'float32', ['e', 3]),
  ],
  outputs: [
    t('energy', 'float32', [1]),
    t('forces', 'float32', ['n', 3]),
    t('stress', 'float32', [3, 3]),
    t('energies', 'float32', ['n']),
    t('virial', 'float32', [3, 3]),
  ],
  metadata: {
    'mlffd.teacher': 'v1',
    'mlffd.forces': 'direct',
    'mlffd.cutoff': '6.0',
    'mlffd.species': '1, 8',
    producer: 'pytorch',
  },
};

function refusal(found: TeacherSignature, options = {}): TeacherContractError {
  try {
    checkTeacherSignature(found, 'teacher.onnx', options);
  } catch (e) {
    expect(e).toBeInstanceOf(TeacherContractError);
    return e as TeacherContractError;
  }
  throw new Error('the model was accepted');
}

const EXPECTED_OUTPUTS =
  'expected outputs: energy float32|float64 [] or [1] (eV), forces float32|float64 [n_atoms,3] ' +
  '(eV/Å, required unless allowEnergyOnly), energies float32|float64 [n_atoms] (eV, optional), ' +
  'stress float32|float64 [6] or [3,3] (eV/Å³, optional, needs cell)';

describe('checkTeacherSignature', () => {
  it('accepts a non-periodic conservative teacher', () => {
    const spec = checkTeacherSignature(MOLECULAR, 'teacher.onnx');
    expect(spec).toMatchObject({
      source: 'teacher.onnx',
      floatType: 'float64',
      periodic: false,
      neighborList: false,
      forces: 'conservative',
      properties: ['energy', 'free_energy', 'forces'],
      warnings: [],
    });
    expect(spec.inputs).toEqual([
      { name: 'positions', dtype: 'float64' },
      { name: 'numbers', dtype: 'int64' },
    ]);
  });

  it('accepts a periodic direct-force teacher with a neighbor list and flags it', () => {
    const spec = checkTeacherSignature(PERIODIC, 'orb.onnx');
    expect(spec).toMatchObject({
      floatType: 'float32',
      periodic: true,
      neighborList: true,
      cutoff: 6,
      species: [1, 8],
      forces: 'direct',
      outputs: ['energy', 'forces', 'stress', 'energies'],
      ignoredOutputs: ['virial'],
      properties: ['energy', 'free_energy', 'forces', 'energies', 'stress'],
    });
    expect(spec.warnings).toEqual([
      'orb.onnx: direct (non-conservative) forces: they are not −∂E/∂x, so energy and force labels need not agree and MD with this teacher does not conserve energy',
    ]);
  });

  it('accepts what tfjs declares: unknown dims and ranks', () => {
    const spec = checkTeacherSignature(
      {
        inputs: [t('positions', 'float32', [null, 3]), t('numbers', 'int32', [null])],
        outputs: [t('energy', 'float32', null), t('forces', 'float32', [null, null])],
        metadata: { 'mlffd.teacher': 'v1', 'mlffd.forces': 'conservative' },
      },
      'model.json',
    );
    expect(spec.floatType).toBe('float32');
  });

  it('refuses a model without forces, listing what was expected and found', () => {
    const found = { ...MOLECULAR, outputs: [t('energy', 'float32', [1])] };
    expect(refusal(found).message).toBe(
      "teacher.onnx: output 'forces' is missing (ONNX Runtime and tfjs cannot differentiate the " +
        'energy: export the forces as an output, or load with allowEnergyOnly for energy labels ' +
        `only); ${EXPECTED_OUTPUTS}; found outputs: energy float32 [1]`,
    );
  });

  it('accepts an energy-only model with allowEnergyOnly', () => {
    const spec = checkTeacherSignature(
      { ...MOLECULAR, outputs: [t('energy', 'float32', [1])] },
      'e.onnx',
      { allowEnergyOnly: true },
    );
    expect(spec.forces).toBe('none');
    expect(spec.properties).toEqual(['energy', 'free_energy']);
    expect(spec.warnings).toEqual(['e.onnx: no forces output: loaded for energy labels only']);
  });

  it('refuses wrong shapes, with a hint for fixed atom counts', () => {
    const wide = {
      ...MOLECULAR,
      outputs: [MOLECULAR.outputs[0]!, t('forces', 'float64', ['n_atoms', 4])],
    };
    const e = refusal(wide);
    expect(e.message).toMatch(
      /^teacher\.onnx: output 'forces' has shape \[n_atoms,4\]; expected \[n_atoms,3\]; expected outputs: /,
    );
    expect(e.problems).toEqual([
      {
        section: 'outputs',
        message: "output 'forces' has shape [n_atoms,4]; expected [n_atoms,3]",
      },
    ]);
    const fixed = {
      ...MOLECULAR,
      inputs: [t('positions', 'float64', [12, 3]), MOLECULAR.inputs[1]!],
    };
    expect(refusal(fixed).problems[0]!.message).toBe(
      "input 'positions' has shape [12,3]; expected [n_atoms,3] (axis 0 must be dynamic, n_atoms: export it with dynamic_axes)",
    );
    const energy = { ...MOLECULAR, outputs: [t('energy', 'float64', [2]), MOLECULAR.outputs[1]!] };
    expect(refusal(energy).problems[0]!.message).toBe(
      "output 'energy' has shape [2]; expected [] or [1]",
    );
  });

  it('refuses wrong dtypes and unknown inputs', () => {
    const e = refusal({
      ...MOLECULAR,
      inputs: [
        t('positions', 'float64', ['n_atoms', 3]),
        t('numbers', 'float32', ['n_atoms']),
        t('charge', 'float64', []),
      ],
    });
    expect(e.problems.map((p) => p.message)).toEqual([
      "input 'charge' is not part of the contract (the calculator cannot feed it)",
      "input 'numbers' has dtype float32; expected int32|int64",
    ]);
    expect(e.message).toContain(
      `expected inputs: ${TEACHER_CONTRACT.inputs.map(formatTensorSpec).join(', ')}; found inputs: positions float64 [n_atoms,3], numbers float32 [n_atoms], charge float64 []`,
    );
    expect(e.message).not.toContain('expected outputs');
    const cell = refusal({
      ...PERIODIC,
      inputs: PERIODIC.inputs.map((i) => (i.name === 'cell' ? t('cell', 'float64', [3, 3]) : i)),
    });
    expect(cell.problems[0]!.message).toBe(
      "input 'cell' has dtype float64; expected float32 (the dtype of positions)",
    );
  });

  it('refuses inputs that do not come together', () => {
    const noCell = PERIODIC.inputs.filter((i) => i.name !== 'cell');
    expect(refusal({ ...PERIODIC, inputs: noCell }).problems.map((p) => p.message)).toEqual([
      "input 'cell' is missing (pbc comes with it)",
      "input 'cell' is missing (edge_shift is in cell units)",
      "output 'stress' needs the input cell",
    ]);
    const noShift = PERIODIC.inputs.filter((i) => i.name !== 'edge_shift');
    expect(refusal({ ...PERIODIC, inputs: noShift }).problems[0]!.message).toBe(
      "input 'edge_shift' is missing (a periodic teacher with edge_index needs the image shifts)",
    );
    const stress = { ...MOLECULAR, outputs: [...MOLECULAR.outputs, t('stress', 'float64', [6])] };
    expect(refusal(stress).problems[0]!.message).toBe("output 'stress' needs the input cell");
  });

  it('refuses missing or bad metadata', () => {
    const e = refusal({ ...MOLECULAR, metadata: { producer: 'pytorch' } });
    expect(e.message).toBe(
      "teacher.onnx: metadata 'mlffd.teacher' is missing (expected 'v1'); metadata 'mlffd.forces' " +
        "is missing (expected 'conservative' or 'direct'); expected metadata: mlffd.teacher=v1, " +
        'mlffd.forces=conservative|direct (with forces), mlffd.cutoff=Å (with edge_index), ' +
        'mlffd.species=… (optional); found metadata: (no mlffd.* keys)',
    );
    const bad = refusal({
      ...PERIODIC,
      metadata: {
        'mlffd.teacher': 'v2',
        'mlffd.forces': 'maybe',
        'mlffd.cutoff': '-1',
        'mlffd.species': 'H,O',
      },
    });
    expect(bad.problems.map((p) => p.message)).toEqual([
      "metadata 'mlffd.teacher' is 'v2'; this version of MLFF Distiller reads 'v1'",
      "metadata 'mlffd.forces' is 'maybe'; expected 'conservative' or 'direct'",
      "metadata 'mlffd.cutoff' is '-1'; expected a positive number of Å",
      "metadata 'mlffd.species' is 'H,O'; expected comma-separated atomic numbers such as '1,6,8'",
    ]);
    const { 'mlffd.cutoff': _, ...noCutoff } = PERIODIC.metadata;
    expect(refusal({ ...PERIODIC, metadata: noCutoff }).problems[0]!.message).toBe(
      "metadata 'mlffd.cutoff' is missing (a teacher taking edge_index must give its cutoff in Å)",
    );
  });
});

/** A runner returning fixed outputs and recording its feeds. */
class FakeRunner implements TeacherRunner {
  feeds: TeacherFeeds[] = [];
  constructor(private readonly forcesShape: (n: number) => number[] = (n) => [n, 3]) {}
  async run(feeds: TeacherFeeds) {
    this.feeds.push(feeds);
    const n = feeds.positions!.shape[0]!;
    const shape = this.forcesShape(n);
    return {
      energy: { shape: [1], data: Float32Array.of(-1.5) },
      forces: { shape, data: new Float32Array(shape.reduce((p, d) => p * d, 1)).fill(0.25) },
      stress: { shape: [3, 3], data: Float32Array.of(1, 2, 3, 2, 4, 5, 3, 5, 6) },
      energies: { shape: [n], data: new Float32Array(n).fill(-1.5 / n) },
    };
  }
}

describe('TeacherCalculator', () => {
  const water = () =>
    new Atoms({
      numbers: [8, 1, 1],
      positions: [0, 0, 0, 0.96, 0, 0, -0.24, 0.93, 0],
      cell: [4, 4, 4],
      pbc: true,
    });

  it('feeds what the model declares and converts its outputs', async () => {
    const runner = new FakeRunner();
    const calc = new TeacherCalculator(checkTeacherSignature(PERIODIC, 'orb.onnx'), runner, {
      name: 'onnx-teacher:orb.onnx',
    });
    expect(calc.name).toBe('onnx-teacher:orb.onnx [direct forces]');
    expect(calc.parameters).toMatchObject({ forces: 'direct', cutoff: 6, periodic: true });
    expect(calc.warnings).toHaveLength(1);
    const atoms = water();
    await calc.calculate(atoms, ['energy', 'forces', 'stress', 'energies']);
    expect(calc.results.energy).toBe(-1.5);
    expect(Array.from(calc.results.forces!)).toEqual(new Array(9).fill(0.25));
    expect(Array.from(calc.results.stress!)).toEqual([1, 4, 6, 5, 3, 2]);
    const feeds = runner.feeds[0]!;
    expect(feeds.positions!.data).toBeInstanceOf(Float32Array);
    expect(feeds.numbers).toEqual({ dtype: 'int32', shape: [3], data: Int32Array.of(8, 1, 1) });
    expect(feeds.pbc!.data).toEqual(Uint8Array.of(1, 1, 1));
    expect(feeds.edge_index!.data).toBeInstanceOf(BigInt64Array);
    // Every pair within 6 Å in a 4 Å box, both directions, periodic images included.
    const e = feeds.edge_index!.shape[1]!;
    expect(feeds.edge_shift!.shape).toEqual([e, 3]);
    const index = feeds.edge_index!.data as BigInt64Array;
    const shift = feeds.edge_shift!.data as Float32Array;
    for (let k = 0; k < e; k++) {
      const i = Number(index[k]);
      const j = Number(index[e + k]);
      const r = [0, 1, 2].map(
        (c) => atoms.positions[3 * j + c]! - atoms.positions[3 * i + c]! + 4 * shift[3 * k + c]!,
      );
      expect(Math.hypot(...r)).toBeLessThan(6);
    }
    // 3 atoms with all images within 6 Å: count them directly.
    let count = 0;
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++)
        for (let a = -2; a <= 2; a++)
          for (let b = -2; b <= 2; b++)
            for (let c = -2; c <= 2; c++) {
              if (i === j && a === 0 && b === 0 && c === 0) continue;
              const r = [a, b, c].map(
                (s, k) => atoms.positions[3 * j + k]! - atoms.positions[3 * i + k]! + 4 * s,
              );
              if (Math.hypot(...r) < 6) count++;
            }
    expect(e).toBe(count);
  });

  it('refuses structures the model cannot take', async () => {
    const molecular = new TeacherCalculator(
      checkTeacherSignature(MOLECULAR, 'm.onnx'),
      new FakeRunner(),
    );
    expect(molecular.name).toBe('teacher:m.onnx');
    await expect(molecular.calculate(water(), ['energy'])).rejects.toThrow(
      'teacher:m.onnx takes no cell (non-periodic structures only), but the structure has pbc [true, true, true]',
    );
    await expect(molecular.calculate(water(), ['stress'])).rejects.toBeInstanceOf(
      PropertyNotImplementedError,
    );
    const periodic = new TeacherCalculator(
      checkTeacherSignature(PERIODIC, 'o.onnx'),
      new FakeRunner(),
    );
    const carbon = water();
    carbon.numbers[0] = 6;
    await expect(periodic.calculate(carbon, ['energy'])).rejects.toBeInstanceOf(InvalidInputError);
    const slab = water();
    slab.pbc = [true, true, false];
    await expect(periodic.calculate(slab, ['stress'])).rejects.toBeInstanceOf(
      PropertyNotImplementedError,
    );
    await periodic.calculate(slab, ['energy', 'forces']);
  });

  it('a model with a cell but neither pbc nor edge_index takes fully periodic structures only', async () => {
    // As torch.onnx.export writes a single-element model that ignores pbc: no numbers, no pbc.
    const found: TeacherSignature = {
      ...MOLECULAR,
      inputs: [t('positions', 'float64', ['n_atoms', 3]), t('cell', 'float64', [3, 3])],
    };
    const runner = new FakeRunner();
    const calc = new TeacherCalculator(checkTeacherSignature(found, 'bulk.onnx'), runner);
    await calc.calculate(water(), ['energy']);
    expect(Object.keys(runner.feeds[0]!)).toEqual(['positions', 'cell']);
    const slab = water();
    slab.pbc = [true, true, false];
    await expect(calc.calculate(slab, ['energy'])).rejects.toThrow(
      'teacher:bulk.onnx takes a cell but neither pbc nor edge_index (fully periodic structures only), but the structure has pbc [true, true, false]',
    );
  });

  it('refuses outputs of the wrong shape at run time', async () => {
    const calc = new TeacherCalculator(
      checkTeacherSignature(MOLECULAR, 'm.onnx'),
      new FakeRunner((n) => [n, 4]),
    );
    const atoms = water();
    atoms.pbc = [false, false, false];
    const error = await calc.calculate(atoms, ['forces']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TeacherContractError);
    expect((error as Error).message).toBe(
      "m.onnx: output 'forces' has shape [3,4] for 3 atoms; expected [3,3] (at run time)",
    );
  });
});
