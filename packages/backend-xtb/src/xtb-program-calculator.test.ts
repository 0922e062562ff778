import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { PropertyNotImplementedError } from '@mlff-distiller/core';
import { describe, expect, it } from 'vitest';
import { displaced } from './__fixtures__/compare.js';
import { ethanol, water } from './__fixtures__/molecules.js';
import { XtbError, XtbUnavailableError } from './xtb-error.js';
import { resolveXtbOptions } from './xtb-options.js';
import { xtbProgramArguments } from './xtb-program.js';
import { XtbProgramCalculator } from './xtb-program-calculator.js';

function runDirectories(): string[] {
  return readdirSync(tmpdir()).filter((name) => name.startsWith('mlffd-xtb-run-'));
}

describe('XtbProgramCalculator', () => {
  it('builds the command line of the issue', () => {
    const options = { ...resolveXtbOptions({ charge: -1, accuracy: 0.1 }), uhf: 0 };
    expect(xtbProgramArguments('coord', options)).toEqual([
      'coord',
      '--grad',
      '--chrg',
      '-1',
      '--uhf',
      '0',
      '--acc',
      '0.1',
      '--etemp',
      '300',
      '--iterations',
      '250',
      '--gfn',
      '2',
    ]);
    const ff = {
      ...resolveXtbOptions({ method: 'GFN-FF', solvent: { model: 'alpb', name: 'water' } }),
      uhf: 0,
    };
    expect(xtbProgramArguments('coord', ff).slice(-3)).toEqual(['--gfnff', '--alpb', 'water']);
  });

  it('runs in a temporary directory it removes afterwards, also after a failure', async () => {
    const before = runDirectories().length;
    const calc = new XtbProgramCalculator();
    await calc.getForces(water());
    await new XtbProgramCalculator({ maxIterations: 1 })
      .getPotentialEnergy(ethanol())
      .catch(() => {});
    expect(runDirectories().length).toBe(before);
  });

  it('ALPB solvation (program only in xtb 6.5) lowers the energy, unlike GBSA', async () => {
    const atoms = displaced(ethanol());
    const gas = await new XtbProgramCalculator().getPotentialEnergy(atoms);
    const alpb = await new XtbProgramCalculator({
      solvent: { model: 'alpb', name: 'water' },
    }).getPotentialEnergy(atoms);
    const gbsa = await new XtbProgramCalculator({
      solvent: { model: 'gbsa', name: 'water' },
    }).getPotentialEnergy(atoms);
    expect(alpb - gas).toBeLessThan(-0.05);
    expect(Math.abs(alpb - gbsa)).toBeGreaterThan(1e-3);
  });

  it('a program path that does not exist: says so and how to install xtb', async () => {
    const calc = new XtbProgramCalculator({ program: '/nonexistent/bin/xtb' });
    const error = await calc.getPotentialEnergy(water()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(XtbUnavailableError);
    expect((error as XtbUnavailableError).component).toBe('program');
    expect((error as Error).message).toMatch(
      /the xtb program \/nonexistent\/bin\/xtb does not exist or is not executable; install it with "apt-get install xtb"/,
    );
  });

  it('a program name not on PATH: says it was not found on PATH', async () => {
    const calc = new XtbProgramCalculator({ program: 'xtb-that-is-not-installed' });
    await expect(calc.getPotentialEnergy(water())).rejects.toThrow(
      /the xtb program "xtb-that-is-not-installed" was not found on PATH; install it with "apt-get install xtb"/,
    );
  });

  it('SCF failure: xtb’s error and the tail of its output', async () => {
    const calc = new XtbProgramCalculator({ maxIterations: 1 });
    const error = await calc.getPotentialEnergy(ethanol()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(XtbError);
    const message = (error as Error).message;
    expect(message).toMatch(/^xtb coord --grad .* --iterations 1 --gfn 2 exited with code 1: /);
    expect(message).toMatch(/scf: Self consistent charge iterator did not converge/);
    expect(message).toMatch(/--- last lines of its output ---\n[\s\S]*abnormal termination of xtb/);
    expect((error as XtbError).xtbMessage).toMatch(/\[ERROR\] Program stopped due to fatal error/);
  });

  it('has no stress (xtb 6.5 writes a zero lattice gradient for GFN1-xTB)', async () => {
    await expect(new XtbProgramCalculator().getStress(water())).rejects.toBeInstanceOf(
      PropertyNotImplementedError,
    );
  });

  it('parameters record the settings', () => {
    expect(new XtbProgramCalculator({ method: 'GFN-FF' }).parameters).toMatchObject({
      backend: 'xtb-program',
      program: 'xtb',
      method: 'GFN-FF',
      threads: 1,
    });
  });
});
