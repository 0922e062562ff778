/**
 * Test structures and statistics shared by the md tests. Deterministic: builders take seeds.
 */
import { Atoms, fccCrystal, LennardJones } from '@mlff-distiller/core';

/** ASE-style argon LJ parameters: ε in eV, σ and rc in Å. */
export const ARGON_LJ = { epsilon: 0.0104, sigma: 3.405, rc: 8.5 } as const;

/** A LennardJones calculator with argon parameters (overrides allowed). */
export function argonLJ(
  overrides: Partial<{ rc: number; skin: number; smooth: boolean; ro: number }> = {},
): LennardJones {
  return new LennardJones({ ...ARGON_LJ, ...overrides });
}

/** fcc argon, `repeat`³ conventional cells of lattice constant `a` Å, periodic, rattled by `rattle` Å. */
export function fccArgon(a: number, repeat: number, rattle = 0, seed = 1): Atoms {
  return fccCrystal('Ar', a, repeat, { rattle, seed });
}

/** A compact argon cluster: the `count` fcc sites (nearest-neighbour distance 3.8 Å) closest to the origin. */
export function argonCluster(count: number): Atoms {
  const a = 3.8 * Math.SQRT2;
  const sites: [number, number, number][] = [];
  for (let x = -3; x <= 3; x++) {
    for (let y = -3; y <= 3; y++) {
      for (let z = -3; z <= 3; z++) {
        if ((((x + y + z) % 2) + 2) % 2 !== 0) continue;
        sites.push([(x * a) / 2, (y * a) / 2, (z * a) / 2]);
      }
    }
  }
  sites.sort((p, q) => p[0] ** 2 + p[1] ** 2 + p[2] ** 2 - (q[0] ** 2 + q[1] ** 2 + q[2] ** 2));
  const chosen = sites.slice(0, count);
  return new Atoms({ symbols: new Array(count).fill('Ar'), positions: chosen.flat() });
}

/** Mean and its standard error from `blocks` contiguous block means (the data are correlated in time). */
export function blockAverage(
  data: ArrayLike<number>,
  blocks = 20,
): { mean: number; standardError: number } {
  const n = data.length;
  const size = Math.floor(n / blocks);
  const means: number[] = [];
  for (let b = 0; b < blocks; b++) {
    let s = 0;
    for (let i = b * size; i < (b + 1) * size; i++) s += data[i]!;
    means.push(s / size);
  }
  const mean = means.reduce((s, x) => s + x, 0) / blocks;
  const variance = means.reduce((s, x) => s + (x - mean) ** 2, 0) / (blocks - 1);
  return { mean, standardError: Math.sqrt(variance / blocks) };
}
