/** Options of {@link buildSystem}. */
export interface BuildSystemOptions {
  /**
   * Seed of every random choice (water orientations, liquid positions); the same spec and
   * seed give the same structure on every platform. Default 1.
   */
  seed?: number;
  /**
   * When the requested size is not one the family can build (e.g. `lj-fcc:2000`), build the
   * nearest valid size instead of throwing; the choice is recorded in `atoms.info.note`.
   * Default false: an invalid size throws InvalidInputError naming the nearest valid sizes.
   */
  nearestSize?: boolean;
}

/** A system family as listed by {@link listSystems}. */
export interface SystemDescription {
  /** Name used in specs: `water`, `water-box`, `lj-fcc`… */
  name: string;
  /** One line for `--help` and error messages. */
  description: string;
  /** Whether the spec needs a size (`name:N`, N in atoms). Molecules take none. */
  sized: boolean;
  /** Suggested sizes in atoms, smallest first (only for sized families). */
  sizes?: readonly number[];
  /** Which sizes are valid, in words ("N = 4·k³: 32, 108, 256, …"). */
  sizeRule?: string;
}

/** A parsed system spec: `name` or `name:N`. */
export interface SystemSpec {
  name: string;
  /** Size in atoms, when given. */
  size?: number;
}
