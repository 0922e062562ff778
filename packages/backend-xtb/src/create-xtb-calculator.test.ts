import { createBackendRegistry, NoBackendAvailableError } from '@mlff-distiller/core';
import { describe, expect, it } from 'vitest';
import { water } from './__fixtures__/molecules.js';
import { createXtbCalculator } from './create-xtb-calculator.js';
import { registerXtbCalculators, type XtbCalculatorFactory } from './register.js';
import { xtbAvailability } from './xtb-availability.js';
import { XtbCalculator } from './xtb-calculator.js';
import { XtbUnavailableError } from './xtb-error.js';
import { XtbProgramCalculator } from './xtb-program-calculator.js';

const MISSING_LIBRARY = { path: '/nonexistent/libxtb.so.6' };

describe('xtbAvailability', () => {
  it('reports both paths here (Debian xtb 6.5.1)', async () => {
    const report = await xtbAvailability();
    expect(report.library).toMatchObject({ available: true, apiVersion: 10000, alpb: false });
    expect(report.program).toMatchObject({ available: true });
    if (report.program.available) expect(report.program.version).toMatch(/xtb version 6\.5/);
  });

  it('says why a path does not work', async () => {
    const report = await xtbAvailability({ library: MISSING_LIBRARY, program: '/nonexistent/xtb' });
    expect(report.library.available).toBe(false);
    expect(report.program.available).toBe(false);
    if (!report.library.available) expect(report.library.reason).toMatch(/apt-get install libxtb6/);
    if (!report.program.available) expect(report.program.reason).toMatch(/apt-get install xtb/);
  });
});

describe('createXtbCalculator', () => {
  it('library, program and auto', async () => {
    expect(await createXtbCalculator({ mode: 'library' })).toBeInstanceOf(XtbCalculator);
    expect(await createXtbCalculator({ mode: 'program' })).toBeInstanceOf(XtbProgramCalculator);
    expect(await createXtbCalculator()).toBeInstanceOf(XtbCalculator);
  });

  it('auto falls back to the program, and both agree', async () => {
    const calc = await createXtbCalculator({ library: MISSING_LIBRARY, charge: 0 });
    expect(calc).toBeInstanceOf(XtbProgramCalculator);
    const library = await createXtbCalculator({ mode: 'library', threads: 1 });
    const a = await calc.getPotentialEnergy(water());
    const b = await library.getPotentialEnergy(water());
    expect(Math.abs(a - b)).toBeLessThan(1e-6);
  });

  it('auto takes the program for ALPB, which libxtb 6.5 cannot do', async () => {
    const calc = await createXtbCalculator({ solvent: { model: 'alpb', name: 'water' } });
    expect(calc).toBeInstanceOf(XtbProgramCalculator);
  });

  it('the path asked for, or a clear error', async () => {
    await expect(
      createXtbCalculator({ mode: 'library', library: MISSING_LIBRARY }),
    ).rejects.toThrow(XtbUnavailableError);
    await expect(
      createXtbCalculator({ mode: 'program', program: '/nonexistent/xtb' }),
    ).rejects.toThrow(/does not exist or is not executable/);
    const error = await createXtbCalculator({
      library: MISSING_LIBRARY,
      program: '/nonexistent/xtb',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoBackendAvailableError);
    expect((error as Error).message).toMatch(/xtb: libxtb could not be loaded/);
    expect((error as Error).message).toMatch(/xtb-program: the xtb program \/nonexistent\/xtb/);
    await expect(createXtbCalculator({ method: 'GFN3' as never })).rejects.toThrow(
      /unknown xtb method/,
    );
    await expect(createXtbCalculator({ mode: 'gpu' as never })).rejects.toThrow(/mode must be/);
  });
});

describe('registerXtbCalculators', () => {
  it('registers xtb (library, preferred) and xtb-program', async () => {
    const registry = createBackendRegistry<XtbCalculatorFactory>('calculator');
    registerXtbCalculators(registry);
    expect(registry.names()).toEqual(['xtb', 'xtb-program']);
    const { name, backend } = await registry.resolve();
    expect(name).toBe('xtb');
    expect(backend({ method: 'GFN1-xTB' }).name).toBe('xtb');
    expect((await registry.get('xtb-program'))().name).toBe('xtb-program');
  });
});
