import { InvalidInputError } from '@mlff-distiller/core';

/**
 * The number of unpaired electrons to give xtb for atoms with atomic numbers `numbers` and
 * total charge `charge` (e): `uhf` when given, otherwise 0 for an even and 1 for an odd
 * electron count (what xtb itself does for an odd count). xtb cannot place an odd number of
 * unpaired electrons among an even number of electrons (or the reverse) and would quietly
 * use a neighbouring value, so a `uhf` of the wrong parity throws InvalidInputError.
 */
export function resolveUnpairedElectrons(
  numbers: ArrayLike<number>,
  charge: number,
  uhf: number | undefined,
): number {
  let electrons = -charge;
  for (let i = 0; i < numbers.length; i++) electrons += numbers[i]!;
  if (electrons < 0) {
    throw new InvalidInputError(`charge ${charge} leaves a negative number of electrons`);
  }
  const parity = electrons % 2;
  if (uhf === undefined) return parity;
  if (uhf % 2 !== parity || uhf > electrons) {
    throw new InvalidInputError(
      `uhf ${uhf} is impossible with ${electrons} electrons (charge ${charge}): the number of unpaired electrons must be ${
        parity === 1 ? 'odd' : 'even'
      } and at most the electron count`,
    );
  }
  return uhf;
}
