import { describe, expect, it } from 'vitest';
import { fitNormalisation } from './fit-normalisation.js';

describe('fitNormalisation', () => {
  it('recovers per-element energies from compositions and scales by the RMS force', () => {
    const e = { 1: -13.6, 6: -1030.2, 8: -2041.7 } as Record<number, number>;
    const comps = [
      [8, 1, 1],
      [6, 1, 1, 1, 1],
      [6, 6, 1, 1, 1, 1, 8],
      [8, 8],
      [6, 8, 8],
    ];
    const data = comps.map((numbers, k) => ({
      numbers,
      energy: numbers.reduce((s, z) => s + e[z]!, 0) + 0.01 * Math.sin(k),
      forces: numbers.flatMap(() => [0.3, -0.4, 0]),
    }));
    const n = fitNormalisation(data, [1, 6, 8]);
    expect(n.referenceEnergies[0]).toBeCloseTo(-13.6, 1);
    expect(n.referenceEnergies[1]).toBeCloseTo(-1030.2, 1);
    expect(n.referenceEnergies[2]).toBeCloseTo(-2041.7, 1);
    expect(n.energyScale).toBeCloseTo(Math.sqrt((0.09 + 0.16) / 3), 12);
  });

  it('handles elements that always appear in the same ratio, and rejects unknown ones', () => {
    const data = [
      { numbers: [8, 1, 1], energy: -10 },
      { numbers: [8, 8, 1, 1, 1, 1], energy: -20 },
    ];
    const n = fitNormalisation(data, [1, 8]);
    expect(n.referenceEnergies[0]! * 2 + n.referenceEnergies[1]!).toBeCloseTo(-10, 6);
    expect(n.energyScale).toBeGreaterThan(0);
    expect(() => fitNormalisation([{ numbers: [26], energy: 0 }], [1, 8])).toThrow(/Z=26/);
  });
});
