import { Atoms } from '@mlff-distiller/core';

/** A test molecule with the settings xtb needs for it. */
export interface TestMolecule {
  name: string;
  atoms: () => Atoms;
  /** Total charge in e. */
  charge: number;
  /** Unpaired electrons. */
  uhf: number;
}

function molecule(symbols: string[], positions: number[][]): () => Atoms {
  return () => new Atoms({ symbols, positions });
}

/** Water, GFN2-xTB optimised (bench's molecule library). */
export const water = molecule(
  ['O', 'H', 'H'],
  [
    [0.0, 0.0, 0.11926972],
    [0.0, 0.76324689, -0.47707888],
    [0.0, -0.76324689, -0.47707888],
  ],
);

/** Ethanol, GFN2-xTB optimised (bench's molecule library). */
export const ethanol = molecule(
  ['C', 'C', 'O', 'H', 'H', 'H', 'H', 'H', 'H'],
  [
    [1.2314368, -0.39079467, 0.0],
    [0.05029645, 0.56742478, 0.0],
    [-1.14061132, -0.19201103, -0.00000001],
    [-1.89741409, 0.40219101, 0.0],
    [0.09236642, 1.2115442, 0.89093352],
    [0.09236643, 1.2115442, -0.89093351],
    [2.16407137, 0.16626721, -0.00000001],
    [1.1898518, -1.0243049, 0.8815764],
    [1.18985179, -1.0243049, -0.88157639],
  ],
);

/** Methane, slightly distorted from the tetrahedron so that forces are not zero. */
export const methane = molecule(
  ['C', 'H', 'H', 'H', 'H'],
  [
    [0.0, 0.0, 0.0],
    [0.64, 0.62, 0.63],
    [-0.63, -0.63, 0.63],
    [-0.62, 0.64, -0.63],
    [0.63, -0.63, -0.64],
  ],
);

/** Formate anion HCOO⁻ (C–O 1.25 Å, O–C–O 130°, C–H 1.12 Å). */
export const formate = molecule(
  ['C', 'H', 'O', 'O'],
  [
    [0.0, 0.0, 0.0],
    [0.0, 0.0, 1.12],
    [1.1329, 0.0, -0.5283],
    [-1.1329, 0.02, -0.5283],
  ],
);

/** Ammonium NH₄⁺ (N–H ≈ 1.03 Å, slightly distorted). */
export const ammonium = molecule(
  ['N', 'H', 'H', 'H', 'H'],
  [
    [0.0, 0.0, 0.0],
    [0.5947, 0.5947, 0.5947],
    [-0.5947, -0.5947, 0.5947],
    [-0.5947, 0.5947, -0.5947],
    [0.6, -0.59, -0.5947],
  ],
);

/** Methyl radical CH₃ (planar, C–H 1.08 Å), a doublet. */
export const methyl = molecule(
  ['C', 'H', 'H', 'H'],
  [
    [0.0, 0.0, 0.0],
    [1.08, 0.0, 0.0],
    [-0.54, 0.9353, 0.02],
    [-0.54, -0.9353, 0.0],
  ],
);

/** Hydroxyl radical OH (0.97 Å), a doublet. */
export const hydroxyl = molecule(
  ['O', 'H'],
  [
    [0.0, 0.0, 0.0],
    [0.0, 0.0, 0.97],
  ],
);

/** The molecules of the library-versus-program acceptance test. */
export const ACCEPTANCE_MOLECULES: readonly TestMolecule[] = [
  { name: 'water', atoms: water, charge: 0, uhf: 0 },
  { name: 'ethanol', atoms: ethanol, charge: 0, uhf: 0 },
  { name: 'methane', atoms: methane, charge: 0, uhf: 0 },
  { name: 'formate anion', atoms: formate, charge: -1, uhf: 0 },
  { name: 'ammonium cation', atoms: ammonium, charge: 1, uhf: 0 },
  { name: 'methyl radical', atoms: methyl, charge: 0, uhf: 1 },
  { name: 'hydroxyl radical', atoms: hydroxyl, charge: 0, uhf: 1 },
];
