import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XtbCalculator } from '@mlff-distiller/backend-xtb';
import { buildSystem } from '@mlff-distiller/bench';
import { Atoms, readExtxyz, writeExtxyz } from '@mlff-distiller/core';
import { describe, expect, it } from 'vitest';
import { mlffd, startMlffd, tmp } from '../__fixtures__/run-mlffd.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const cluster = join(root, 'examples/argon-cluster-55.extxyz');

/** Waits until `file` has at least `lines` lines, polling every 20 ms. */
async function waitForLines(file: string, lines: number, timeoutMs: number): Promise<void> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (existsSync(file) && readFileSync(file, 'utf8').split('\n').length - 1 >= lines) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${file} did not reach ${lines} lines in ${timeoutMs} ms`);
}

describe('mlffd label with GFN2-xTB', () => {
  it('labels neutral molecules and ions in process, each with its own charge', async () => {
    const dir = tmp();
    const water = buildSystem('water');
    const hydroxide = new Atoms({
      symbols: ['O', 'H'],
      positions: [0, 0, 0, 0.97, 0, 0],
      info: { charge: -1 },
    });
    const input = join(dir, 'molecules.extxyz');
    await writeExtxyz(
      input,
      [water, hydroxide, buildSystem('ethanol')].map((atoms) => ({ atoms })),
    );
    const output = join(dir, 'labelled.extxyz');
    const r = mlffd(['label', input, '--teacher', 'xtb', '-o', output]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/GFN2-xTB \(libxtb in process\)/);
    const frames = await readExtxyz(output);
    expect(frames.map((f) => f.atoms.info.charge)).toEqual([undefined, -1, undefined]);
    for (const frame of frames) {
      const xtb = new XtbCalculator({
        charge: Number(frame.atoms.info.charge ?? 0),
        restart: false,
      });
      // extxyz keeps 16 significant digits; both are the same libxtb call.
      expect(frame.results.energy).toBeCloseTo(await xtb.getPotentialEnergy(frame.atoms), 9);
      const forces = await xtb.getForces(frame.atoms);
      const labelled = frame.results.forces as Float64Array;
      for (let i = 0; i < forces.length; i++) expect(labelled[i]).toBeCloseTo(forces[i]!, 9);
      await xtb.dispose();
    }
  });

  it('resumes after SIGKILL and writes exactly the dataset of an uninterrupted run', async () => {
    const dir = tmp();
    const input = join(dir, 'clusters.extxyz');
    // 30 clusters of 20 waters: ~0.1 s each in the xtb program, so the kill lands mid-job.
    await writeExtxyz(
      input,
      Array.from({ length: 30 }, (_, k) => ({
        atoms: buildSystem('water-cluster:60', { seed: k + 1 }),
      })),
    );
    const teacher = ['--teacher', 'xtb-program', '--workers', '2'];

    const whole = join(dir, 'whole.extxyz');
    const r = mlffd(['label', input, ...teacher, '-o', whole]);
    expect(r.code, r.stderr).toBe(0);

    const killed = join(dir, 'killed.extxyz');
    const child = startMlffd(['label', input, ...teacher, '-o', killed]);
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    await waitForLines(`${killed}.journal`, 1 + 8, 60_000);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(existsSync(killed)).toBe(false); // the dataset is only written when complete
    const journaled = readFileSync(`${killed}.journal`, 'utf8').split('\n').length - 2;
    expect(journaled).toBeGreaterThanOrEqual(8);
    expect(journaled).toBeLessThan(30);

    const again = mlffd(['label', input, ...teacher, '-o', killed]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(
      new RegExp(`resuming: ${journaled} structures done by an earlier run`),
    );
    expect(again.stderr).toMatch(
      new RegExp(`30 structures labelled, ${30 - journaled} by this run`),
    );
    expect(readFileSync(killed, 'utf8')).toBe(readFileSync(whole, 'utf8'));
  }, 120_000);

  it('names what is missing: the xtb program, libxtb, a bad option', () => {
    const dir = tmp();
    const input = join(dir, 'w.extxyz');
    const noXtb = mlffd(['label', cluster, '--teacher', 'xtb-program', '-o', input], {
      ...process.env,
      PATH: '/nonexistent',
    });
    expect(noXtb.code).toBe(1);
    expect(noXtb.stderr).toMatch(/xtb/);
    expect(noXtb.stderr).toMatch(/apt-get install xtb/);
    expect(noXtb.stderr).not.toMatch(/\n\s+at /);

    const noLibrary = mlffd(['label', cluster, '--teacher', 'xtb', '-o', input], {
      ...process.env,
      MLFFD_LIBXTB: '/nonexistent/libxtb.so.6',
    });
    expect(noLibrary.code).toBe(1);
    expect(noLibrary.stderr).toMatch(/\/nonexistent\/libxtb\.so\.6/);
    expect(noLibrary.stderr).toMatch(/apt-get install libxtb6/);
    expect(noLibrary.stderr).not.toMatch(/\n\s+at /);

    const parallel = mlffd(['label', cluster, '--teacher', 'xtb', '--workers', '2', '-o', input]);
    expect(parallel.code).toBe(2);
    expect(parallel.stderr).toMatch(/use --teacher xtb-program --workers N/);
  });
});
