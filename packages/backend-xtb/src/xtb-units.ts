import { units, VOIGT_PAIRS } from '@mlff-distiller/core';

/**
 * Lengths in Å (positions, 3N, or a cell, 9, row-major) to Bohr, xtb's length unit, using
 * ASE's `units.Bohr` (0.529177… Å). Writes into `out` when given (same length).
 */
export function angstromToBohr(values: ArrayLike<number>, out?: Float64Array): Float64Array {
  const result = out ?? new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) result[i] = values[i]! / units.Bohr;
  return result;
}

/** An energy in Hartree (xtb's unit) to eV with ASE's `units.Hartree` (27.2113… eV). */
export function hartreeToEv(energy: number): number {
  return energy * units.Hartree;
}

/**
 * Forces in eV/Å from xtb's gradient ∂E/∂x in Hartree/Bohr (3N, row-major):
 * F = −gradient·Hartree/Bohr.
 */
export function forcesFromGradient(gradient: ArrayLike<number>, out?: Float64Array): Float64Array {
  const result = out ?? new Float64Array(gradient.length);
  const factor = -units.Hartree / units.Bohr;
  for (let i = 0; i < gradient.length; i++) result[i] = gradient[i]! * factor;
  return result;
}

/**
 * Stress in eV/Å³, Voigt (xx, yy, zz, yz, xz, xy), ASE's sign, from the strain derivative
 * ∂E/∂ε in Hartree (3×3, row-major) and the volume in Å³: σ = (1/V)·∂E/∂ε, positive when the
 * system pulls inward. xtb's `xtb_getVirial` returns exactly this ∂E/∂ε (its "virial" has the
 * sign of the energy's strain derivative, not of −Σ r⊗F), so no sign flip is needed; the
 * off-diagonal pairs are averaged.
 */
export function stressFromStrainDerivative(
  strainDerivative: ArrayLike<number>,
  volume: number,
): Float64Array {
  const stress = new Float64Array(6);
  const factor = units.Hartree / volume;
  VOIGT_PAIRS.forEach(([a, b], k) => {
    stress[k] = 0.5 * (strainDerivative[3 * a + b]! + strainDerivative[3 * b + a]!) * factor;
  });
  return stress;
}
