import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchmarkSchemaProblems } from '@mlff-distiller/bench';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../cli-error.js';
import { benchCommand, parseBenchOptions } from './bench.js';

function captureLog() {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
    lines.push(a.join(' '));
  });
  vi.spyOn(console, 'error').mockImplementation(() => {});
  return lines;
}

describe('mlffd bench', () => {
  afterEach(() => vi.restoreAllMocks());

  it('benchmarks LJ on 256, 2048 and 16384 atoms, writes JSON and plots, and --compare prints ratios', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlffd-bench-cli-'));
    const args = [
      '--calculator',
      'lj',
      '--system',
      'lj-fcc',
      '--sizes',
      '256,2048,16384',
      '--steps',
      '6',
      '--warmup',
      '2',
      '--dt',
      '2',
      '--temperature',
      '94.4',
      '--memory-interval',
      '1',
      '--energy-interval',
      '1',
      '--quiet',
    ];
    let log = captureLog();
    expect(await benchCommand([...args, '--out', join(dir, 'a')])).toBe(0);
    expect(log.join('\n')).toMatch(/lj lj-fcc:16384 \(16384 atoms, nve\), [\d.]+ µs\/atom-step/);
    for (const n of [256, 2048, 16384]) {
      const stem = join(dir, 'a', `lj_lj-fcc-${n}_nve`);
      const json = JSON.parse(readFileSync(`${stem}.json`, 'utf8')) as unknown;
      expect(benchmarkSchemaProblems(json)).toEqual([]);
      for (const plot of ['latency-histogram', 'latency', 'memory', 'energy']) {
        const svg = readFileSync(`${stem}.${plot}.svg`, 'utf8');
        expect(svg).toMatch(/<svg\b[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
        expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
      }
    }
    expect(existsSync(join(dir, 'a', 'scaling.svg'))).toBe(true);
    expect(
      benchmarkSchemaProblems(JSON.parse(readFileSync(join(dir, 'a', 'results.json'), 'utf8'))),
    ).toEqual([]);

    // A second run (lj against morse side by side on one size) for the comparison.
    log = captureLog();
    expect(
      await benchCommand([
        ...args.map((a) => (a === 'lj' ? 'lj,morse' : a === '256,2048,16384' ? '256' : a)),
        '--out',
        join(dir, 'b'),
        '--baseline',
        join(dir, 'a', 'results.json'),
      ]),
    ).toBe(0);
    const text = log.join('\n');
    expect(text).toMatch(/side by side \(same run\)/);
    expect(text).toMatch(/morse vs lj/);
    expect(text).toMatch(/against the baseline/);

    log = captureLog();
    expect(
      await benchCommand([
        '--compare',
        join(dir, 'a', 'lj_lj-fcc-256_nve.json'),
        join(dir, 'b', 'lj_lj-fcc-256_nve.json'),
      ]),
    ).toBe(0);
    const cmp = log.join('\n');
    expect(cmp).toMatch(/ratios candidate \/ baseline/);
    expect(cmp).toMatch(/lj-fcc:256 \(256 atoms\) nve: lj vs lj/);
    expect(cmp).toMatch(/mean ms\/step\s+[\d.e+-]+\s+[\d.e+-]+\s+[\d.]+x/);
    expect(cmp).toMatch(/µs\/atom-step\s+[\d.e+-]+\s+[\d.e+-]+\s+[\d.]+x/);

    // Merging two runs into one collection.
    log = captureLog();
    const merged = join(dir, 'merged.json');
    expect(
      await benchCommand([
        '--merge',
        merged,
        join(dir, 'a', 'results.json'),
        join(dir, 'b', 'results.json'),
      ]),
    ).toBe(0);
    const collection = JSON.parse(readFileSync(merged, 'utf8')) as { results: unknown[] };
    expect(benchmarkSchemaProblems(collection)).toEqual([]);
    expect(collection.results).toHaveLength(5);
  });

  it('rejects bad command lines with usage errors', () => {
    expect(() => parseBenchOptions(['--system', 'lj-fcc', '--steps', '5'])).toThrow(UsageError);
    expect(() => parseBenchOptions(['--calculator', 'lj', '--steps', '5'])).toThrow(/--system/);
    expect(() => parseBenchOptions(['--calculator', 'lj', '--system', 'lj-fcc'])).toThrow(
      /--steps/,
    );
    expect(() =>
      parseBenchOptions([
        '--calculator',
        'lj',
        '--system',
        'lj-fcc',
        '--steps',
        '5',
        '--pressure',
        '1',
      ]),
    ).toThrow(/npt/);
    expect(() => parseBenchOptions(['--compare', 'a.json'])).toThrow(/candidate/);
    const o = parseBenchOptions([
      '--calculator',
      'lj,morse',
      '--system',
      'lj-fcc,ethanol',
      '--sizes',
      '256,2048',
      '--steps',
      '5',
      '--param',
      'skin=0.5',
      '--param',
      'lj.rc=9',
    ]);
    expect(o?.mode).toBe('run');
    if (o?.mode !== 'run') return;
    expect(o.systems).toEqual(['lj-fcc:256', 'lj-fcc:2048', 'ethanol']);
    expect(o.params).toEqual({ lj: { skin: 0.5, rc: 9 }, morse: { skin: 0.5 } });
  });
});
