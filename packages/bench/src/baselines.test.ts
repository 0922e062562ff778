import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findBaseline, findBaselineDir, loadBaselines } from './baselines.js';

describe('the baseline database', () => {
  it('finds benchmarks/baselines from inside the repository and loads schema-valid results', async () => {
    const dir = findBaselineDir(dirname(fileURLToPath(import.meta.url)));
    expect(dir).not.toBeNull();
    const baselines = await loadBaselines(dir!);
    expect(baselines.length).toBeGreaterThanOrEqual(3);
    const sizes = baselines
      .filter((b) => b.result.calculator.name === 'lj' && b.result.protocol.ensemble === 'nve')
      .map((b) => b.result.system.natoms);
    expect(sizes).toEqual(expect.arrayContaining([256, 2048, 16384]));
    const lj2048 = baselines.find((b) => b.result.system.natoms === 2048)!.result;
    expect(findBaseline(baselines, lj2048)?.result).toBe(lj2048);
    expect(lj2048.memory.leak).toBe(false);
    expect(Math.abs(lj2048.energy.drift!.driftMeVPerAtomPerPs)).toBeLessThan(0.01);
  });

  it('gives none for a folder that does not exist', async () => {
    expect(await loadBaselines('/nonexistent/benchmarks/baselines')).toEqual([]);
  });
});
