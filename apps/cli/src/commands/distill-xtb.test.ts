import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSystem } from '@mlff-distiller/bench';
import { writeExtxyz } from '@mlff-distiller/core';
import { describe, expect, it } from 'vitest';
import { mlffd, tmp } from '../__fixtures__/run-mlffd.js';

describe('mlffd distill --teacher xtb', () => {
  it('samples and labels ethanol live with GFN2-xTB and reports the speed-up over it', async () => {
    const dir = tmp();
    const starts = join(dir, 'ethanol.extxyz');
    const ethanol = buildSystem('ethanol');
    ethanol.info = { name: 'ethanol' };
    await writeExtxyz(starts, { atoms: ethanol });
    const config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      [
        `run_dir: ${join(dir, 'run')}`,
        `structures: ${starts}`,
        'students: [ultra-tiny]',
        'sampling:',
        '  temperatures: [300]',
        '',
      ].join('\n'),
    );
    const r = mlffd(['distill', config, '--quick', '--teacher', 'xtb']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/sample: teacher MD at 300 K/);
    expect(r.stderr).toMatch(/label: \d+ structures with GFN2-xTB/);
    const report = JSON.parse(readFileSync(join(dir, 'run/report.json'), 'utf8'));
    expect(report.teacher.name).toMatch(/GFN2-xTB/);
    expect(report.teacher.msPerStep.ethanol).toBeGreaterThan(0);
    const [student] = report.students;
    expect(student.speed[0].structure).toBe('ethanol');
    expect(student.speed[0].speedUp).toBeGreaterThan(0);
    expect(readFileSync(join(dir, 'run/report.html'), 'utf8')).toMatch(/speed-up over teacher/);
  }, 300_000);
});
