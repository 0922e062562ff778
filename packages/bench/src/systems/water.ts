import { Atoms, atomicMass, InvalidInputError, Random } from '@mlff-distiller/core';

/** O–H bond length of the rigid water model in Å (TIP3P/TIP4P). */
export const WATER_OH = 0.9572;
/** H–O–H angle of the rigid water model in degrees. */
export const WATER_HOH = 104.52;
/** Smallest distance in Å allowed between atoms of different molecules. */
export const WATER_MIN_DISTANCE = 1.6;

/** Avogadro's constant in 1/mol, for amu → g (CODATA 2014, as ASE's units). */
const AVOGADRO = 6.022140857e23;

/** Options of {@link waterBox} and {@link waterCluster}. */
export interface WaterOptions {
  /** Seed of the orientations (default 1). */
  seed?: number;
  /** Density in g/cm³ (default 1.0). */
  density?: number;
}

/** Mass of one water molecule in amu (the masses Atoms uses). */
function waterMass(): number {
  return atomicMass(8) + 2 * atomicMass(1);
}

/** Volume per molecule in Å³ at a density in g/cm³. */
export function waterVolumePerMolecule(density = 1.0): number {
  // amu → g is 1/N_A; 1 cm³ = 1e24 Å³
  return ((waterMass() / AVOGADRO) * 1e24) / density;
}

/** Body-frame positions of O, H, H with the centre of mass at the origin (Å). */
function waterTemplate(): Float64Array {
  const half = ((WATER_HOH / 2) * Math.PI) / 180;
  const hx = WATER_OH * Math.sin(half);
  const hz = WATER_OH * Math.cos(half);
  const mO = atomicMass(8);
  const mH = atomicMass(1);
  const zc = (2 * mH * hz) / (mO + 2 * mH);
  return Float64Array.of(0, 0, -zc, hx, 0, hz - zc, -hx, 0, hz - zc);
}

/** A uniformly random rotation matrix (row-major 3×3) from a unit quaternion (Shoemake). */
function randomRotation(random: Random): Float64Array {
  const u1 = random.uniform();
  const u2 = 2 * Math.PI * random.uniform();
  const u3 = 2 * Math.PI * random.uniform();
  const a = Math.sqrt(1 - u1);
  const b = Math.sqrt(u1);
  const w = a * Math.sin(u2);
  const x = a * Math.cos(u2);
  const y = b * Math.sin(u3);
  const z = b * Math.cos(u3);
  return Float64Array.of(
    1 - 2 * (y * y + z * z),
    2 * (x * y - z * w),
    2 * (x * z + y * w),
    2 * (x * y + z * w),
    1 - 2 * (x * x + z * z),
    2 * (y * z - x * w),
    2 * (x * z - y * w),
    2 * (y * z + x * w),
    1 - 2 * (x * x + y * y),
  );
}

/**
 * Places rigid waters at the given centres with random orientations, redrawing an
 * orientation until no atom is within WATER_MIN_DISTANCE of an atom of an already placed
 * molecule (minimum image in a cubic box of side `box` when given). Returns positions (3·3M).
 */
function placeWaters(centres: Float64Array, random: Random, box: number | null): Float64Array {
  const nMol = centres.length / 3;
  const template = waterTemplate();
  const pos = new Float64Array(9 * nMol);
  const minD2 = WATER_MIN_DISTANCE ** 2;
  // Two molecules can clash only when their centres are closer than this.
  let reach = 0;
  for (let a = 0; a < 3; a++)
    reach = Math.max(reach, Math.hypot(...template.subarray(3 * a, 3 * a + 3)));
  const centreCut2 = (2 * reach + WATER_MIN_DISTANCE) ** 2;
  const img = (d: number): number => (box === null ? d : d - box * Math.round(d / box));
  const trial = new Float64Array(9);
  const maxTries = 1000;
  for (let m = 0; m < nMol; m++) {
    const cx = centres[3 * m]!;
    const cy = centres[3 * m + 1]!;
    const cz = centres[3 * m + 2]!;
    const near: number[] = [];
    for (let o = 0; o < m; o++) {
      const dx = img(centres[3 * o]! - cx);
      const dy = img(centres[3 * o + 1]! - cy);
      const dz = img(centres[3 * o + 2]! - cz);
      if (dx * dx + dy * dy + dz * dz < centreCut2) near.push(o);
    }
    let placed = false;
    for (let t = 0; t < maxTries && !placed; t++) {
      const r = randomRotation(random);
      for (let a = 0; a < 3; a++) {
        const bx = template[3 * a]!;
        const by = template[3 * a + 1]!;
        const bz = template[3 * a + 2]!;
        trial[3 * a] = cx + r[0]! * bx + r[1]! * by + r[2]! * bz;
        trial[3 * a + 1] = cy + r[3]! * bx + r[4]! * by + r[5]! * bz;
        trial[3 * a + 2] = cz + r[6]! * bx + r[7]! * by + r[8]! * bz;
      }
      placed = true;
      check: for (const o of near) {
        for (let a = 0; a < 3; a++) {
          for (let b = 0; b < 3; b++) {
            const dx = img(pos[9 * o + 3 * b]! - trial[3 * a]!);
            const dy = img(pos[9 * o + 3 * b + 1]! - trial[3 * a + 1]!);
            const dz = img(pos[9 * o + 3 * b + 2]! - trial[3 * a + 2]!);
            if (dx * dx + dy * dy + dz * dz < minD2) {
              placed = false;
              break check;
            }
          }
        }
      }
    }
    if (!placed) {
      throw new InvalidInputError(
        `could not orient water molecule ${m} without a contact below ${WATER_MIN_DISTANCE} Å after ${maxTries} tries (seed ${random.seed})`,
      );
    }
    pos.set(trial, 9 * m);
  }
  return pos;
}

function moleculeCount(natoms: number, what: string): number {
  if (!Number.isInteger(natoms) || natoms < 3 || natoms % 3 !== 0) {
    throw new InvalidInputError(
      `${what} needs a number of atoms divisible by 3 (3 per molecule), got ${natoms}`,
    );
  }
  return natoms / 3;
}

const waterSymbols = (nMol: number): string[] =>
  Array.from({ length: 3 * nMol }, (_, i) => (i % 3 === 0 ? 'O' : 'H'));

/** Fractional positions of the sites of a cubic cell: simple, body-centred, face-centred. */
const SITE_BASES: readonly (readonly number[])[] = [
  [0, 0, 0],
  [0, 0, 0, 0.5, 0.5, 0.5],
  [0, 0, 0, 0, 0.5, 0.5, 0.5, 0, 0.5, 0.5, 0.5, 0],
];
/** Nearest-neighbour distance of each lattice in units of the cubic cell side. */
const SITE_NN = [1, Math.sqrt(3) / 2, Math.SQRT1_2];

/**
 * `count` molecule centres in a periodic cube of side `side`: of the simple, body-centred
 * and face-centred cubic lattices with at least `count` sites, the one whose sites are
 * farthest apart, with `count` of its sites taken evenly through the site list.
 */
function latticeSites(count: number, side: number): Float64Array {
  let best = { type: 0, k: 1, nn: 0 };
  SITE_BASES.forEach((basis, type) => {
    const per = basis.length / 3;
    const k = Math.max(1, Math.ceil(Math.cbrt(count / per) - 1e-9));
    const nn = (side / k) * SITE_NN[type]!;
    if (nn > best.nn + 1e-9) best = { type, k, nn };
  });
  const basis = SITE_BASES[best.type]!;
  const per = basis.length / 3;
  const k = best.k;
  const sites = per * k ** 3;
  const a = side / k;
  const centres = new Float64Array(3 * count);
  for (let m = 0; m < count; m++) {
    const s = Math.floor((m * sites) / count);
    const b = s % per;
    const c = Math.floor(s / per);
    const ix = Math.floor(c / (k * k));
    const iy = Math.floor(c / k) % k;
    const iz = c % k;
    // A quarter-cell offset keeps sites off the faces of the box.
    centres[3 * m] = (ix + basis[3 * b]! + 0.25) * a;
    centres[3 * m + 1] = (iy + basis[3 * b + 1]! + 0.25) * a;
    centres[3 * m + 2] = (iz + basis[3 * b + 2]! + 0.25) * a;
  }
  return centres;
}

/**
 * A periodic cubic box of `natoms / 3` rigid waters (O, H, H per molecule) at the given
 * density (default 1.0 g/cm³; box side from the density). Molecules sit on the sites of a
 * simple, body- or face-centred cubic lattice (whichever spaces them farthest apart; sites
 * taken evenly when there are more than molecules), with random orientations from the seed and no atom closer than 1.6 Å to one of another molecule.
 */
export function waterBox(natoms: number, options: WaterOptions = {}): Atoms {
  const nMol = moleculeCount(natoms, 'a water box');
  const density = options.density ?? 1.0;
  const random = new Random(options.seed ?? 1);
  const side = Math.cbrt(nMol * waterVolumePerMolecule(density));
  const centres = latticeSites(nMol, side);
  const positions = placeWaters(centres, random, side);
  const atoms = new Atoms({
    symbols: waterSymbols(nMol),
    positions,
    cell: [side, side, side],
    pbc: true,
  });
  atoms.wrap();
  return atoms;
}

/**
 * A cluster of `natoms / 3` rigid waters filling a sphere at liquid density (default
 * 1.0 g/cm³): the lattice sites of a simple cubic lattice (one molecule per volume at that
 * density) closest to the centre, random orientations from the seed, no atom closer than
 * 1.6 Å to one of another molecule. Not periodic, no cell; centre of the sphere at the origin.
 */
export function waterCluster(natoms: number, options: WaterOptions = {}): Atoms {
  const nMol = moleculeCount(natoms, 'a water cluster');
  const density = options.density ?? 1.0;
  const random = new Random(options.seed ?? 1);
  const spacing = Math.cbrt(waterVolumePerMolecule(density));
  const radius = Math.cbrt((3 * nMol) / (4 * Math.PI)) * spacing;
  const n = Math.ceil(radius / spacing) + 2;
  // Lattice offset by half a spacing, so no site sits exactly at the centre and shells are
  // symmetric; ties broken by index, which is deterministic.
  const candidates: [number, number, number, number][] = [];
  for (let i = -n; i < n; i++) {
    for (let j = -n; j < n; j++) {
      for (let l = -n; l < n; l++) {
        const x = (i + 0.5) * spacing;
        const y = (j + 0.5) * spacing;
        const z = (l + 0.5) * spacing;
        candidates.push([x * x + y * y + z * z, x, y, z]);
      }
    }
  }
  candidates.sort((a, b) => a[0] - b[0]);
  const centres = new Float64Array(3 * nMol);
  for (let m = 0; m < nMol; m++) {
    const c = candidates[m]!;
    centres[3 * m] = c[1];
    centres[3 * m + 1] = c[2];
    centres[3 * m + 2] = c[3];
  }
  return new Atoms({
    symbols: waterSymbols(nMol),
    positions: placeWaters(centres, random, null),
    pbc: false,
  });
}
