/**
 * Sizes of a PaiNN model (Schütt, Unke, Gastegger 2021, "Equivariant message passing for
 * the prediction of tensorial properties and molecular spectra").
 */
export interface PainnConfig {
  /** Atomic numbers the model knows, in embedding order (index = species index). */
  species: readonly number[];
  /** Scalar and vector feature channels per atom. */
  features: number;
  /** Interaction (message + update) blocks. */
  interactions: number;
  /** Radial basis functions sin(nπr/rc)/r, n = 1…radialBasis. */
  radialBasis: number;
  /** Cutoff radius, Å (cosine cutoff). */
  cutoff: number;
}

/** Sizes of the reference system's three students (features, interactions, basis, cutoff). */
export const PAINN_PRESETS = {
  original: { features: 128, interactions: 3, radialBasis: 20, cutoff: 5.0 },
  tiny: { features: 64, interactions: 2, radialBasis: 12, cutoff: 5.0 },
  'ultra-tiny': { features: 32, interactions: 2, radialBasis: 10, cutoff: 5.0 },
} as const satisfies Record<string, Omit<PainnConfig, 'species'>>;

/** Name of a {@link PAINN_PRESETS} entry. */
export type PainnPreset = keyof typeof PAINN_PRESETS;
