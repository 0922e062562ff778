import { symmetricEigen3 } from '@mlff-distiller/core';

/**
 * Moore–Penrose pseudo-inverse of a 3×3 matrix (row-major, 9 numbers), as numpy's
 * `np.linalg.pinv` (which ASE applies to the cell before sending it): the plain inverse for
 * a well-conditioned matrix; otherwise Σ vᵢ (A vᵢ)ᵀ / σᵢ² over the singular pairs with
 * σᵢ > 1e-6·σ_max (the eigenvectors vᵢ of AᵀA from Jacobi rotations). A zero matrix (a
 * molecule without a cell) gives zeros; a cell with one or two lattice vectors gives the
 * pseudo-inverse of that plane or line.
 */
export function pseudoInverse3x3(a: ArrayLike<number>): Float64Array {
  const out = new Float64Array(9);
  const det =
    a[0]! * (a[4]! * a[8]! - a[5]! * a[7]!) -
    a[1]! * (a[3]! * a[8]! - a[5]! * a[6]!) +
    a[2]! * (a[3]! * a[7]! - a[4]! * a[6]!);
  const rowNorms =
    Math.hypot(a[0]!, a[1]!, a[2]!) *
    Math.hypot(a[3]!, a[4]!, a[5]!) *
    Math.hypot(a[6]!, a[7]!, a[8]!);
  if (rowNorms > 0 && Math.abs(det) > 1e-10 * rowNorms) {
    out[0] = (a[4]! * a[8]! - a[5]! * a[7]!) / det;
    out[1] = (a[2]! * a[7]! - a[1]! * a[8]!) / det;
    out[2] = (a[1]! * a[5]! - a[2]! * a[4]!) / det;
    out[3] = (a[5]! * a[6]! - a[3]! * a[8]!) / det;
    out[4] = (a[0]! * a[8]! - a[2]! * a[6]!) / det;
    out[5] = (a[2]! * a[3]! - a[0]! * a[5]!) / det;
    out[6] = (a[3]! * a[7]! - a[4]! * a[6]!) / det;
    out[7] = (a[1]! * a[6]! - a[0]! * a[7]!) / det;
    out[8] = (a[0]! * a[4]! - a[1]! * a[3]!) / det;
    return out;
  }
  // AᵀA, symmetric positive semi-definite.
  const m = new Float64Array(9);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += a[3 * k + i]! * a[3 * k + j]!;
      m[3 * i + j] = s;
    }
  }
  const { values, vectors } = symmetricEigen3(m);
  const largest = Math.max(values[0]!, values[1]!, values[2]!);
  if (!(largest > 0)) return out;
  for (let e = 0; e < 3; e++) {
    const s2 = values[e]!;
    if (!(s2 > 1e-12 * largest)) continue;
    const v = [vectors[e]!, vectors[3 + e]!, vectors[6 + e]!];
    const av = [0, 1, 2].map(
      (r) => a[3 * r]! * v[0]! + a[3 * r + 1]! * v[1]! + a[3 * r + 2]! * v[2]!,
    );
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) out[3 * i + j] += (v[i]! * av[j]!) / s2;
  }
  return out;
}
