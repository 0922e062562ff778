import { describe, expect, it } from 'vitest';
import { Atoms } from '../atoms.js';
import { ALL_PROPERTIES, type Calculator, type PropertyName } from '../calculator/calculator.js';
import { cellRank, cellVolume } from '../cell.js';
import { PropertyNotImplementedError } from '../errors.js';
import { quaternionRotation } from '../quaternion-rotation.js';
import { VOIGT_PAIRS } from '../voigt.js';

/** The checks of {@link describeCalculatorConformance}, by name (for `skip`). */
export type ConformanceCheck =
  | 'shapes'
  | 'caching'
  | 'forces'
  | 'stress'
  | 'translation'
  | 'rotation'
  | 'permutation'
  | 'energies'
  | 'not-implemented';

/**
 * Tolerances of {@link describeCalculatorConformance}. All are absolute. The defaults suit a
 * float64 calculator on small systems (tens of atoms, energies of tens of eV); a float32
 * model needs larger steps and tolerances (rounding noise of the energy, ~1e-7·|E|, divided
 * by the step, must stay well below the force tolerance).
 */
export interface ConformanceTolerance {
  /** Energy differences in eV between equivalent structures (invariances, Σ energies). Default 1e-8. */
  energy?: number;
  /** Force differences in eV/Å (finite differences and invariances). Default 1e-6. */
  forces?: number;
  /** Stress differences in eV/Å³ (finite strain and invariances). Default 1e-8 (≈ 1.6 kPa). */
  stress?: number;
  /** Displacement in Å for central differences of the energy. Default 1e-4. */
  forceStep?: number;
  /** Strain (dimensionless) for central differences of the energy. Default 1e-5. */
  strainStep?: number;
  /** Atoms whose forces are checked by finite differences, per system (spread over the structure). Default 8. */
  finiteDifferenceAtoms?: number;
}

/** Options of {@link describeCalculatorConformance}. */
export interface CalculatorConformanceOptions {
  /** Builds a fresh calculator; called once per check and disposed afterwards. */
  create: () => Calculator | Promise<Calculator>;
  /**
   * Small structures to check (periodic and/or molecular), built afresh for every check. For
   * calculators with a force discontinuity (a shifted pair potential), keep every pair
   * distance farther than `forceStep` from it, or the finite differences see the jump.
   */
  systems: () => Atoms[];
  /** Tolerances; see {@link ConformanceTolerance} for the defaults and why. */
  tolerance?: ConformanceTolerance;
  /** Checks to leave out, e.g. `['rotation']` for a calculator with an external field. */
  skip?: readonly ConformanceCheck[];
}

const DEFAULTS: Required<ConformanceTolerance> = {
  // Float64 rounding of a sum of ~1000 pair terms of ~0.1 eV is ~1e-13 eV; 1e-8 leaves room
  // for reordered sums in other calculators while catching any real error.
  energy: 1e-8,
  // Central differences: truncation h²/6·E''' (E''' ≲ 100 eV/Å³ for stiff pairs gives
  // ~2e-7 at h = 1e-4 Å), rounding ~1e-16·|E|/h ≈ 1e-11 for |E| ≈ 10 eV. 1e-6 eV/Å sits
  // above both and far below any real error (a wrong sign or factor is ~0.1 eV/Å).
  forces: 1e-6,
  // Finite strain: rounding ~1e-16·|E|/(δ·V) is ~1e-13 eV/Å³ at δ = 1e-5; truncation
  // δ²/6·(∂³E/∂ε³)/V, with ∂³E/∂ε³ ~ Σ_pairs r³·u‴ (~1e2 eV per pair for a stiff, metal-like
  // pair at 2.5 Å), stays below ~2e-9 eV/Å³ for tens of atoms in a few hundred Å³.
  // 1e-8 eV/Å³ (1.6 kPa) is ~1e-4 of a typical stress: tight enough to catch a wrong
  // component or factor.
  stress: 1e-8,
  forceStep: 1e-4,
  strainStep: 1e-5,
  finiteDifferenceAtoms: 8,
};

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function describeSystem(atoms: Atoms, index: number): string {
  return `system ${index} (${atoms.getChemicalFormula()}, pbc ${atoms.pbc.map((p) => (p ? 'T' : 'F')).join('')})`;
}

/** Fully periodic with a three-dimensional cell: the systems where stress is checked. */
function isBulk(atoms: Atoms): boolean {
  return atoms.pbc.every(Boolean) && cellRank(atoms.cell) === 3;
}

/** A rotation matrix (row-major 3×3) from a fixed, non-trivial quaternion. */
function rotationMatrix(): Float64Array {
  return quaternionRotation(0.8, 0.3, -0.4, 0.35);
}

/** Applies a row-major 3×3 matrix to every 3-vector of `v` (length 3k): v'_a = M·v_a. */
function applyToVectors(m: Float64Array, v: ArrayLike<number>): Float64Array {
  const out = new Float64Array(v.length);
  for (let a = 0; a < v.length; a += 3) {
    for (let r = 0; r < 3; r++) {
      out[a + r] = m[3 * r]! * v[a]! + m[3 * r + 1]! * v[a + 1]! + m[3 * r + 2]! * v[a + 2]!;
    }
  }
  return out;
}

/** Voigt stress of R·σ·Rᵀ. */
function rotateStress(r: Float64Array, voigt: ArrayLike<number>): Float64Array {
  const s = new Float64Array(9);
  VOIGT_PAIRS.forEach(([a, b], k) => {
    s[3 * a + b] = voigt[k]!;
    s[3 * b + a] = voigt[k]!;
  });
  const out = new Float64Array(6);
  VOIGT_PAIRS.forEach(([a, b], k) => {
    let sum = 0;
    for (let c = 0; c < 3; c++)
      for (let d = 0; d < 3; d++) sum += r[3 * a + c]! * s[3 * c + d]! * r[3 * b + d]!;
    out[k] = sum;
  });
  return out;
}

/** Indices of up to `count` atoms spread evenly over 0..n−1. */
function spreadIndices(n: number, count: number): number[] {
  if (n <= count) return Array.from({ length: n }, (_, i) => i);
  const out = new Set<number>();
  for (let k = 0; k < count; k++) out.add(Math.round((k * (n - 1)) / (count - 1)));
  return [...out];
}

/** A fixed permutation of n atoms that moves every atom when n > 1 (reversal, then a rotation by one). */
function permutation(n: number): number[] {
  const perm = Array.from({ length: n }, (_, i) => n - 1 - i);
  if (n > 2) perm.push(perm.shift()!);
  return perm;
}

/** Atoms with atom k of the result equal to atom perm[k] of the input. */
function permuteAtoms(atoms: Atoms, perm: readonly number[]): Atoms {
  const positions = new Float64Array(3 * atoms.length);
  perm.forEach((src, k) => {
    for (let c = 0; c < 3; c++) positions[3 * k + c] = atoms.positions[3 * src + c]!;
  });
  return new Atoms({
    numbers: perm.map((src) => atoms.numbers[src]!),
    masses: perm.map((src) => atoms.masses[src]!),
    positions,
    cell: atoms.cell,
    pbc: atoms.pbc,
  });
}

/**
 * Counts recalculations: through `doCalculate` when the calculator has one (every
 * {@link BaseCalculator}), otherwise by the identity of `results` (which a calculation
 * replaces and a cache hit leaves alone).
 */
function recalculationProbe(
  calc: Calculator,
): (action: () => Promise<unknown>) => Promise<boolean> {
  const target = calc as unknown as { doCalculate?: (...args: unknown[]) => unknown };
  if (typeof target.doCalculate === 'function') {
    let count = 0;
    const original = target.doCalculate;
    target.doCalculate = function (this: unknown, ...args: unknown[]) {
      count++;
      return original.apply(this, args);
    };
    return async (action) => {
      const before = count;
      await action();
      return count > before;
    };
  }
  return async (action) => {
    const before = calc.results;
    await action();
    return calc.results !== before;
  };
}

/**
 * Registers, with vitest, the checks every calculator must pass (ASE semantics and
 * physics), as tfjs's `describeWithFlags` does for backends. For each system:
 *
 * - `shapes`: energy and free_energy are finite numbers; forces, energies, stress and
 *   stresses are finite Float64Arrays of lengths 3N, N, 6, 6N; getters return copies.
 * - `caching`: asking again for the same structure (or an equal copy) does not recalculate;
 *   changing positions, numbers, cell or pbc does.
 * - `forces`: forces equal −∂E/∂x by central differences.
 * - `stress` (fully periodic 3-D cells): σ = (1/V)·∂E/∂ε by central differences of a
 *   symmetric strain ε applied to cell and positions (x → x·(1 + ε)).
 * - `translation`: energy, forces (and stress) unchanged by a translation (then a wrap into
 *   the cell when periodic); forces sum to zero.
 * - `rotation`: rotating positions and cell together leaves the energy unchanged and rotates
 *   forces (R·F) and stress (R·σ·Rᵀ).
 * - `permutation`: relabelling atoms permutes forces and per-atom energies, keeps the energy.
 * - `energies`: per-atom energies sum to the energy, per-atom stresses to the stress.
 * - `not-implemented`: unimplemented properties, and stress without a 3-D cell, throw
 *   PropertyNotImplementedError.
 *
 * Must be called at the top level of a test file or inside a `describe`.
 */
export function describeCalculatorConformance(
  name: string,
  options: CalculatorConformanceOptions,
): void {
  const tol = { ...DEFAULTS, ...(options.tolerance ?? {}) };
  const skip = new Set(options.skip ?? []);

  /** Runs `body` with a fresh calculator and disposes of it. */
  const withCalculator = async (body: (calc: Calculator) => Promise<void>): Promise<void> => {
    const calc = await options.create();
    try {
      await body(calc);
    } finally {
      await calc.dispose?.();
    }
  };
  const check = (
    what: ConformanceCheck,
    title: string,
    body: (calc: Calculator) => Promise<void>,
  ) => {
    (skip.has(what) ? it.skip : it)(`${what}: ${title}`, () => withCalculator(body));
  };
  const has = (calc: Calculator, p: PropertyName) => calc.implementedProperties.includes(p);

  describe(`${name}: calculator conformance`, () => {
    it('has systems to check', () => {
      expect(options.systems().length).toBeGreaterThan(0);
    });

    check(
      'shapes',
      'property shapes, types and finiteness; getters return copies',
      async (calc) => {
        expect(has(calc, 'energy'), 'every calculator implements energy').toBe(true);
        for (const [index, atoms] of options.systems().entries()) {
          const where = describeSystem(atoms, index);
          const n = atoms.length;
          const wanted = calc.implementedProperties.filter(
            (p) => (p !== 'stress' && p !== 'stresses') || isBulk(atoms),
          );
          await calc.calculate(atoms, wanted);
          const lengths: Record<Exclude<PropertyName, 'energy' | 'free_energy'>, number> = {
            forces: 3 * n,
            energies: n,
            stress: 6,
            stresses: 6 * n,
          };
          for (const p of wanted) {
            const value = calc.results[p];
            if (p === 'energy' || p === 'free_energy') {
              expect(typeof value, `${where}: ${p} is a number`).toBe('number');
              expect(Number.isFinite(value), `${where}: ${p} is finite`).toBe(true);
              continue;
            }
            expect(value, `${where}: ${p} is a Float64Array`).toBeInstanceOf(Float64Array);
            const array = value as Float64Array;
            expect(array.length, `${where}: length of ${p}`).toBe(lengths[p]);
            expect(array.every(Number.isFinite), `${where}: ${p} is finite`).toBe(true);
            const copy = (await calc.getProperty(p, atoms)) as Float64Array;
            expect(copy, `${where}: getProperty('${p}') returns a copy`).not.toBe(array);
            copy.fill(Number.NaN);
            expect(
              (calc.results[p] as Float64Array).every(Number.isFinite),
              `${where}: ${p} survives a caller's edit`,
            ).toBe(true);
          }
          expect(await calc.getPotentialEnergy(atoms)).toBe(calc.results.energy);
          if (has(calc, 'forces')) {
            const f = await calc.getForces(atoms);
            expect(Array.from(f)).toEqual(Array.from(calc.results.forces!));
          }
        }
      },
    );

    check(
      'caching',
      'no recalculation for the same structure; positions, numbers, cell, pbc changes recalculate',
      async (calc) => {
        const recalculates = recalculationProbe(calc);
        const props: PropertyName[] = has(calc, 'forces') ? ['energy', 'forces'] : ['energy'];
        for (const [index, original] of options.systems().entries()) {
          const where = describeSystem(original, index);
          const atoms = original.copy();
          expect(
            await recalculates(() => calc.calculate(atoms, props)),
            `${where}: first call`,
          ).toBe(true);
          const energy = calc.results.energy!;
          expect(
            await recalculates(() => calc.calculate(atoms, props)),
            `${where}: same atoms`,
          ).toBe(false);
          expect(
            await recalculates(() => calc.calculate(atoms.copy(), props)),
            `${where}: equal copy`,
          ).toBe(false);
          expect(
            await recalculates(() => calc.getPotentialEnergy(atoms)),
            `${where}: getPotentialEnergy`,
          ).toBe(false);
          if (has(calc, 'forces')) {
            expect(await recalculates(() => calc.getForces(atoms)), `${where}: getForces`).toBe(
              false,
            );
          }
          expect(calc.results.energy).toBe(energy);

          const moved = atoms.copy();
          moved.positions[0]! += 0.01;
          expect(
            await recalculates(() => calc.calculate(moved, props)),
            `${where}: positions changed`,
          ).toBe(true);
          expect(calc.results.energy, `${where}: moving an atom changes the energy`).not.toBe(
            energy,
          );
          expect(
            await recalculates(() => calc.calculate(atoms, props)),
            `${where}: positions back`,
          ).toBe(true);
          expect(
            Math.abs(calc.results.energy! - energy),
            `${where}: same structure, same energy`,
          ).toBeLessThanOrEqual(tol.energy);

          // Another element: swap two different species when there are two, otherwise change
          // one atom's number. A calculator may reject an element it does not know: that
          // still proves the cached result was not served.
          const renumbered = atoms.copy();
          const other = Array.from(renumbered.numbers).findIndex(
            (z) => z !== renumbered.numbers[0],
          );
          if (other > 0) {
            const z = renumbered.numbers[0]!;
            renumbered.numbers[0] = renumbered.numbers[other]!;
            renumbered.numbers[other] = z;
          } else {
            renumbered.numbers[0] = renumbered.numbers[0] === 1 ? 2 : 1;
          }
          let rejected = false;
          const renumberedRecalculates = await recalculates(() =>
            calc.calculate(renumbered, props).catch(() => {
              rejected = true;
            }),
          );
          expect(renumberedRecalculates || rejected, `${where}: numbers changed`).toBe(true);
          await calc.calculate(atoms, props);

          const recelled = atoms.copy();
          if (cellRank(recelled.cell) > 0)
            recelled.setCell(Array.from(recelled.cell, (x) => 1.001 * x));
          else recelled.setCell([50, 50, 50]);
          expect(
            await recalculates(() => calc.calculate(recelled, props)),
            `${where}: cell changed`,
          ).toBe(true);
          await calc.calculate(atoms, props);

          if (cellRank(atoms.cell) === 3) {
            const repbc = atoms.copy();
            repbc.pbc = [!repbc.pbc[0], repbc.pbc[1], repbc.pbc[2]];
            expect(
              await recalculates(() => calc.calculate(repbc, props)),
              `${where}: pbc changed`,
            ).toBe(true);
          }
        }
      },
    );

    check('forces', 'forces equal −∂E/∂x (central differences)', async (calc) => {
      if (!has(calc, 'forces')) return;
      for (const [index, original] of options.systems().entries()) {
        const where = describeSystem(original, index);
        const atoms = original.copy();
        const forces = await calc.getForces(atoms);
        const h = tol.forceStep;
        for (const a of spreadIndices(atoms.length, tol.finiteDifferenceAtoms)) {
          for (let c = 0; c < 3; c++) {
            const x = atoms.positions[3 * a + c]!;
            atoms.positions[3 * a + c] = x + h;
            const plus = await calc.getPotentialEnergy(atoms);
            atoms.positions[3 * a + c] = x - h;
            const minus = await calc.getPotentialEnergy(atoms);
            atoms.positions[3 * a + c] = x;
            const numeric = -(plus - minus) / (2 * h);
            expect(
              Math.abs(numeric - forces[3 * a + c]!),
              `${where}: atom ${a} component ${c}: analytic ${forces[3 * a + c]} vs finite difference ${numeric}`,
            ).toBeLessThanOrEqual(tol.forces);
          }
        }
      }
    });

    check(
      'stress',
      'stress equals (1/V)·∂E/∂ε for a symmetric strain of cell and positions',
      async (calc) => {
        if (!has(calc, 'stress')) return;
        for (const [index, original] of options.systems().entries()) {
          if (!isBulk(original)) continue;
          const where = describeSystem(original, index);
          const stress = await calc.getStress(original);
          const volume = cellVolume(original.cell);
          const d = tol.strainStep;
          for (let k = 0; k < 6; k++) {
            const [a, b] = VOIGT_PAIRS[k]!;
            // ε_ab = ε_ba = δ/2 off the diagonal, so that dE/dδ = V·σ_ab for a symmetric σ.
            const energyAt = async (delta: number) => {
              const deformation = Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1);
              if (a === b) deformation[3 * a + a]! += delta;
              else {
                deformation[3 * a + b]! += delta / 2;
                deformation[3 * b + a]! += delta / 2;
              }
              // Row vectors: x' = x·(1 + ε); the deformation is symmetric, so applying it as
              // a matrix to column vectors is the same.
              const strained = original.copy();
              strained.cell = applyToVectors(deformation, original.cell);
              strained.positions = applyToVectors(deformation, original.positions);
              return calc.getPotentialEnergy(strained);
            };
            const numeric = ((await energyAt(d)) - (await energyAt(-d))) / (2 * d * volume);
            expect(
              Math.abs(numeric - stress[k]!),
              `${where}: Voigt ${k}: analytic ${stress[k]} vs finite strain ${numeric} eV/Å³`,
            ).toBeLessThanOrEqual(tol.stress);
          }
        }
      },
    );

    check(
      'translation',
      'translation (and wrapping into the cell) changes nothing; forces sum to zero',
      async (calc) => {
        for (const [index, original] of options.systems().entries()) {
          const where = describeSystem(original, index);
          const props = calc.implementedProperties.filter(
            (p) => p === 'energy' || p === 'forces' || (p === 'stress' && isBulk(original)),
          );
          await calc.calculate(original, props);
          const before = { ...calc.results };
          const moved = original.copy();
          moved.translate([1.37, -2.11, 0.73]);
          // Wrapping needs fractional coordinates, hence a 3-D cell; a slab or wire with a zero
          // vector is checked with the plain translation.
          if (moved.pbc.some(Boolean) && cellRank(moved.cell) === 3) moved.wrap();
          await calc.calculate(moved, props);
          expect(
            Math.abs(calc.results.energy! - before.energy!),
            `${where}: energy`,
          ).toBeLessThanOrEqual(tol.energy);
          if (before.forces) {
            expect(
              maxAbsDiff(calc.results.forces!, before.forces),
              `${where}: forces`,
            ).toBeLessThanOrEqual(tol.forces);
            const total = [0, 0, 0];
            for (let a = 0; a < original.length; a++)
              for (let c = 0; c < 3; c++) total[c]! += before.forces[3 * a + c]!;
            expect(Math.max(...total.map(Math.abs)), `${where}: Σ forces`).toBeLessThanOrEqual(
              tol.forces,
            );
          }
          if (before.stress) {
            expect(
              maxAbsDiff(calc.results.stress!, before.stress),
              `${where}: stress`,
            ).toBeLessThanOrEqual(tol.stress);
          }
        }
      },
    );

    check(
      'rotation',
      'rotating positions and cell together rotates forces and stress, keeps the energy',
      async (calc) => {
        const r = rotationMatrix();
        for (const [index, original] of options.systems().entries()) {
          const where = describeSystem(original, index);
          const props = calc.implementedProperties.filter(
            (p) => p === 'energy' || p === 'forces' || (p === 'stress' && isBulk(original)),
          );
          await calc.calculate(original, props);
          const before = { ...calc.results };
          const rotated = original.copy();
          rotated.positions = applyToVectors(r, original.positions);
          rotated.cell = applyToVectors(r, original.cell);
          await calc.calculate(rotated, props);
          expect(
            Math.abs(calc.results.energy! - before.energy!),
            `${where}: energy`,
          ).toBeLessThanOrEqual(tol.energy);
          if (before.forces) {
            const expected = applyToVectors(r, before.forces);
            expect(
              maxAbsDiff(calc.results.forces!, expected),
              `${where}: forces`,
            ).toBeLessThanOrEqual(tol.forces);
          }
          if (before.stress) {
            const expected = rotateStress(r, before.stress);
            expect(
              maxAbsDiff(calc.results.stress!, expected),
              `${where}: stress`,
            ).toBeLessThanOrEqual(tol.stress);
          }
        }
      },
    );

    check(
      'permutation',
      'relabelling atoms permutes forces and per-atom energies',
      async (calc) => {
        for (const [index, original] of options.systems().entries()) {
          const where = describeSystem(original, index);
          const props = calc.implementedProperties.filter(
            (p) =>
              p === 'energy' ||
              p === 'forces' ||
              p === 'energies' ||
              (p === 'stress' && isBulk(original)),
          );
          await calc.calculate(original, props);
          const before = { ...calc.results };
          const perm = permutation(original.length);
          await calc.calculate(permuteAtoms(original, perm), props);
          expect(
            Math.abs(calc.results.energy! - before.energy!),
            `${where}: energy`,
          ).toBeLessThanOrEqual(tol.energy);
          if (before.forces) {
            const expected = new Float64Array(3 * original.length);
            perm.forEach((src, k) => {
              for (let c = 0; c < 3; c++) expected[3 * k + c] = before.forces![3 * src + c]!;
            });
            expect(
              maxAbsDiff(calc.results.forces!, expected),
              `${where}: forces`,
            ).toBeLessThanOrEqual(tol.forces);
          }
          if (before.energies) {
            const expected = Float64Array.from(perm, (src) => before.energies![src]!);
            expect(
              maxAbsDiff(calc.results.energies!, expected),
              `${where}: energies`,
            ).toBeLessThanOrEqual(tol.energy);
          }
          if (before.stress) {
            expect(
              maxAbsDiff(calc.results.stress!, before.stress),
              `${where}: stress`,
            ).toBeLessThanOrEqual(tol.stress);
          }
        }
      },
    );

    check(
      'energies',
      'per-atom energies sum to the energy, per-atom stresses to the stress',
      async (calc) => {
        for (const [index, atoms] of options.systems().entries()) {
          const where = describeSystem(atoms, index);
          if (has(calc, 'energies')) {
            await calc.calculate(atoms, ['energy', 'energies']);
            const sum = calc.results.energies!.reduce((s, e) => s + e, 0);
            expect(
              Math.abs(sum - calc.results.energy!),
              `${where}: Σ energies − energy`,
            ).toBeLessThanOrEqual(tol.energy);
          }
          if (has(calc, 'stresses') && has(calc, 'stress') && isBulk(atoms)) {
            await calc.calculate(atoms, ['stress', 'stresses']);
            const sum = new Float64Array(6);
            const stresses = calc.results.stresses!;
            for (let a = 0; a < atoms.length; a++)
              for (let k = 0; k < 6; k++) sum[k]! += stresses[6 * a + k]!;
            expect(
              maxAbsDiff(sum, calc.results.stress!),
              `${where}: Σ stresses − stress`,
            ).toBeLessThanOrEqual(tol.stress);
          }
        }
      },
    );

    check(
      'not-implemented',
      'unimplemented properties and stress without a 3-D cell throw PropertyNotImplementedError',
      async (calc) => {
        const missing = ALL_PROPERTIES.filter((p) => !has(calc, p));
        for (const [index, atoms] of options.systems().entries()) {
          const where = describeSystem(atoms, index);
          for (const p of missing) {
            await expect(calc.calculate(atoms, [p]), `${where}: ${p}`).rejects.toBeInstanceOf(
              PropertyNotImplementedError,
            );
            await expect(calc.getProperty(p, atoms), `${where}: ${p}`).rejects.toBeInstanceOf(
              PropertyNotImplementedError,
            );
          }
          if (has(calc, 'stress') && cellRank(atoms.cell) < 3) {
            await expect(
              calc.getStress(atoms),
              `${where}: stress without a 3-D cell`,
            ).rejects.toBeInstanceOf(PropertyNotImplementedError);
          }
        }
      },
    );
  });
}
