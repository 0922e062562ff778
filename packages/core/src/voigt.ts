/**
 * Voigt index → (row, column) of a symmetric 3×3 tensor, in ASE's order
 * xx, yy, zz, yz, xz, xy (stress, strain, virial).
 */
export const VOIGT_PAIRS: readonly (readonly [number, number])[] = [
  [0, 0],
  [1, 1],
  [2, 2],
  [1, 2],
  [0, 2],
  [0, 1],
];
