import { VOIGT_PAIRS } from '@mlff-distiller/core';

/** `v·(1 + ε)` for every row 3-vector of `v` (length 3k), ε symmetric, into `out`. */
function deform(v: Float64Array, strain: Float64Array, out: Float64Array): Float64Array {
  for (let a = 0; a < v.length; a += 3) {
    const x = v[a]!;
    const y = v[a + 1]!;
    const z = v[a + 2]!;
    for (let k = 0; k < 3; k++) {
      out[a + k] = v[a + k]! + x * strain[k]! + y * strain[3 + k]! + z * strain[6 + k]!;
    }
  }
  return out;
}

/**
 * The strain derivative ∂E/∂ε (3×3, row-major, symmetric, in the energy's unit) by central
 * differences: for each Voigt pair (a, b) the cell and positions are deformed by a symmetric
 * strain with ε_aa = ±δ on the diagonal, or ε_ab = ε_ba = ±δ/2 off it, so that
 * (E(+δ) − E(−δ)) / 2δ is ∂E/∂ε_ab. Costs twelve energies. Positions (3N) and cell (9, rows)
 * may be in any length unit; `energyAt` receives deformed copies (reused buffers).
 *
 * Truncation error is δ²/6·∂³E/∂δ³; rounding and SCF noise ε_E give ε_E/δ.
 */
export function strainDerivativeByFiniteDifferences(
  positions: Float64Array,
  cell: Float64Array,
  energyAt: (positions: Float64Array, cell: Float64Array) => number,
  step: number,
): Float64Array {
  if (!(step > 0 && step < 0.1)) {
    throw new RangeError(`the strain step must be in (0, 0.1), got ${step}`);
  }
  const result = new Float64Array(9);
  const strain = new Float64Array(9);
  const x = new Float64Array(positions.length);
  const c = new Float64Array(9);
  for (const [a, b] of VOIGT_PAIRS) {
    const energies: number[] = [];
    for (const sign of [1, -1]) {
      strain.fill(0);
      if (a === b) strain[3 * a + a] = sign * step;
      else {
        strain[3 * a + b] = (sign * step) / 2;
        strain[3 * b + a] = (sign * step) / 2;
      }
      energies.push(energyAt(deform(positions, strain, x), deform(cell, strain, c)));
    }
    const derivative = (energies[0]! - energies[1]!) / (2 * step);
    result[3 * a + b] = derivative;
    result[3 * b + a] = derivative;
  }
  return result;
}
