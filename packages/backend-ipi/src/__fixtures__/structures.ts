import { Atoms, fccCrystal, Random } from '@mlff-distiller/core';

/**
 * An fcc crystal of Cu and Al (every third atom Al), rattled, with a sheared cell
 * (positions follow the cell): a periodic structure with a non-diagonal, non-symmetric
 * cell so that the transposition of the cell on the wire is exercised.
 */
export function copperAluminium(repeat: number, seed: number, strain = 0.01): Atoms {
  const atoms = fccCrystal('Cu', 3.7, repeat, { rattle: 0.05, seed });
  atoms.numbers = Int32Array.from(atoms.numbers, (z, i) => (i % 3 === 0 ? 13 : z));
  const random = new Random(seed + 1000);
  const cell = atoms.cell.slice();
  for (let k = 0; k < 9; k++) cell[k]! += strain * (2 * random.uniform() - 1) * 3.7 * repeat;
  atoms.setCell(cell, true);
  return new Atoms({ numbers: atoms.numbers, positions: atoms.positions, cell, pbc: true });
}

/** A molecule-like cluster of `symbols` around the origin, no cell, no periodicity. */
export function cluster(symbols: readonly string[], spacing: number, seed: number): Atoms {
  const random = new Random(seed);
  const positions: number[] = [];
  const n = symbols.length;
  for (let i = 0; i < n; i++) {
    const t = (2 * Math.PI * i) / n;
    positions.push(
      spacing * Math.cos(t) + 0.1 * random.normal(),
      spacing * Math.sin(t) + 0.1 * random.normal(),
      0.3 * (i % 2) + 0.1 * random.normal(),
    );
  }
  return new Atoms({ symbols: [...symbols], positions });
}

/** Face-centred cubic argon (LJ), rattled, in a slightly skewed periodic cell. */
export function argonCrystal(seed: number): Atoms {
  const atoms = fccCrystal('Ar', 5.26, 2, { rattle: 0.1, seed });
  const cell = atoms.cell.slice();
  cell[3] = 0.3;
  cell[7] = -0.2;
  atoms.setCell(cell, true);
  return atoms;
}

/** Relative difference ‖a − b‖∞ / max(‖b‖∞, tiny) of two arrays (or numbers). */
export function relativeDifference(
  a: number | ArrayLike<number>,
  b: number | ArrayLike<number>,
): number {
  const x = typeof a === 'number' ? [a] : Array.from(a);
  const y = typeof b === 'number' ? [b] : Array.from(b);
  if (x.length !== y.length) return Number.POSITIVE_INFINITY;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < x.length; i++) {
    diff = Math.max(diff, Math.abs(x[i]! - y[i]!));
    scale = Math.max(scale, Math.abs(y[i]!));
  }
  return diff / Math.max(scale, 1e-300);
}
