import { type Atoms, InvalidInputError } from '@mlff-distiller/core';
import {
  ARGON_FCC_A,
  ARGON_LIQUID_REDUCED_DENSITY,
  ARGON_SIGMA,
  bccOfSize,
  fccOfSize,
  LJ_LIQUID_MIN_DISTANCE,
  ljLiquid,
} from './lattices.js';
import {
  buildMolecule,
  isMoleculeName,
  MOLECULE_DESCRIPTIONS,
  MOLECULE_NAMES,
} from './molecules.js';
import type { BuildSystemOptions, SystemDescription, SystemSpec } from './system-spec.js';
import { waterBox, waterCluster } from './water.js';

/** A sized family: what it builds and which sizes are valid. */
interface Family {
  description: string;
  sizes: readonly number[];
  sizeRule: string;
  /** Whether N atoms is a size this family builds. */
  valid(n: number): boolean;
  /** The valid sizes nearest to n: the largest below and the smallest above (either may be absent). */
  around(n: number): number[];
  build(n: number, seed: number): Atoms;
}

function cubicFamily(
  perCell: number,
  description: string,
  sizes: readonly number[],
  build: (n: number) => Atoms,
): Family {
  const sizeOf = (k: number): number => perCell * k ** 3;
  return {
    description,
    sizes,
    sizeRule: `N = ${perCell}·k³ (${[1, 2, 3, 4, 5, 6, 7, 8].map(sizeOf).join(', ')}, …, ${sizeOf(16)}, …)`,
    valid: (n) => {
      const k = Math.round(Math.cbrt(n / perCell));
      return k >= 1 && sizeOf(k) === n;
    },
    around: (n) => {
      const k = Math.floor(Math.cbrt(n / perCell) + 1e-9);
      return [sizeOf(k), sizeOf(k + 1)].filter((s) => s >= perCell);
    },
    build: (n) => build(n),
  };
}

function multipleFamily(
  unit: number,
  min: number,
  description: string,
  sizes: readonly number[],
  build: (n: number, seed: number) => Atoms,
): Family {
  return {
    description,
    sizes,
    sizeRule: unit === 1 ? `any N ≥ ${min}` : `N divisible by ${unit}, N ≥ ${min}`,
    valid: (n) => n >= min && n % unit === 0,
    around: (n) => {
      const below = Math.floor(n / unit) * unit;
      return [...new Set([below, below + unit])].filter((s) => s >= min);
    },
    build,
  };
}

const FAMILIES: Readonly<Record<string, Family>> = {
  'water-box': multipleFamily(
    3,
    3,
    'rigid waters (O–H 0.9572 Å, H–O–H 104.52°) at 1.0 g/cm³ in a periodic cubic box, random orientations',
    [96, 192, 384, 768, 1536, 3072, 4095],
    (n, seed) => waterBox(n, { seed }),
  ),
  'water-cluster': multipleFamily(
    3,
    3,
    'rigid waters filling a sphere at 1.0 g/cm³, not periodic, random orientations',
    [96, 192, 384, 768, 1536, 3072, 4095],
    (n, seed) => waterCluster(n, { seed }),
  ),
  'lj-fcc': cubicFamily(4, `fcc argon, a = ${ARGON_FCC_A} Å, periodic`, [256, 2048, 16384], (n) =>
    fccOfSize('Ar', ARGON_FCC_A, n),
  ),
  'lj-liquid': multipleFamily(
    1,
    2,
    `argon at liquid density ${ARGON_LIQUID_REDUCED_DENSITY}/σ³ (σ = ${ARGON_SIGMA} Å), random positions ≥ ${LJ_LIQUID_MIN_DISTANCE} Å apart, periodic`,
    [256, 2048, 16384],
    (n, seed) => ljLiquid(n, { seed }),
  ),
  'cu-fcc': cubicFamily(4, 'fcc copper, a = 3.615 Å, periodic', [256, 500, 2048, 16384], (n) =>
    fccOfSize('Cu', 3.615, n),
  ),
  'al-fcc': cubicFamily(4, 'fcc aluminium, a = 4.05 Å, periodic', [256, 500, 2048, 16384], (n) =>
    fccOfSize('Al', 4.05, n),
  ),
  'fe-bcc': cubicFamily(2, 'bcc iron, a = 2.87 Å, periodic', [128, 250, 2000, 16000], (n) =>
    bccOfSize('Fe', 2.87, n),
  ),
};

const ALIASES: Readonly<Record<string, string>> = {
  h2o: 'water',
  ch4: 'methane',
  'ala-dipeptide': 'alanine-dipeptide',
  ala2: 'alanine-dipeptide',
  'ace-ala-nme': 'alanine-dipeptide',
  'lj-liq': 'lj-liquid',
  'water-clusters': 'water-cluster',
};

function knownNames(): string {
  return [...MOLECULE_NAMES, ...Object.keys(FAMILIES).map((f) => `${f}:N`)].join(', ');
}

/**
 * Parses `name` or `name:N` (N a positive integer, in atoms). Names are case-insensitive and
 * `_` may stand for `-`. Throws InvalidInputError for anything else.
 */
export function parseSystemSpec(spec: string): SystemSpec {
  const m = /^\s*([A-Za-z0-9_-]+)\s*(?::\s*([^\s]+))?\s*$/.exec(spec);
  if (!m) {
    throw new InvalidInputError(
      `cannot read the system spec "${spec}": expected a name or name:N (N in atoms), e.g. water-box:192; known: ${knownNames()}`,
    );
  }
  const raw = m[1]!.toLowerCase().replaceAll('_', '-');
  const name = ALIASES[raw] ?? raw;
  if (m[2] === undefined) return { name };
  if (!/^\d+$/.test(m[2]) || Number(m[2]) < 1 || !Number.isSafeInteger(Number(m[2]))) {
    throw new InvalidInputError(
      `system spec "${spec}": the size must be a positive whole number of atoms, got "${m[2]}"`,
    );
  }
  return { name, size: Number(m[2]) };
}

/**
 * Builds a benchmark system from a spec string: a molecule of the shipped library
 * (`water`, `methane`, `ethanol`, `benzene`, `aspirin`, `alanine-dipeptide`) or a sized
 * family `name:N` with N in atoms (`water-box:192`, `water-cluster:96`, `lj-fcc:256`,
 * `lj-liquid:2048`, `cu-fcc:500`, `al-fcc:864`, `fe-bcc:432`). Positions Å, cell Å.
 * `atoms.info.system` holds the spec that was built. Throws InvalidInputError listing the
 * known names, or the valid sizes near the requested one.
 */
export function buildSystem(spec: string, options: BuildSystemOptions = {}): Atoms {
  const { name, size } = parseSystemSpec(spec);
  const seed = options.seed ?? 1;
  if (isMoleculeName(name)) {
    if (size !== undefined) {
      const hint = name === 'water' ? ' (for many waters use water-box:N or water-cluster:N)' : '';
      throw new InvalidInputError(
        `"${name}" is a single molecule and takes no size, got "${spec}"${hint}`,
      );
    }
    const atoms = buildMolecule(name);
    atoms.info.system = name;
    return atoms;
  }
  const family = FAMILIES[name];
  if (!family) {
    throw new InvalidInputError(`unknown system "${name}"; known systems: ${knownNames()}`);
  }
  if (size === undefined) {
    throw new InvalidInputError(
      `"${name}" needs a size in atoms, e.g. ${name}:${family.sizes[0]} (valid: ${family.sizeRule}; suggested: ${family.sizes.join(', ')})`,
    );
  }
  let n = size;
  let note: string | undefined;
  if (!family.valid(size)) {
    const around = family.around(size);
    if (!options.nearestSize || around.length === 0) {
      throw new InvalidInputError(
        `${name} cannot have ${size} atoms: valid sizes are ${family.sizeRule}; nearest: ${around.join(' or ')}`,
      );
    }
    n = around.reduce((best, s) => (Math.abs(s - size) < Math.abs(best - size) ? s : best));
    note = `${name}:${size} is not a valid size (${family.sizeRule}); built the nearest, ${n} atoms`;
  }
  const atoms = family.build(n, seed);
  atoms.info.system = `${name}:${n}`;
  if (name.startsWith('water') || name === 'lj-liquid') {
    atoms.info.seed = seed;
  }
  if (note) atoms.info.note = note;
  return atoms;
}

/** Every system family {@link buildSystem} knows, molecules first. */
export function listSystems(): SystemDescription[] {
  return [
    ...MOLECULE_NAMES.map((name) => ({
      name,
      description: `molecule: ${MOLECULE_DESCRIPTIONS[name]} (GFN2-xTB geometry)`,
      sized: false,
    })),
    ...Object.entries(FAMILIES).map(([name, f]) => ({
      name,
      description: f.description,
      sized: true,
      sizes: f.sizes,
      sizeRule: f.sizeRule,
    })),
  ];
}
