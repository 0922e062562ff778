/**
 * Eigen-decomposition of a symmetric 3×3 matrix (row-major, 9 numbers) by cyclic Jacobi
 * rotations: the eigenvalues (unsorted) and the eigenvectors as the columns of a row-major
 * 3×3 matrix. Converges to machine precision in a few sweeps.
 */
export function symmetricEigen3(matrix: ArrayLike<number>): {
  values: [number, number, number];
  vectors: Float64Array;
} {
  const A = Float64Array.from(matrix);
  const V = Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1);
  for (let sweep = 0; sweep < 50; sweep++) {
    const off = A[1]! * A[1]! + A[2]! * A[2]! + A[5]! * A[5]!;
    const diag = A[0]! * A[0]! + A[4]! * A[4]! + A[8]! * A[8]!;
    if (off <= 1e-32 * diag || off === 0) break;
    for (const [p, q] of [
      [0, 1],
      [0, 2],
      [1, 2],
    ] as const) {
      const apq = A[3 * p + q]!;
      if (apq === 0) continue;
      const theta = (A[3 * q + q]! - A[3 * p + p]!) / (2 * apq);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1);
      const s = t * c;
      // A ← Jᵀ A J with the rotation J in the (p, q) plane; V ← V J.
      for (let k = 0; k < 3; k++) {
        const akp = A[3 * k + p]!;
        const akq = A[3 * k + q]!;
        A[3 * k + p] = c * akp - s * akq;
        A[3 * k + q] = s * akp + c * akq;
      }
      for (let k = 0; k < 3; k++) {
        const apk = A[3 * p + k]!;
        const aqk = A[3 * q + k]!;
        A[3 * p + k] = c * apk - s * aqk;
        A[3 * q + k] = s * apk + c * aqk;
      }
      for (let k = 0; k < 3; k++) {
        const vkp = V[3 * k + p]!;
        const vkq = V[3 * k + q]!;
        V[3 * k + p] = c * vkp - s * vkq;
        V[3 * k + q] = s * vkp + c * vkq;
      }
    }
  }
  return { values: [A[0]!, A[4]!, A[8]!], vectors: V };
}
