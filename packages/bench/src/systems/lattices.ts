import { Atoms, fccCrystal, InvalidInputError, Random } from '@mlff-distiller/core';

/** Lattice constant of fcc argon in Å (LJ benchmarks). */
export const ARGON_FCC_A = 5.26;
/** Lennard-Jones σ of argon in Å, the unit of the liquid density. */
export const ARGON_SIGMA = 3.405;
/** Reduced density ρσ³ of liquid argon near its triple point. */
export const ARGON_LIQUID_REDUCED_DENSITY = 0.8442;
/** Smallest distance in Å between atoms of the random liquid (0.88 σ). */
export const LJ_LIQUID_MIN_DISTANCE = 3.0;

/**
 * A body-centred cubic crystal of one element: `repeat`³ conventional cubic cells of side `a`
 * Å (2 atoms each), periodic, in the order of ASE's `bulk(symbol, 'bcc', a, cubic=True).repeat(repeat)`.
 */
export function bccCrystal(symbol: string, a: number, repeat: number): Atoms {
  const n = 2 * repeat ** 3;
  const positions = new Float64Array(3 * n);
  let k = 0;
  for (let x = 0; x < repeat; x++) {
    for (let y = 0; y < repeat; y++) {
      for (let z = 0; z < repeat; z++) {
        for (const b of [0, 0.5]) {
          positions[k++] = (x + b) * a;
          positions[k++] = (y + b) * a;
          positions[k++] = (z + b) * a;
        }
      }
    }
  }
  const side = repeat * a;
  return new Atoms({
    symbols: new Array(n).fill(symbol),
    positions,
    cell: [side, side, side],
    pbc: true,
  });
}

/** fcc crystal of `4·k³` atoms; throws unless natoms is of that form. */
export function fccOfSize(symbol: string, a: number, natoms: number): Atoms {
  const k = Math.round(Math.cbrt(natoms / 4));
  if (4 * k ** 3 !== natoms) throw new InvalidInputError(`${natoms} is not 4·k³`);
  return fccCrystal(symbol, a, k);
}

/** bcc crystal of `2·k³` atoms; throws unless natoms is of that form. */
export function bccOfSize(symbol: string, a: number, natoms: number): Atoms {
  const k = Math.round(Math.cbrt(natoms / 2));
  if (2 * k ** 3 !== natoms) throw new InvalidInputError(`${natoms} is not 2·k³`);
  return bccCrystal(symbol, a, k);
}

/** Options of {@link ljLiquid}. */
export interface LjLiquidOptions {
  /** Seed of the positions (default 1). */
  seed?: number;
  /** Number density in atoms/Å³ (default 0.8442/σ³ = 0.02138 Å⁻³, liquid argon). */
  density?: number;
  /** Smallest interatomic distance in Å (default 3.0). */
  minDistance?: number;
}

/**
 * `natoms` argon atoms at liquid density in a periodic cube, inserted one at a time at
 * uniformly random positions and rejected when closer than `minDistance` to an atom already
 * placed (minimum image; a cell list keeps each try O(1)).
 */
export function ljLiquid(natoms: number, options: LjLiquidOptions = {}): Atoms {
  if (!Number.isInteger(natoms) || natoms < 1) {
    throw new InvalidInputError(`an LJ liquid needs a positive number of atoms, got ${natoms}`);
  }
  const density = options.density ?? ARGON_LIQUID_REDUCED_DENSITY / ARGON_SIGMA ** 3;
  const dmin = options.minDistance ?? LJ_LIQUID_MIN_DISTANCE;
  const random = new Random(options.seed ?? 1);
  const side = Math.cbrt(natoms / density);
  const nc = Math.max(1, Math.floor(side / dmin));
  const cw = side / nc;
  const cells: number[][] = Array.from({ length: nc ** 3 }, () => []);
  const positions = new Float64Array(3 * natoms);
  const dmin2 = dmin * dmin;
  const maxTries = 2000 * natoms + 100_000;
  let placed = 0;
  for (let t = 0; placed < natoms; t++) {
    if (t > maxTries) {
      throw new InvalidInputError(
        `could not insert ${natoms} atoms ${dmin} Å apart at ${density} Å⁻³ (placed ${placed}); lower the density or the minimum distance`,
      );
    }
    const x = random.uniform() * side;
    const y = random.uniform() * side;
    const z = random.uniform() * side;
    const cx = Math.min(nc - 1, Math.floor(x / cw));
    const cy = Math.min(nc - 1, Math.floor(y / cw));
    const cz = Math.min(nc - 1, Math.floor(z / cw));
    let ok = true;
    const range = nc >= 3 ? [-1, 0, 1] : nc === 2 ? [0, 1] : [0];
    scan: for (const dx of range) {
      for (const dy of range) {
        for (const dz of range) {
          const cell =
            ((((cx + dx) % nc) + nc) % nc) * nc * nc +
            ((((cy + dy) % nc) + nc) % nc) * nc +
            ((((cz + dz) % nc) + nc) % nc);
          for (const j of cells[cell]!) {
            let ddx = positions[3 * j]! - x;
            let ddy = positions[3 * j + 1]! - y;
            let ddz = positions[3 * j + 2]! - z;
            ddx -= side * Math.round(ddx / side);
            ddy -= side * Math.round(ddy / side);
            ddz -= side * Math.round(ddz / side);
            if (ddx * ddx + ddy * ddy + ddz * ddz < dmin2) {
              ok = false;
              break scan;
            }
          }
        }
      }
    }
    if (!ok) continue;
    positions[3 * placed] = x;
    positions[3 * placed + 1] = y;
    positions[3 * placed + 2] = z;
    cells[cx * nc * nc + cy * nc + cz]!.push(placed);
    placed++;
  }
  return new Atoms({
    symbols: new Array(natoms).fill('Ar'),
    positions,
    cell: [side, side, side],
    pbc: true,
  });
}
