import { Atoms, quaternionRotation, Random } from '@mlff-distiller/core';

/** Water's geometry: O–H 0.9572 Å, H–O–H 104.52°; O at the origin, H in the xy plane. */
const ANGLE = (104.52 * Math.PI) / 180;
const OH = 0.9572;
const WATER: readonly (readonly [number, number, number])[] = [
  [0, 0, 0],
  [OH * Math.sin(ANGLE / 2), OH * Math.cos(ANGLE / 2), 0],
  [-OH * Math.sin(ANGLE / 2), OH * Math.cos(ANGLE / 2), 0],
];

/** A uniformly random rotation (row-major 3×3) from a normalised Gaussian quaternion. */
function randomRotation(rng: Random): Float64Array {
  return quaternionRotation(rng.normal(), rng.normal(), rng.normal(), rng.normal());
}

/** Options of {@link waterGrid}. */
export interface WaterGridOptions {
  /** Molecules per edge; n³ molecules. */
  n: number;
  /** Distance between neighbouring oxygens in Å; default 3.1. */
  spacing?: number;
  /** Seed of the rotations and displacements; default 1. */
  seed?: number;
  /** Standard deviation of random oxygen displacements in Å; default 0.1. */
  jitter?: number;
  /** Periodic box of n·spacing per edge (true) or a cluster (false, default). */
  periodic?: boolean;
}

/**
 * n³ water molecules on a cubic grid, each randomly rotated and displaced (seeded): a
 * cluster, or a periodic box with the grid's period. Random placement avoids the exact
 * half-box pair distances of a perfect grid, where xtb's Wigner–Seitz image weights are
 * tied and the periodic energy is not smooth under shear.
 */
export function waterGrid(options: WaterGridOptions): Atoms {
  const { n, spacing = 3.1, seed = 1, jitter = 0.1, periodic = false } = options;
  const rng = new Random(seed);
  const symbols: string[] = [];
  const positions: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      for (let k = 0; k < n; k++) {
        const r = randomRotation(rng);
        const o = [i, j, k].map((g) => (g + 0.5) * spacing + jitter * rng.normal());
        for (const [s, atom] of (['O', 'H', 'H'] as const).map((s, a) => [s, WATER[a]!] as const)) {
          symbols.push(s);
          for (let c = 0; c < 3; c++) {
            positions.push(
              o[c]! + r[3 * c]! * atom[0] + r[3 * c + 1]! * atom[1] + r[3 * c + 2]! * atom[2],
            );
          }
        }
      }
    }
  }
  const edge = n * spacing;
  return new Atoms({
    symbols,
    positions,
    ...(periodic ? { cell: [edge, edge, edge], pbc: true } : {}),
  });
}

/**
 * Eight waters in a slightly triclinic periodic cell of about 6.2 Å (a 2×2×2 grid, seeded
 * random orientations): the periodic test system.
 */
export function waterBox(seed = 3): Atoms {
  const atoms = waterGrid({ n: 2, seed, jitter: 0.15, periodic: true });
  atoms.setCell(
    [
      [6.2, 0, 0],
      [0.1, 6.3, 0],
      [-0.2, 0.15, 6.1],
    ],
    true,
  );
  return atoms;
}
