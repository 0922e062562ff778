import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Random } from '@mlff-distiller/core';
import { afterAll, describe, expect, it } from 'vitest';
import { histogram, quantile } from './histogram.js';
import { lineChart } from './line-chart.js';
import { fitPowerLaw, scalingChart } from './scaling-chart.js';
import { formatLogTick, formatTick, linearAxis, logAxis, niceNumber, niceTicks } from './ticks.js';
import { writeSvg } from './write-svg.js';
import { badNumbers, xmlProblems } from './xml-check.js';

function expectValidSvg(svg: string): void {
  expect(xmlProblems(svg)).toEqual([]);
  expect(badNumbers(svg)).toEqual([]);
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
}

/** Texts of the <text> elements. */
const texts = (svg: string): string[] =>
  [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);

describe('ticks', () => {
  it('nice numbers are 1, 2, 5 × 10ᵏ', () => {
    expect(niceNumber(0.7, true)).toBe(0.5);
    expect(niceNumber(1.4, true)).toBe(1);
    expect(niceNumber(3.3, false)).toBe(5);
    expect(niceNumber(730, false)).toBe(1000);
  });

  it('covers the range with round steps', () => {
    expect(niceTicks(0, 10, 6)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(0.12, 0.93, 10)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    expect(niceTicks(0.12, 0.93, 8)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-3.2, 7.9, 7)).toEqual([-4, -2, 0, 2, 4, 6, 8]);
    expect(niceTicks(-3.2, 7.9, 6)).toEqual([-5, 0, 5, 10]);
    for (let k = 0; k < 200; k++) {
      const lo = Math.sin(k) * 10 ** (k % 7);
      const hi = lo + Math.abs(Math.cos(k)) * 10 ** (k % 5) + 1e-3;
      const t = niceTicks(lo, hi, 8);
      expect(t.length).toBeLessThanOrEqual(8);
      expect(t.length).toBeGreaterThanOrEqual(2);
      expect(t[0]).toBeLessThanOrEqual(lo);
      expect(t[t.length - 1]).toBeGreaterThanOrEqual(hi);
    }
    expect(niceTicks(1013, 1019, 5)).toEqual([1012, 1014, 1016, 1018, 1020]);
    // no floating-point noise, no -0
    for (const v of niceTicks(-0.3, 0.3, 7)) expect(String(v)).toMatch(/^-?\d+(\.\d)?$/);
    expect(Object.is(niceTicks(-1, 1, 3)[1], -0)).toBe(false);
  });

  it('handles degenerate and invalid ranges', () => {
    expect(niceTicks(5, 5).length).toBeGreaterThan(1);
    expect(niceTicks(0, 0)).toContain(0);
    expect(niceTicks(10, 0)).toEqual(niceTicks(0, 10));
    expect(niceTicks(Number.NaN, 1)).toEqual([]);
  });

  it('formats labels by the step', () => {
    expect(formatTick(0.30000000000000004, 0.1)).toBe('0.3');
    expect(formatTick(1500, 500)).toBe('1500');
    expect(formatTick(2.5e6, 5e5)).toBe('2.5×10⁶');
    expect(formatTick(2e-5, 1e-5)).toBe('2×10⁻⁵');
    expect(formatTick(-0, 1)).toBe('0');
    expect(formatLogTick(1000)).toBe('1000');
    expect(formatLogTick(0.01)).toBe('0.01');
    expect(formatLogTick(1e-6)).toBe('10⁻⁶');
    expect(formatLogTick(1e8)).toBe('10⁸');
  });

  it('linear axes end on ticks around the data', () => {
    const a = linearAxis(0.37, 9.2, 8);
    expect(a.domain[0]).toBeLessThanOrEqual(0.37);
    expect(a.domain[1]).toBeGreaterThanOrEqual(9.2);
    expect(a.major.length).toBeLessThanOrEqual(12);
  });

  it('log axes over many decades put majors at powers of ten', () => {
    const a = logAxis(3, 47000);
    expect(a.domain).toEqual([1, 100000]);
    expect(a.major).toEqual([1, 10, 100, 1000, 10000, 100000]);
    expect(a.minor).toContain(2);
    expect(a.minor).toContain(90000);
    expect(a.labels).toEqual(['1', '10', '100', '1000', '10000', '100000']);
    const wide = logAxis(1e-9, 1e9);
    expect(wide.major.length).toBeLessThanOrEqual(10);
    expect(wide.major[0]).toBe(1e-9);
    expect(wide.labels[0]).toBe('10⁻⁹');
  });

  it('log axes within a decade or two label 1, 2, 5', () => {
    const a = logAxis(2.1, 48);
    expect(a.domain).toEqual([2, 50]);
    expect(a.major).toEqual([2, 5, 10, 20, 50]);
    const b = logAxis(3, 3);
    expect(b.domain[0]).toBeLessThan(3);
    expect(b.domain[1]).toBeGreaterThan(3);
  });
});

describe('lineChart', () => {
  it('draws a well-formed chart with title, labels and legend', () => {
    const svg = lineChart({
      title: 'Energy <total> & "potential"',
      subtitle: 'NVE',
      xLabel: 'time (ps)',
      yLabel: 'energy (eV)',
      series: [
        { name: 'total', x: [0, 1, 2, 3], y: [-1, -1.01, -0.99, -1] },
        { name: 'potential', x: [0, 1, 2, 3], y: [-2, -1.5, -2.2, -1.8], dashed: true },
      ],
      markers: [{ label: 'E₀', value: -1, axis: 'y' }],
    });
    expectValidSvg(svg);
    const t = texts(svg);
    expect(t).toContain('Energy &lt;total&gt; &amp; &quot;potential&quot;');
    expect(t).toContain('time (ps)');
    expect(t).toContain('energy (eV)');
    expect(t).toContain('total');
    expect(t).toContain('potential');
    expect(t).toContain('E₀');
    expect(t.some((s) => s.startsWith('\u2212'))).toBe(true); // negative ticks with a real minus
  });

  it('skips NaN, Infinity and (on log axes) non-positive points', () => {
    const svg = lineChart({
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      logY: true,
      series: [
        {
          name: 's',
          x: [1, 2, 3, 4, 5, 6],
          y: [1, Number.NaN, 0, -5, Number.POSITIVE_INFINITY, 100],
        },
      ],
    });
    expectValidSvg(svg);
  });

  it('draws data spanning decades on log–log axes', () => {
    const x = Array.from({ length: 50 }, (_, i) => 10 ** (i / 7));
    const svg = lineChart({
      title: 'decades',
      xLabel: 'atoms',
      yLabel: 'ms',
      logX: true,
      logY: true,
      series: [{ name: 'a', x, y: x.map((v) => 1e-4 * v ** 1.5) }],
    });
    expectValidSvg(svg);
    const t = texts(svg);
    expect(t).toContain('1');
    expect(t).toContain('10⁶');
    expect(t).toContain('10⁻⁴');
  });

  it('survives empty and constant series', () => {
    expectValidSvg(lineChart({ title: 'empty', xLabel: 'x', yLabel: 'y', series: [] }));
    expectValidSvg(
      lineChart({ title: 'e', xLabel: 'x', yLabel: 'y', series: [{ name: 'a', x: [], y: [] }] }),
    );
    expectValidSvg(
      lineChart({
        title: 'c',
        xLabel: 'x',
        yLabel: 'y',
        series: [{ name: 'a', x: [1, 1], y: [5, 5] }],
      }),
    );
    expect(() =>
      lineChart({ title: 'm', xLabel: 'x', yLabel: 'y', series: [{ name: 'a', x: [1], y: [] }] }),
    ).toThrow(/1 x values but 0 y/);
  });

  it('keeps long series compact by per-pixel decimation', () => {
    const r = new Random(1);
    const n = 200_000;
    const x = Array.from({ length: n }, (_, i) => i);
    const y = Array.from({ length: n }, () => 1 + r.uniform());
    y[123_456] = 50; // a spike must survive decimation
    const svg = lineChart({
      title: 'latency',
      xLabel: 'step',
      yLabel: 'ms',
      series: [{ name: 'step', x, y }],
    });
    expectValidSvg(svg);
    expect(svg.length).toBeLessThan(200_000);
    expect(texts(svg)).toContain('50');
  });
});

describe('histogram', () => {
  const r = new Random(2);
  const values = Array.from({ length: 3000 }, () => 2 + Math.abs(r.normal()));

  it('draws bars, count axis and percentile markers', () => {
    const sorted = [...values].sort((a, b) => a - b);
    const svg = histogram({
      title: 'Step latency',
      xLabel: 'latency (ms)',
      values,
      markers: [
        { label: 'p50', value: quantile(sorted, 0.5) },
        { label: 'p95', value: quantile(sorted, 0.95) },
        { label: 'p99', value: quantile(sorted, 0.99) },
      ],
    });
    expectValidSvg(svg);
    expect(texts(svg)).toEqual(
      expect.arrayContaining(['p50', 'p95', 'p99', 'count', 'latency (ms)']),
    );
    const bars = svg.match(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="[\d.]+"\/>/g)!;
    expect(bars.length).toBeGreaterThanOrEqual(10);
  });

  it('counts every value once', () => {
    const svg = histogram({ title: 'h', xLabel: 'x', values: [1, 1, 1, 2, 3, 3], bins: 2 });
    expectValidSvg(svg);
    expect(texts(svg)).toContain('6 values, 2 bins');
  });

  it('leaves a far tail off the axis and says so', () => {
    const svg = histogram({ title: 'h', xLabel: 'ms', values: [...values, 400] });
    expectValidSvg(svg);
    expect(svg).toMatch(/1 of 3001 values above [\d.]+ not shown \(max 400\)/);
  });

  it('log counts, constant and empty input', () => {
    expectValidSvg(histogram({ title: 'h', xLabel: 'x', values, logY: true }));
    expectValidSvg(histogram({ title: 'h', xLabel: 'x', values: [3, 3, 3] }));
    expectValidSvg(histogram({ title: 'h', xLabel: 'x', values: [Number.NaN] }));
    expect(() => histogram({ title: 'h', xLabel: 'x', values, bins: 0 })).toThrow(/bins/);
  });

  it('quantile interpolates like NumPy', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 0.95)).toBeCloseTo(3.85, 12);
  });
});

describe('scalingChart', () => {
  it('fits power laws', () => {
    const x = [100, 1000, 10000];
    const fit = fitPowerLaw(
      x,
      x.map((v) => 0.003 * v ** 1.2),
    )!;
    expect(fit.exponent).toBeCloseTo(1.2, 12);
    expect(fit.prefactor).toBeCloseTo(0.003, 12);
    expect(fit.r2).toBeCloseTo(1, 12);
    expect(fitPowerLaw([5], [1])).toBeNull();
    expect(fitPowerLaw([5, 5], [1, 2])).toBeNull();
  });

  it('draws measured points and a fitted line per series on log–log axes', () => {
    const svg = scalingChart({
      title: 'Scaling',
      series: [
        { name: 'lj', atoms: [256, 2048, 16384], msPerStep: [0.4, 3.3, 27] },
        { name: 'xtb', atoms: [3, 96, 192], msPerStep: [0.5, 120, 470] },
      ],
    });
    expectValidSvg(svg);
    const t = texts(svg);
    expect(t.some((s) => /^lj: ∝ N\^1\.0\d/.test(s))).toBe(true);
    expect(t).toContain('atoms');
    expect(t).toContain('time per step (ms)');
    expect((svg.match(/stroke-dasharray="6 4"/g) ?? []).length).toBe(3); // two fits + legend
    expect(() =>
      scalingChart({ title: 's', series: [{ name: 'a', atoms: [1, 2], msPerStep: [1] }] }),
    ).toThrow(/2 sizes but 1 timings/);
  });
});

describe('writeSvg', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlffd-plots-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes atomically, creating the folder, leaving no temporary file', async () => {
    const path = join(dir, 'sub', 'chart.svg');
    const svg = lineChart({
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      series: [{ name: 'a', x: [0, 1], y: [0, 1] }],
    });
    await writeSvg(path, svg);
    await writeSvg(path, svg);
    expect(readFileSync(path, 'utf8')).toBe(svg);
    expect(readdirSync(join(dir, 'sub'))).toEqual(['chart.svg']);
  });
});

describe('xml checker', () => {
  it('finds unbalanced tags, bare ampersands and bad numbers', () => {
    expect(xmlProblems('<svg><g></svg>').length).toBeGreaterThan(0);
    expect(xmlProblems('<svg>a & b</svg>')).toEqual(['bare & at 7']);
    expect(xmlProblems('<svg><a x="1" x="2"/></svg>')).toEqual(['duplicate attribute in <a>']);
    expect(xmlProblems('<svg/><svg/>')).toEqual(['2 root elements']);
    expect(xmlProblems('<svg a="1"><b/>&amp;</svg>')).toEqual([]);
    expect(badNumbers('<line x1="NaN" y1="Infinity"/>')).toHaveLength(2);
  });
});

describe('parityChart', () => {
  it('draws every point, the diagonal and equal axes', async () => {
    const { parityChart } = await import('./parity-chart.js');
    const reference = Array.from({ length: 50 }, (_, i) => Math.sin(i));
    const predicted = reference.map((v, i) => v + 0.05 * Math.cos(3 * i));
    const svg = parityChart({ title: 'forces', quantity: 'force (eV/Å)', reference, predicted });
    expect(svg.match(/<circle/g)?.length).toBe(51); // 50 points and the legend's dot
    expect(svg).toContain('reference force (eV/Å)');
    expect(svg).toContain('stroke-dasharray');
    expect(() => parityChart({ title: 't', quantity: 'q', reference: [1], predicted: [] })).toThrow(
      /1 reference values but 0 predictions/,
    );
  });
});
