import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../cli-error.js';
import { parseProfileOptions, profileCommand } from './profile.js';

describe('mlffd profile', () => {
  afterEach(() => vi.restoreAllMocks());

  it('profiles an fcc system, writes the files, and compares two reports', async () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const dir = mkdtempSync(join(tmpdir(), 'mlffd-profile-cli-'));
    const args = ['--system', 'lj-fcc:108', '--calculator', 'lj', '--steps', '60', '--warmup', '5'];
    expect(await profileCommand([...args, '--out', join(dir, 'a'), '--quiet'])).toBe(0);
    expect(
      await profileCommand([
        ...args,
        '--out',
        join(dir, 'b'),
        '--quiet',
        '--cpu-profile-window',
        'none',
      ]),
    ).toBe(0);
    for (const f of [
      'trace.json',
      'profile.cpuprofile',
      'hotspots.txt',
      'hotspots.json',
      'memory.csv',
    ])
      expect(existsSync(join(dir, 'a', f)), f).toBe(true);
    expect(existsSync(join(dir, 'b', 'profile.cpuprofile'))).toBe(false);
    expect(readFileSync(join(dir, 'a', 'hotspots.txt'), 'utf8')).toContain('calculator.compute');
    out.mockClear();
    expect(
      await profileCommand([
        '--compare',
        join(dir, 'a', 'hotspots.json'),
        join(dir, 'b', 'hotspots.json'),
      ]),
    ).toBe(0);
    const printed = out.mock.calls.map((c) => String(c[0])).join('');
    expect(printed).toContain('loop time ratio after/before');
    expect(printed).toContain('calculator.compute');
  });

  it('rejects bad command lines with usage errors', () => {
    expect(() => parseProfileOptions(['--calculator', 'lj', '--steps', '10'])).toThrow(UsageError);
    expect(() => parseProfileOptions(['--system', 'lj-fcc:32', '--steps', '10'])).toThrow(
      /--calculator/,
    );
    expect(() =>
      parseProfileOptions([
        '--system',
        'lj-fcc:32',
        '--calculator',
        'lj',
        '--steps',
        '10',
        '--cpu-profile-window',
        '5:50',
      ]),
    ).toThrow(/A < B ≤ steps/);
    expect(() => parseProfileOptions(['--compare', 'a.json'])).toThrow(/two reports/);
    expect(() =>
      parseProfileOptions([
        '--system',
        'lj-fcc:32',
        '--calculator',
        'lj',
        '--steps',
        '10',
        '--ensemble',
        'nvt',
      ]),
    ).toThrow(/--temperature/);
    expect(parseProfileOptions(['--help'])).toBeNull();
  });
});
