import { type Atoms, type Calculator, units } from '@mlff-distiller/core';

/** Energy in Hartree and gradient in Hartree/Bohr, xtb's units, from a calculator. */
export async function inXtbUnits(
  calc: Calculator,
  atoms: Atoms,
): Promise<{ energy: number; gradient: Float64Array }> {
  await calc.calculate(atoms, ['energy', 'forces']);
  const energy = calc.results.energy! / units.Hartree;
  const gradient = calc.results.forces!.map((f) => (-f * units.Bohr) / units.Hartree);
  return { energy, gradient };
}

/** max |a − b| over two arrays of equal length. */
export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} and ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** max |x| over an array. */
export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

/**
 * A copy of `atoms` with every coordinate displaced by up to `amplitude` Å in a fixed
 * pattern, so that forces are far from zero.
 */
export function displaced(atoms: Atoms, amplitude = 0.03): Atoms {
  const out = atoms.copy();
  for (let i = 0; i < out.positions.length; i++)
    out.positions[i]! += amplitude * Math.sin(1.7 * i + 0.3);
  return out;
}
