import { InvalidInputError } from '@mlff-distiller/core';
import { describe, expect, it } from 'vitest';
import { resolveUnpairedElectrons } from './unpaired-electrons.js';
import { resolveXtbOptions, XTB_DEFAULTS } from './xtb-options.js';

describe('resolveXtbOptions', () => {
  it('fills in xtb’s defaults', () => {
    expect(resolveXtbOptions()).toEqual({
      ...XTB_DEFAULTS,
      uhf: undefined,
      solvent: null,
    });
    expect(XTB_DEFAULTS).toEqual({
      method: 'GFN2-xTB',
      charge: 0,
      accuracy: 1,
      electronicTemperature: 300,
      maxIterations: 250,
    });
  });

  it('rejects bad values with InvalidInputError', () => {
    for (const bad of [
      { uhf: -1 },
      { uhf: 1.5 },
      { charge: Number.NaN },
      { accuracy: 2000 },
      { maxIterations: 2.5 },
      { electronicTemperature: 0 },
      { solvent: { model: 'gbsa' as const, name: 'two words' } },
    ]) {
      expect(() => resolveXtbOptions(bad), JSON.stringify(bad)).toThrow(InvalidInputError);
    }
  });
});

describe('resolveUnpairedElectrons', () => {
  it('defaults by parity and checks a given value', () => {
    expect(resolveUnpairedElectrons([8, 1, 1], 0, undefined)).toBe(0);
    expect(resolveUnpairedElectrons([6, 1, 1, 1], 0, undefined)).toBe(1);
    expect(resolveUnpairedElectrons([8, 1], -1, undefined)).toBe(0);
    expect(resolveUnpairedElectrons([8, 1, 1], 0, 2)).toBe(2);
    expect(() => resolveUnpairedElectrons([8, 1, 1], 0, 1)).toThrow(/must be even/);
    expect(() => resolveUnpairedElectrons([1], 0, 3)).toThrow(/at most the electron count/);
    expect(() => resolveUnpairedElectrons([1], 2, undefined)).toThrow(
      /negative number of electrons/,
    );
  });
});
