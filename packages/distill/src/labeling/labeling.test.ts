import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Atoms,
  type CalculatorPool,
  calculatorPool,
  fccCrystal,
  PoolUnavailableError,
} from '@mlff-distiller/core';
import { describe, expect, it } from 'vitest';
import { argonTeacher } from '../__fixtures__/argon.js';
import { readDataset } from '../dataset-io.js';
import { LABEL_JOURNAL_FORMAT, LabelJournal } from './label-journal.js';
import { labelStructures } from './label-structures.js';

const dir = mkdtempSync(join(tmpdir(), 'mlffd-label-'));

function argonCells(count: number): Atoms[] {
  return Array.from({ length: count }, (_, k) =>
    fccCrystal('Ar', 5.26 * (1 + 0.004 * k), 2, { rattle: 0.1, seed: k + 1 }),
  );
}

/** A pool that works for `budget` structures, then behaves as if every worker had left. */
function failingAfter(pool: CalculatorPool, budget: number): CalculatorPool {
  let left = budget;
  return {
    name: pool.name,
    concurrency: pool.concurrency,
    compute(atoms, properties) {
      if (left-- <= 0) return Promise.reject(new PoolUnavailableError('every worker left'));
      return pool.compute(atoms, properties);
    },
  };
}

describe('labelStructures', () => {
  it("labels in input order with the teacher's exact numbers over several workers", async () => {
    const structures = argonCells(7);
    const output = join(dir, 'exact.extxyz');
    const pool = calculatorPool([argonTeacher(), argonTeacher()]);
    const progress: number[] = [];
    const result = await labelStructures({
      structures,
      pool,
      output,
      onProgress: (p) => progress.push(p.done),
    });
    expect(result).toMatchObject({ labelled: 7, failures: [], computedThisRun: 7 });
    expect(progress.at(-1)).toBe(7);
    const data = await readDataset(output);
    const teacher = argonTeacher();
    for (let k = 0; k < 7; k++) {
      // extxyz keeps 16 significant digits (ASE's %.16g would too): relative 1e-15.
      const energy = await teacher.getPotentialEnergy(data[k]!.atoms);
      expect(data[k]!.energy).toBeCloseTo(energy, 12);
      const forces = await teacher.getForces(data[k]!.atoms);
      for (let i = 0; i < forces.length; i++)
        expect(data[k]!.forces[i]).toBeCloseTo(forces[i]!, 10);
    }
  });

  it('resumes after an interruption without relabeling, and writes the same dataset', async () => {
    const structures = argonCells(9);
    const whole = join(dir, 'whole.extxyz');
    await labelStructures({ structures, pool: calculatorPool([argonTeacher()]), output: whole });

    const resumed = join(dir, 'resumed.extxyz');
    const interrupted = labelStructures({
      structures,
      pool: failingAfter(calculatorPool([argonTeacher(), argonTeacher()]), 4),
      output: resumed,
    });
    await expect(interrupted).rejects.toThrow(PoolUnavailableError);
    const journalLines = readFileSync(`${resumed}.journal`, 'utf8').trim().split('\n');
    expect(journalLines).toHaveLength(1 + 4);
    // Simulate a kill while the next line was being written.
    appendFileSync(`${resumed}.journal`, '{"i":7,"energy":-1.2,"forces":[0.1,');

    let computed = 0;
    const counting: CalculatorPool = {
      ...calculatorPool([argonTeacher()]),
      compute(atoms, properties) {
        computed++;
        return calculatorPool([argonTeacher()]).compute(atoms, properties);
      },
    };
    const result = await labelStructures({ structures, pool: counting, output: resumed });
    expect(computed).toBe(5);
    expect(result.computedThisRun).toBe(5);
    expect(readFileSync(resumed, 'utf8')).toBe(readFileSync(whole, 'utf8'));

    // Nothing left: a third run computes nothing and writes the same file again.
    computed = 0;
    await labelStructures({ structures, pool: counting, output: resumed });
    expect(computed).toBe(0);
    expect(readFileSync(resumed, 'utf8')).toBe(readFileSync(whole, 'utf8'));
  });

  it('records a structure the teacher fails on, leaves it out, and goes on', async () => {
    const structures = argonCells(4);
    const teacher = calculatorPool([argonTeacher()]);
    const pool: CalculatorPool = {
      ...teacher,
      compute(atoms, properties) {
        if (atoms.positions[0] === structures[2]!.positions[0]) {
          return Promise.reject(new Error('SCF did not converge in 250 iterations'));
        }
        return teacher.compute(atoms, properties);
      },
    };
    const output = join(dir, 'failure.extxyz');
    const result = await labelStructures({ structures, pool, output });
    expect(result.labelled).toBe(3);
    expect(result.failures).toEqual([
      { index: 2, error: 'SCF did not converge in 250 iterations' },
    ]);
    expect(await readDataset(output)).toHaveLength(3);
  });

  it('stops when the teacher fails on everything, without recording the failures', async () => {
    const structures = argonCells(8);
    const pool: CalculatorPool = {
      name: 'broken',
      concurrency: 1,
      compute: () => Promise.reject(new Error('xtb: unknown element 118')),
    };
    const output = join(dir, 'broken.extxyz');
    await expect(labelStructures({ structures, pool, output })).rejects.toThrow(
      /broken failed on the first 5 structures.*unknown element 118/,
    );
    expect(readFileSync(`${output}.journal`, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('refuses a journal of another job, naming both', async () => {
    const output = join(dir, 'other.extxyz');
    await labelStructures({
      structures: argonCells(2),
      pool: calculatorPool([argonTeacher()]),
      output,
    });
    await expect(
      labelStructures({
        structures: argonCells(3),
        pool: calculatorPool([argonTeacher()]),
        output,
      }),
    ).rejects.toThrow(
      /other\.extxyz\.journal belongs to another labeling job \(2 structures.*this job has 3 structures/,
    );
  });
});

describe('LabelJournal', () => {
  const header = {
    journal: LABEL_JOURNAL_FORMAT,
    version: 1,
    input: 'abc',
    count: 3,
    teacher: 't',
  } as const;

  it('names the line of a damaged entry that is not the last', () => {
    const path = join(dir, 'damaged.journal');
    writeFileSync(path, `${JSON.stringify(header)}\n{"i":0,"ener\n{"i":1,"error":"x"}\n`);
    expect(() => LabelJournal.open(path, header)).toThrow(/damaged\.journal:2: not a JSON line/);
  });

  it('cuts a torn last line and appends after the last whole one', () => {
    const path = join(dir, 'torn.journal');
    writeFileSync(path, `${JSON.stringify(header)}\n{"i":1,"error":"x"}\n{"i":2,"energy":-1,"for`);
    const journal = LabelJournal.open(path, header);
    expect([...journal.entries.keys()]).toEqual([1]);
    journal.append({ i: 2, energy: -1, forces: [0, 0, 0] });
    journal.close();
    expect(readFileSync(path, 'utf8').split('\n')).toEqual([
      JSON.stringify(header),
      '{"i":1,"error":"x"}',
      '{"i":2,"energy":-1,"forces":[0,0,0]}',
      '',
    ]);
  });

  it('refuses entries outside the job', () => {
    const path = join(dir, 'outside.journal');
    writeFileSync(path, `${JSON.stringify(header)}\n{"i":5,"error":"x"}\n{"i":1,"error":"x"}\n`);
    expect(() => LabelJournal.open(path, header)).toThrow(
      /outside\.journal:2: not a label journal entry/,
    );
  });
});
