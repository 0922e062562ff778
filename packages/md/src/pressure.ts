import { AMU_A2_PER_FS2_TO_EV, type Atoms, InvalidInputError } from '@mlff-distiller/core';

/** Voigt index of each Cartesian pair (xx yy zz yz xz xy), as ASE's `stresscomp`. */
const VOIGT: readonly (readonly number[])[] = [
  [0, 5, 4],
  [5, 1, 3],
  [4, 3, 2],
];

function volumeOf(atoms: Atoms): number {
  const volume = atoms.getVolume();
  if (!(volume > 0)) {
    throw new InvalidInputError(
      `pressure needs a three-dimensional cell; this one has volume ${volume} Å³`,
    );
  }
  return volume;
}

/**
 * The kinetic (ideal-gas) part of the stress in eV/Å³, Voigt (xx yy zz yz xz xy), with ASE's
 * sign: σ_αβ = −Σ m·v_α·v_β / V, the term ASE adds in `atoms.get_stress(include_ideal_gas=True)`.
 * Zero without velocities. Needs a three-dimensional cell.
 */
export function kineticStress(atoms: Atoms): Float64Array {
  const volume = volumeOf(atoms);
  const out = new Float64Array(6);
  const v = atoms.velocities;
  if (!v) return out;
  const m = atoms.masses;
  for (let a = 0; a < m.length; a++) {
    for (let i = 0; i < 3; i++) {
      for (let j = i; j < 3; j++) out[VOIGT[i]![j]!] -= m[a]! * v[3 * a + i]! * v[3 * a + j]!;
    }
  }
  for (let k = 0; k < 6; k++) out[k] = (out[k]! * AMU_A2_PER_FS2_TO_EV) / volume;
  return out;
}

/**
 * The full stress in eV/Å³ (Voigt, ASE's sign: positive under tension): the calculator's
 * (virial) stress plus the kinetic part, as ASE's `atoms.get_stress(include_ideal_gas=True)`.
 *
 * @param stress the calculator's stress in eV/Å³, Voigt, length 6.
 */
export function stressWithKinetic(atoms: Atoms, stress: ArrayLike<number>): Float64Array {
  if (stress.length !== 6)
    throw new InvalidInputError(`a Voigt stress has 6 components, got ${stress.length}`);
  const out = kineticStress(atoms);
  for (let k = 0; k < 6; k++) out[k] += stress[k]!;
  return out;
}

/**
 * Instantaneous pressure in eV/Å³ (divide by `units.GPa` for GPa): P = −tr(σ_total)/3 =
 * 2·Ekin/(3V) − tr(σ)/3, with σ the calculator's stress (ASE's sign, eV/Å³, Voigt) and the
 * kinetic term from the velocities — the pressure of ASE's
 * `atoms.get_stress(include_ideal_gas=True)`. Its average is the thermodynamic pressure.
 */
export function instantaneousPressure(atoms: Atoms, stress: ArrayLike<number>): number {
  const s = stressWithKinetic(atoms, stress);
  return -(s[0]! + s[1]! + s[2]!) / 3;
}

/**
 * The diagonal of the instantaneous pressure tensor in eV/Å³, [Pxx, Pyy, Pzz] = −diag(σ_total):
 * what an anisotropic barostat drives to the target, axis by axis.
 */
export function pressureDiagonal(
  atoms: Atoms,
  stress: ArrayLike<number>,
): [number, number, number] {
  const s = stressWithKinetic(atoms, stress);
  return [-s[0]!, -s[1]!, -s[2]!];
}
