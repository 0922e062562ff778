import { type Atoms, symmetricEigen3 } from '@mlff-distiller/core';

/** A 3-vector. */
export type Vec3 = [number, number, number];

/** Total momentum Σ m·v in amu·Å/fs. */
export function totalMomentum(atoms: Atoms): Vec3 {
  const p: Vec3 = [0, 0, 0];
  const v = atoms.velocities;
  if (!v) return p;
  const m = atoms.masses;
  for (let a = 0; a < m.length; a++) for (let k = 0; k < 3; k++) p[k] += m[a]! * v[3 * a + k]!;
  return p;
}

/**
 * Angular momentum Σ m·(r − r_com) × v about the centre of mass, in amu·Å²/fs (positions as
 * stored: meaningful for molecules and clusters, not for periodic systems).
 */
export function angularMomentum(atoms: Atoms): Vec3 {
  const L: Vec3 = [0, 0, 0];
  const v = atoms.velocities;
  if (!v) return L;
  const com = atoms.getCenterOfMass();
  const r = atoms.positions;
  const m = atoms.masses;
  for (let a = 0; a < m.length; a++) {
    const x = r[3 * a]! - com[0];
    const y = r[3 * a + 1]! - com[1];
    const z = r[3 * a + 2]! - com[2];
    const vx = v[3 * a]!;
    const vy = v[3 * a + 1]!;
    const vz = v[3 * a + 2]!;
    L[0] += m[a]! * (y * vz - z * vy);
    L[1] += m[a]! * (z * vx - x * vz);
    L[2] += m[a]! * (x * vy - y * vx);
  }
  return L;
}

/** Subtracts the centre-of-mass velocity from every atom, so the total momentum is zero. */
export function removeCenterOfMassMomentum(atoms: Atoms): void {
  const v = atoms.velocities;
  if (!v || atoms.length === 0) return;
  const p = totalMomentum(atoms);
  const mt = atoms.getTotalMass();
  for (let a = 0; a < atoms.length; a++) for (let k = 0; k < 3; k++) v[3 * a + k] -= p[k]! / mt;
}

/**
 * Removes the rigid rotation about the centre of mass: v ← v − ω × (r − r_com) with
 * ω = I⁺·L, I the inertia tensor about the centre of mass (pseudo-inverse, so a linear
 * molecule loses only its two real rotations). Leaves the total momentum unchanged. Returns
 * the number of rotational degrees of freedom removed: 3, 2 for a linear arrangement, 0 for
 * a single atom.
 */
export function removeAngularMomentum(atoms: Atoms): number {
  const v = atoms.velocities;
  if (!v || atoms.length < 2) return 0;
  const com = atoms.getCenterOfMass();
  const r = atoms.positions;
  const m = atoms.masses;
  // Inertia tensor Σ m (|d|²·1 − d dᵀ), row-major 3×3.
  const I = new Float64Array(9);
  for (let a = 0; a < m.length; a++) {
    const d = [r[3 * a]! - com[0], r[3 * a + 1]! - com[1], r[3 * a + 2]! - com[2]];
    const d2 = d[0]! * d[0]! + d[1]! * d[1]! + d[2]! * d[2]!;
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) I[3 * i + j] += m[a]! * ((i === j ? d2 : 0) - d[i]! * d[j]!);
    }
  }
  const { values, vectors } = symmetricEigen3(I);
  const scale = Math.max(Math.abs(values[0]), Math.abs(values[1]), Math.abs(values[2]));
  const L = angularMomentum(atoms);
  // ω = Σ_k (e_k·L / λ_k) e_k over the eigenvalues that are not zero (relative 1e-10).
  const omega: Vec3 = [0, 0, 0];
  let rank = 0;
  for (let k = 0; k < 3; k++) {
    if (!(values[k] > 1e-10 * scale)) continue;
    rank++;
    const e = [vectors[k], vectors[3 + k], vectors[6 + k]] as Vec3;
    const c = (e[0] * L[0] + e[1] * L[1] + e[2] * L[2]) / values[k];
    for (let i = 0; i < 3; i++) omega[i] += c * e[i];
  }
  for (let a = 0; a < m.length; a++) {
    const x = r[3 * a]! - com[0];
    const y = r[3 * a + 1]! - com[1];
    const z = r[3 * a + 2]! - com[2];
    v[3 * a] -= omega[1] * z - omega[2] * y;
    v[3 * a + 1] -= omega[2] * x - omega[0] * z;
    v[3 * a + 2] -= omega[0] * y - omega[1] * x;
  }
  return rank;
}
