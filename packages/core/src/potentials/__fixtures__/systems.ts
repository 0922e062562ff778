/**
 * Test structures for pair potentials and the ASE cross-check shared by the potential and
 * model tests. Deterministic: every builder takes a seed.
 */

import { Atoms } from '../../atoms.js';
import { fccCrystal } from '../../build/crystal.js';
import type { CalculatorResults } from '../../calculator/calculator.js';
import { cellFromParameters, cellHeights } from '../../cell.js';
import { Random } from '../../random.js';
import { runAsePython } from '../../testing/python.js';

/** A deterministic stream of uniform doubles in [0, 1) (core's seeded Random). */
export function uniformStream(seed: number): () => number {
  const random = new Random(seed);
  return () => random.uniform();
}

/**
 * fcc crystal, `repeat`³ conventional cells of lattice constant a (Å), periodic, rattled by a
 * Gaussian of `noise` Å per coordinate ("thermal" displacements).
 */
export function fcc(symbol: string, a: number, repeat: number, noise: number, seed: number): Atoms {
  return fccCrystal(symbol, a, repeat, { rattle: noise, seed });
}

/**
 * A roughly spherical cluster cut from an fcc lattice (nearest-neighbour distance `d` Å),
 * the `count` sites closest to the origin, rattled by `noise` Å. No cell, not periodic.
 */
export function cluster(
  symbol: string,
  d: number,
  count: number,
  noise: number,
  seed: number,
): Atoms {
  const random = new Random(seed);
  const g = () => random.normal();
  const a = d * Math.SQRT2;
  const sites: [number, number, number][] = [];
  for (let x = -3; x <= 3; x++) {
    for (let y = -3; y <= 3; y++) {
      for (let z = -3; z <= 3; z++) {
        if ((x + y + z) % 2 !== 0) continue;
        sites.push([(x * a) / 2, (y * a) / 2, (z * a) / 2]);
      }
    }
  }
  sites.sort((p, q) => Math.hypot(...p) - Math.hypot(...q));
  const positions = sites.slice(0, count).flatMap((p) => p.map((c) => c + noise * g()));
  return new Atoms({ symbols: new Array(count).fill(symbol), positions });
}

/**
 * `count` atoms at random in a cell (three rows, Å), no two closer than `dmin` Å over all
 * periodic images (rejection sampling), with the given pbc.
 */
export function randomInCell(
  symbol: string,
  cell: Float64Array,
  pbc: [boolean, boolean, boolean],
  count: number,
  dmin: number,
  seed: number,
): Atoms {
  const rng = uniformStream(seed);
  const h = cellHeights(cell);
  const range = [0, 1, 2].map((k) => (pbc[k] ? Math.ceil(dmin / h[k]!) + 1 : 0));
  const positions: number[] = [];
  let attempts = 0;
  while (positions.length < 3 * count) {
    if (++attempts > 100_000) throw new Error('randomInCell: could not place the atoms');
    const s = [rng(), rng(), rng()];
    const x = [0, 1, 2].map((k) => s[0]! * cell[k]! + s[1]! * cell[3 + k]! + s[2]! * cell[6 + k]!);
    let ok = true;
    // Against the atoms already placed and against its own images.
    for (let b = 0; b <= positions.length / 3 && ok; b++) {
      const y = b < positions.length / 3 ? positions.slice(3 * b, 3 * b + 3) : x;
      for (let i = -range[0]!; i <= range[0]! && ok; i++) {
        for (let j = -range[1]!; j <= range[1]! && ok; j++) {
          for (let k = -range[2]!; k <= range[2]! && ok; k++) {
            if (b === positions.length / 3 && i === 0 && j === 0 && k === 0) continue;
            let r2 = 0;
            for (let c = 0; c < 3; c++) {
              const dd = y[c]! + i * cell[c]! + j * cell[3 + c]! + k * cell[6 + c]! - x[c]!;
              r2 += dd * dd;
            }
            if (r2 < dmin * dmin) ok = false;
          }
        }
      }
    }
    if (ok) positions.push(...x);
  }
  return new Atoms({ symbols: new Array(count).fill(symbol), positions, cell, pbc });
}

/** A skewed triclinic cell (angles 50°, 70°, 100°), lengths scaled by `scale`. */
export function skewedCell(scale: number): Float64Array {
  return cellFromParameters(6 * scale, 7 * scale, 8 * scale, 50, 70, 100);
}

/** What the ASE script returns for one structure (absent properties are missing). */
export interface AseResults {
  energy: number;
  forces: Float64Array;
  energies?: Float64Array;
  stress?: Float64Array;
  stresses?: Float64Array;
}

/** A structure and the ASE calculator to evaluate it with. */
export interface AseJob {
  atoms: Atoms;
  calculator: 'lj' | 'morse';
  parameters: Record<string, number | boolean>;
}

const ASE_SCRIPT = `
import json, sys
import numpy as np
from ase import Atoms
from ase.calculators.lj import LennardJones
from ase.calculators.morse import MorsePotential, fcut, fcut_d
from ase.neighborlist import neighbor_list
from ase.stress import full_3x3_to_voigt_6_stress

def as_list(a):
    return None if a is None else np.asarray(a, dtype=float).ravel().tolist()

out = []
for job in json.load(sys.stdin):
    atoms = Atoms(numbers=job['numbers'], positions=np.reshape(job['positions'], (-1, 3)),
                  cell=np.reshape(job['cell'], (3, 3)), pbc=job['pbc'])
    p = job['parameters']
    if job['calculator'] == 'lj':
        calc = LennardJones(**p)
        calc.calculate(atoms)
        r = calc.results
        out.append({'energy': float(r['energy']), 'forces': as_list(r['forces']),
                    'energies': as_list(r['energies']), 'stress': as_list(r.get('stress')),
                    'stresses': as_list(r.get('stresses'))})
    else:
        calc = MorsePotential(**p)
        calc.calculate(atoms, ['energy', 'forces'])
        r = calc.results
        item = {'energy': float(r['energy']), 'forces': as_list(r['forces'])}
        # ASE 3.22.1's MorsePotential has no per-atom energies or stress: build them from
        # its own pair list and pair terms (the same i, j, d, D and fcut/fcut_d as its
        # calculate), half of each directed pair to atom i, virial from the upper triangle.
        eps, rho0, r0 = calc.parameters.epsilon, calc.parameters.rho0, calc.parameters.r0
        rcut1, rcut2 = calc.parameters.rcut1 * r0, calc.parameters.rcut2 * r0
        i, j, d, D = neighbor_list('ijdD', atoms, rcut2)
        expf = np.exp(rho0 * (1.0 - d / r0))
        fc = fcut(d, rcut1, rcut2)
        E = eps * expf * (expf - 2)
        dE = -2 * eps * rho0 / r0 * expf * (expf - 1)
        F = ((dE * fc + E * fcut_d(d, rcut1, rcut2)) / d)[:, None] * D
        item['energies'] = as_list(0.5 * np.bincount(i, weights=E * fc, minlength=len(atoms)))
        if atoms.cell.rank == 3:
            per_pair = 0.5 * F[:, :, None] * D[:, None, :]
            per_atom = np.zeros((len(atoms), 3, 3))
            np.add.at(per_atom, i, per_pair)
            v = atoms.get_volume()
            item['stress'] = as_list(full_3x3_to_voigt_6_stress(per_atom.sum(0)) / v)
            item['stresses'] = as_list(full_3x3_to_voigt_6_stress(per_atom) / v)
        out.append(item)
json.dump(out, sys.stdout)
`;

/** Evaluates every job with ASE 3.22.1 in one Python process. */
export function aseReference(jobs: readonly AseJob[]): AseResults[] {
  const input = JSON.stringify(
    jobs.map((j) => ({
      numbers: Array.from(j.atoms.numbers),
      positions: Array.from(j.atoms.positions),
      cell: Array.from(j.atoms.cell),
      pbc: j.atoms.pbc,
      calculator: j.calculator,
      parameters: j.parameters,
    })),
  );
  const raw = JSON.parse(runAsePython(ASE_SCRIPT, input)) as Record<
    string,
    number | number[] | null
  >[];
  return raw.map((r) => {
    const out: AseResults = {
      energy: r.energy as number,
      forces: Float64Array.from(r.forces as number[]),
    };
    for (const key of ['energies', 'stress', 'stresses'] as const) {
      if (r[key]) out[key] = Float64Array.from(r[key] as number[]);
    }
    return out;
  });
}

/** max |a − b| / max |b|: the relative error of an array against a reference. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

/** The properties of results that a reference has, as relative errors (energy: |Δ|/|E|). */
export function compareWithAse(ours: CalculatorResults, ase: AseResults): Record<string, number> {
  const errors: Record<string, number> = {
    energy: Math.abs(ours.energy! - ase.energy) / Math.abs(ase.energy),
    forces: relativeError(ours.forces!, ase.forces),
  };
  for (const key of ['energies', 'stress', 'stresses'] as const) {
    if (ase[key]) errors[key] = relativeError(ours[key]!, ase[key]);
  }
  return errors;
}
