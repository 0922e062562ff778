import { chemicalSymbol, InvalidInputError } from '@mlff-distiller/core';

/**
 * The Hamiltonians this package runs:
 * - `GFN2-xTB`: the default; molecules only in xtb 6.5 (its multipole terms have no
 *   periodic implementation);
 * - `GFN1-xTB`: molecules and fully periodic systems;
 * - `GFN0-xTB`: non-self-consistent; molecules and fully periodic systems, the only method
 *   for which libxtb computes the virial (analytic stress); needs xtb's parameter file
 *   `param_gfn0-xtb.txt` (shipped with the `xtb` package). Through libxtb, setting it up
 *   spoils every GFN2-xTB setup after it in the same process (a libxtb bug; such setups
 *   are refused);
 * - `GFN-FF`: the force field; molecules only in xtb 6.5.
 */
export type XtbMethod = 'GFN2-xTB' | 'GFN1-xTB' | 'GFN0-xTB' | 'GFN-FF';

/** Every method, the default first. */
export const XTB_METHODS: readonly XtbMethod[] = ['GFN2-xTB', 'GFN1-xTB', 'GFN0-xTB', 'GFN-FF'];

/** What differs between methods, for the calculators. */
export interface XtbMethodInfo {
  /** Tight binding (GFN0/1/2): takes electronic temperature, iterations, unpaired electrons. */
  tightBinding: boolean;
  /** Self-consistent: iterations and SCF convergence matter. */
  selfConsistent: boolean;
  /** libxtb 6.5 handles fully periodic systems with this method. */
  periodic: boolean;
  /** libxtb computes the virial (strain derivative) with this method. */
  virial: boolean;
  /** Arguments selecting the method on the `xtb` command line. */
  programArguments: readonly string[];
  /**
   * xtb's parameter file when the library has no parameters built in (GFN0-xTB); GFN1,
   * GFN2 and GFN-FF parameters are compiled into libxtb.
   */
  parameterFile: string | null;
}

const INFO: Readonly<Record<XtbMethod, XtbMethodInfo>> = {
  'GFN2-xTB': {
    tightBinding: true,
    selfConsistent: true,
    periodic: false,
    virial: false,
    programArguments: ['--gfn', '2'],
    parameterFile: null,
  },
  'GFN1-xTB': {
    tightBinding: true,
    selfConsistent: true,
    periodic: true,
    virial: false,
    programArguments: ['--gfn', '1'],
    parameterFile: null,
  },
  'GFN0-xTB': {
    tightBinding: true,
    selfConsistent: false,
    periodic: true,
    virial: true,
    programArguments: ['--gfn', '0'],
    parameterFile: 'param_gfn0-xtb.txt',
  },
  'GFN-FF': {
    tightBinding: false,
    selfConsistent: false,
    periodic: false,
    virial: false,
    programArguments: ['--gfnff'],
    parameterFile: null,
  },
};

/**
 * Checks a method name and returns its properties; throws InvalidInputError listing the
 * known methods for anything else.
 */
export function xtbMethodInfo(method: string): XtbMethodInfo {
  const info = (INFO as Record<string, XtbMethodInfo | undefined>)[method];
  if (!info) {
    throw new InvalidInputError(
      `unknown xtb method "${method}"; available: ${XTB_METHODS.join(', ')}`,
    );
  }
  return info;
}

/** The heaviest element every method is parametrised for: radon. */
export const XTB_MAX_ATOMIC_NUMBER = 86;

/**
 * Checks that every atom is an element the methods are parametrised for, H to Rn (Z 1–86),
 * and throws InvalidInputError naming the first that is not. libxtb must never see one:
 * for Z > 86 the tight-binding methods stop the whole process (Fortran `ERROR STOP`) and
 * GFN-FF returns garbage (NaN, 1e-314).
 */
export function checkXtbElements(numbers: ArrayLike<number>, method: XtbMethod): void {
  for (let i = 0; i < numbers.length; i++) {
    const z = numbers[i]!;
    if (!(Number.isInteger(z) && z >= 1 && z <= XTB_MAX_ATOMIC_NUMBER)) {
      const name =
        Number.isInteger(z) && z >= 1 && z <= 118 ? `${chemicalSymbol(z)} (Z ${z})` : `Z ${z}`;
      throw new InvalidInputError(
        `${method} is parametrised for H to Rn (Z 1–${XTB_MAX_ATOMIC_NUMBER}); atom ${i} is ${name}`,
      );
    }
  }
}
