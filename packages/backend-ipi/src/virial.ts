/**
 * Stress in eV/Å³, Voigt order (xx, yy, zz, yz, xz, xy), from a virial in eV (3×3
 * row-major) and the cell volume in Å³, exactly as ASE's `SocketIOCalculator`:
 * `stress = −full_3x3_to_voigt_6_stress(virial) / volume`. ASE 3.22's
 * `full_3x3_to_voigt_6_stress` takes the upper triangle (yz = v[1][2], xz = v[0][2],
 * xy = v[0][1]); so does this.
 */
export function stressFromVirial(virial: ArrayLike<number>, volume: number): Float64Array {
  return Float64Array.of(
    -virial[0]! / volume,
    -virial[4]! / volume,
    -virial[8]! / volume,
    -virial[5]! / volume,
    -virial[2]! / volume,
    -virial[1]! / volume,
  );
}

/**
 * Virial in eV (3×3 row-major, symmetric) from a stress in eV/Å³ (Voigt xx yy zz yz xz xy)
 * and the volume in Å³, as ASE's `SocketClient`: `virial = −volume · stress` with the full
 * symmetric 3×3 stress.
 */
export function virialFromStress(stress: ArrayLike<number>, volume: number): Float64Array {
  const [xx, yy, zz, yz, xz, xy] = [0, 1, 2, 3, 4, 5].map((k) => stress[k]!) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return Float64Array.of(xx, xy, xz, xy, yy, yz, xz, yz, zz).map((s) => -volume * s);
}
