/**
 * A real tfjs graph model written by hand: Lennard-Jones over all pairs of a non-periodic
 * structure, with its analytic (conservative) forces and per-atom energies, as
 * `tensorflowjs_converter` would write it from a SavedModel: `model.json` holding a GraphDef
 * (`modelTopology`) of ops tfjs-converter 4.22 executes, a serving `signature` with the
 * contract's names and the `mlffd.*` metadata in `userDefinedMetadata`, plus one weight shard
 * (float32 parameters, int32 axes).
 *
 * With d_ij = x_j − x_i (ExpandDims/Sub broadcasting, [n,n,3]), r²_ij = Σ_k d²_ijk, the
 * diagonal masked with I = MatrixBandPart(OnesLike(r²), 0, 0) (r² + I keeps the division
 * finite there, (1 − I) zeroes the terms), s = σ²/r², t = s⁶ − s³:
 *
 * - energies_i = 2ε Σ_j t_ij (half of each pair to each atom), energy = Σ_i energies_i;
 * - forces_i = Σ_j g_ij d_ij with g = −24ε(2s⁶ − s³)/r² = φ'(r)/r, i.e. −∂E/∂x_i.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Argon (eV, Å), as backend-onnx's LJ teachers. */
export const ARGON = { epsilon: 0.0104, sigma: 3.405 } as const;

/** Options of {@link ljGraphModel}. */
export interface LjGraphModelOptions {
  /** TensorFlow type of positions and of the float tensors. Default `'DT_FLOAT'`. */
  floatType?: 'DT_FLOAT' | 'DT_DOUBLE';
  /** TensorFlow type of `numbers`. Default `'DT_INT64'` (what a TF model usually takes). */
  numbersType?: 'DT_INT32' | 'DT_INT64';
  /** Declared shape of the `forces` output in the signature. Default `[-1, 3]`. */
  forcesShape?: readonly number[];
  /** `mlffd.*` metadata. Default teacher v1, conservative forces, species 18. */
  metadata?: Record<string, string>;
}

const shape = (dims: readonly number[]) => ({ dim: dims.map((d) => ({ size: String(d) })) });

/** One weight: its name, dtype and values, in shard order. */
interface Weight {
  name: string;
  dtype: 'float32' | 'int32';
  shape: number[];
  values: number[];
}

/** `model.json` and the weight shard of the LJ teacher. */
export function ljGraphModel(options: LjGraphModelOptions = {}): {
  modelJson: Record<string, unknown>;
  shard: Uint8Array;
} {
  const F = options.floatType ?? 'DT_FLOAT';
  const { epsilon, sigma } = ARGON;
  const weights: Weight[] = [
    { name: 'lj/sigma2', dtype: 'float32', shape: [], values: [sigma * sigma] },
    { name: 'lj/two_eps', dtype: 'float32', shape: [], values: [2 * epsilon] },
    { name: 'lj/minus_24_eps', dtype: 'float32', shape: [], values: [-24 * epsilon] },
    { name: 'axis/0', dtype: 'int32', shape: [], values: [0] },
    { name: 'axis/1', dtype: 'int32', shape: [], values: [1] },
    { name: 'axis/2', dtype: 'int32', shape: [], values: [2] },
    { name: 'axes/01', dtype: 'int32', shape: [2], values: [0, 1] },
    { name: 'band/0', dtype: 'int32', shape: [], values: [0] },
  ];
  const T = { T: { type: F } };
  const op = (name: string, o: string, input: string[], attr: Record<string, unknown> = T) => ({
    name,
    op: o,
    input,
    attr,
  });
  const sum = (name: string, x: string, axes: string) =>
    op(name, 'Sum', [x, axes], { ...T, Tidx: { type: 'DT_INT32' }, keep_dims: { b: false } });
  const expand = (name: string, x: string, axis: string) =>
    op(name, 'ExpandDims', [x, axis], { ...T, Tdim: { type: 'DT_INT32' } });
  const nodes = [
    {
      name: 'positions',
      op: 'Placeholder',
      attr: { dtype: { type: F }, shape: { shape: shape([-1, 3]) } },
    },
    {
      name: 'numbers',
      op: 'Placeholder',
      attr: { dtype: { type: options.numbersType ?? 'DT_INT64' }, shape: { shape: shape([-1]) } },
    },
    ...weights.map((w) => ({
      name: w.name,
      op: 'Const',
      attr: {
        dtype: { type: w.dtype === 'int32' ? 'DT_INT32' : F },
        value: { tensor: { dtype: w.dtype === 'int32' ? 'DT_INT32' : F, tensorShape: {} } },
      },
    })),
    expand('pair/xi', 'positions', 'axis/1'), // [n,1,3]
    expand('pair/xj', 'positions', 'axis/0'), // [1,n,3]
    op('pair/d', 'Sub', ['pair/xj', 'pair/xi']), // [n,n,3]: x_j − x_i
    op('pair/d2', 'Square', ['pair/d']),
    sum('pair/r2', 'pair/d2', 'axis/2'), // [n,n]
    op('mask/ones', 'OnesLike', ['pair/r2']),
    op('mask/eye', 'MatrixBandPart', ['mask/ones', 'band/0', 'band/0'], {
      ...T,
      Tindex: { type: 'DT_INT32' },
    }),
    op('mask/off', 'Sub', ['mask/ones', 'mask/eye']),
    op('pair/r2s', 'AddV2', ['pair/r2', 'mask/eye']),
    op('lj/s2', 'RealDiv', ['lj/sigma2', 'pair/r2s']),
    op('lj/s4', 'Square', ['lj/s2']),
    op('lj/s6', 'Mul', ['lj/s4', 'lj/s2']),
    op('lj/s12', 'Square', ['lj/s6']),
    op('lj/t', 'Sub', ['lj/s12', 'lj/s6']),
    op('lj/t_off', 'Mul', ['lj/t', 'mask/off']),
    sum('energy/sum', 'lj/t_off', 'axes/01'),
    op('Identity', 'Mul', ['energy/sum', 'lj/two_eps']), // energy []
    sum('energies/sum', 'lj/t_off', 'axis/1'),
    op('Identity_2', 'Mul', ['energies/sum', 'lj/two_eps']), // energies [n]
    op('force/u', 'AddV2', ['lj/s12', 'lj/t']), // 2s⁶ − s³
    op('force/u_off', 'Mul', ['force/u', 'mask/off']),
    op('force/q', 'RealDiv', ['force/u_off', 'pair/r2s']),
    op('force/g', 'Mul', ['force/q', 'lj/minus_24_eps']), // φ'(r)/r
    expand('force/g3', 'force/g', 'axis/2'), // [n,n,1]
    op('force/gd', 'Mul', ['force/g3', 'pair/d']),
    sum('Identity_1', 'force/gd', 'axis/1'), // forces [n,3]
  ];
  const modelJson = {
    format: 'graph-model',
    generatedBy: '2.15.0',
    convertedBy: 'hand-written (backend-tfjs tests), as TensorFlow.js Converter v4.22.0',
    signature: {
      inputs: {
        positions: { name: 'positions:0', dtype: F, tensorShape: shape([-1, 3]) },
        numbers: {
          name: 'numbers:0',
          dtype: options.numbersType ?? 'DT_INT64',
          tensorShape: shape([-1]),
        },
      },
      outputs: {
        energy: { name: 'Identity:0', dtype: F, tensorShape: shape([]) },
        forces: {
          name: 'Identity_1:0',
          dtype: F,
          tensorShape: shape(options.forcesShape ?? [-1, 3]),
        },
        energies: { name: 'Identity_2:0', dtype: F, tensorShape: shape([-1]) },
      },
    },
    userDefinedMetadata: {
      // What `tensorflowjs_converter --metadata mlffd:teacher-metadata.json` writes.
      mlffd: options.metadata ?? {
        'mlffd.teacher': 'v1',
        'mlffd.forces': 'conservative',
        'mlffd.species': '18',
      },
    },
    modelTopology: { node: nodes, library: {}, versions: { producer: 1482 } },
    weightsManifest: [
      {
        paths: ['group1-shard1of1.bin'],
        weights: weights.map(({ name, dtype, shape }) => ({ name, shape, dtype })),
      },
    ],
  };
  const shard = new Uint8Array(4 * weights.reduce((n, w) => n + w.values.length, 0));
  const view = new DataView(shard.buffer);
  let offset = 0;
  for (const w of weights) {
    for (const v of w.values) {
      if (w.dtype === 'int32') view.setInt32(offset, v, true);
      else view.setFloat32(offset, v, true);
      offset += 4;
    }
  }
  return { modelJson, shard };
}

/** Writes {@link ljGraphModel} as `<dir>/model.json` + `<dir>/group1-shard1of1.bin`; returns `dir`. */
export async function writeLjGraphModel(
  dir: string,
  options: LjGraphModelOptions = {},
): Promise<string> {
  const { modelJson, shard } = ljGraphModel(options);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'model.json'), JSON.stringify(modelJson, null, 1));
  await writeFile(join(dir, 'group1-shard1of1.bin'), shard);
  return dir;
}

/** Lennard-Jones over all pairs in float64, the reference: energy, per-atom energies, forces. */
export function ljReference(positions: ArrayLike<number>): {
  energy: number;
  energies: Float64Array;
  forces: Float64Array;
  /** Σ over pairs of |φ|: the scale of the energy's rounding error. */
  energyScale: number;
  /** Per atom, Σ_j |φ'(r_ij)|: the scale of the rounding error of its force components. */
  forceScale: Float64Array;
} {
  const { epsilon, sigma } = ARGON;
  const n = positions.length / 3;
  const energies = new Float64Array(n);
  const forces = new Float64Array(3 * n);
  const forceScale = new Float64Array(n);
  let energy = 0;
  let energyScale = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const d = [0, 1, 2].map((k) => positions[3 * j + k]! - positions[3 * i + k]!);
      const r2 = d[0]! ** 2 + d[1]! ** 2 + d[2]! ** 2;
      const s6 = ((sigma * sigma) / r2) ** 3;
      const phi = 4 * epsilon * (s6 * s6 - s6);
      const g = (-24 * epsilon * (2 * s6 * s6 - s6)) / r2; // φ'(r)/r
      energy += phi;
      energyScale += Math.abs(phi);
      energies[i] += phi / 2;
      energies[j] += phi / 2;
      for (let k = 0; k < 3; k++) {
        forces[3 * i + k] += g * d[k]!;
        forces[3 * j + k] -= g * d[k]!;
      }
      const dphi = Math.abs(g) * Math.sqrt(r2);
      forceScale[i] += dphi;
      forceScale[j] += dphi;
    }
  }
  return { energy, energies, forces, energyScale, forceScale };
}
