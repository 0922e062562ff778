import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, DISTILL_CONFIG_SCHEMA, resolveConfig } from '@mlff-distiller/distill';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { mlffd, tmp } from '../__fixtures__/run-mlffd.js';
import { readDistillConfig } from './distill.js';

describe('mlffd distill configuration', () => {
  it('fills every default, and --print-config prints YAML that reads back to the same settings', () => {
    const defaults = readDistillConfig(undefined);
    expect(defaults.students).toEqual(['original', 'tiny', 'ultra-tiny']);
    expect(defaults.teacher).toBe('embedded');
    const r = mlffd(['distill', '--print-config']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /# Optimizer steps per student.*\n.*\n {2}steps:\n {4}# Steps of original\.\n {4}original: \d+/,
    );
    expect(resolveConfig(parse(r.stdout), DISTILL_CONFIG_SCHEMA, 'printed')).toEqual(defaults);
  });

  it('reports each mistake with its file, line, path and what is allowed', () => {
    const dir = tmp();
    const path = join(dir, 'config.yaml');
    writeFileSync(
      path,
      [
        'run_dir: runs/x',
        'students: [original, huge]',
        'training:',
        '  steps:',
        '    tiny: -3',
        '  learning_rat: 0.1',
        '',
      ].join('\n'),
    );
    let error: unknown;
    try {
      readDistillConfig(path);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(
      `${path}:2: students: expected a list of original, tiny, ultra-tiny, got ["original","huge"]`,
    );
    expect(message).toContain(`${path}:5: training.steps.tiny: expected an integer ≥ 1, got -3`);
    expect(message).toMatch(
      new RegExp(
        `${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:6: training\\.learning_rat: unknown setting; allowed here: steps, batch_size, learning_rate`,
      ),
    );

    writeFileSync(path, 'training:\n  steps: [1\n');
    expect(() => readDistillConfig(path)).toThrow(/config\.yaml:\d+: \(YAML\): /);

    const cli = mlffd(['distill', path]);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/^mlffd: error: .*config\.yaml:\d+: \(YAML\)/);
    expect(cli.stderr).not.toMatch(/\n\s+at /);
  });
});
