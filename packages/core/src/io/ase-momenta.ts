import { InvalidInputError } from '../errors.js';
import { units } from '../units.js';

/**
 * Velocities in Å/fs (length 3N) from ASE momenta in amu·Å/(ASE time unit) (length 3N, the
 * `momenta` column of ASE's extxyz files) and masses in amu (length N):
 * v = (p / m) · units.fs, the same floating-point operations as ASE's
 * `atoms.get_velocities() * units.fs`.
 */
export function aseMomentaToVelocities(
  momenta: ArrayLike<number>,
  masses: ArrayLike<number>,
): Float64Array {
  if (momenta.length !== 3 * masses.length) {
    throw new InvalidInputError(`${momenta.length} momenta for ${masses.length} masses`);
  }
  const v = new Float64Array(momenta.length);
  for (let i = 0; i < v.length; i++) v[i] = (momenta[i]! / masses[Math.floor(i / 3)]!) * units.fs;
  return v;
}

/**
 * ASE momenta in amu·Å/(ASE time unit) (length 3N) from velocities in Å/fs (length 3N) and
 * masses in amu (length N): p = (m · v) / units.fs. Converting back with
 * {@link aseMomentaToVelocities} gives v to within an ulp or two, not always bit for bit: no
 * double p need exist whose (p / m) · units.fs rounds to exactly v.
 */
export function velocitiesToAseMomenta(
  velocities: ArrayLike<number>,
  masses: ArrayLike<number>,
): Float64Array {
  if (velocities.length !== 3 * masses.length) {
    throw new InvalidInputError(`${velocities.length} velocities for ${masses.length} masses`);
  }
  const p = new Float64Array(velocities.length);
  for (let i = 0; i < p.length; i++)
    p[i] = (masses[Math.floor(i / 3)]! * velocities[i]!) / units.fs;
  return p;
}
