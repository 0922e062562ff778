import { InvalidInputError } from '@mlff-distiller/core';

/** Throws InvalidInputError unless `kelvin` is a finite non-negative temperature; returns it. */
export function checkTemperature(kelvin: number): number {
  if (typeof kelvin !== 'number' || !(kelvin >= 0) || !Number.isFinite(kelvin)) {
    throw new InvalidInputError(`temperature must be a non-negative number of K, got ${kelvin}`);
  }
  return kelvin;
}

/** Throws InvalidInputError unless `value` is finite and positive (or ≥ 0 when `allowZero`); returns it. */
export function checkPositive(value: number, what: string, allowZero = false): number {
  const ok =
    typeof value === 'number' && Number.isFinite(value) && (allowZero ? value >= 0 : value > 0);
  if (!ok) {
    throw new InvalidInputError(
      `${what} must be ${allowZero ? 'zero or positive' : 'positive'}, got ${value}`,
    );
  }
  return value;
}
