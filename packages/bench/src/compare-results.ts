import type { BenchmarkResult } from './benchmark-result.js';

/** One figure compared. */
export interface ComparedFigure {
  /** Name with unit, e.g. "mean ms/step". */
  name: string;
  baseline: number | null;
  candidate: number | null;
  /** candidate / baseline (null when either is missing or the baseline is 0). */
  ratio: number | null;
  /** Which direction is better. */
  better: 'lower' | 'higher';
}

/** A candidate result against its baseline. */
export interface ComparisonRow {
  /** What was compared: "lj-fcc:2048 (2048 atoms) nve". */
  system: string;
  baselineCalculator: string;
  candidateCalculator: string;
  /** Whether the two ran in the same invocation on the same machine (ratios worth most). */
  sameRun: boolean;
  figures: ComparedFigure[];
}

/** Matching of results and the rows. */
export interface Comparison {
  rows: ComparisonRow[];
  /** Candidates with no baseline to compare with. */
  unmatched: BenchmarkResult[];
}

/** The system part of a match key: name, size and protocol. */
export function systemKey(r: BenchmarkResult): string {
  return `${r.system.name} (${r.system.natoms} atoms) ${r.protocol.ensemble}`;
}

function figure(
  name: string,
  b: number | null | undefined,
  c: number | null | undefined,
  better: 'lower' | 'higher',
): ComparedFigure {
  const bb = b ?? null;
  const cc = c ?? null;
  const ratio = bb !== null && cc !== null && bb !== 0 ? cc / bb : null;
  return { name, baseline: bb, candidate: cc, ratio, better };
}

/** Figures worth a ratio, candidate against baseline. */
export function compareFigures(b: BenchmarkResult, c: BenchmarkResult): ComparedFigure[] {
  const drift = (r: BenchmarkResult) =>
    r.energy.drift ? Math.abs(r.energy.drift.driftMeVPerAtomPerPs) : null;
  return [
    figure('mean ms/step', b.timing.latencyMs.mean, c.timing.latencyMs.mean, 'lower'),
    figure('median ms/step', b.timing.latencyMs.median, c.timing.latencyMs.median, 'lower'),
    figure('p95 ms/step', b.timing.latencyMs.p95, c.timing.latencyMs.p95, 'lower'),
    figure('p99 ms/step', b.timing.latencyMs.p99, c.timing.latencyMs.p99, 'lower'),
    figure('µs/atom-step', b.timing.usPerAtomStep, c.timing.usPerAtomStep, 'lower'),
    figure('steps/s', b.timing.stepsPerSecond, c.timing.stepsPerSecond, 'higher'),
    figure('calculator share', b.timing.calculatorShare, c.timing.calculatorShare, 'lower'),
    figure(
      'peak RSS MiB',
      b.memory.peakRssBytes / 2 ** 20,
      c.memory.peakRssBytes / 2 ** 20,
      'lower',
    ),
    figure('|drift| meV/atom/ps', drift(b), drift(c), 'lower'),
  ];
}

function sameRun(b: BenchmarkResult, c: BenchmarkResult): boolean {
  return b.runId !== undefined && b.runId === c.runId;
}

/**
 * Pairs each candidate with a baseline result of the same system, size and protocol:
 * first one of the same calculator, else (calculators compared) the only baseline of that
 * system. Ratios are candidate / baseline.
 */
export function compareResults(
  baseline: readonly BenchmarkResult[],
  candidates: readonly BenchmarkResult[],
): Comparison {
  const rows: ComparisonRow[] = [];
  const unmatched: BenchmarkResult[] = [];
  for (const c of candidates) {
    const same = baseline.filter((b) => systemKey(b) === systemKey(c));
    const b =
      same.find((x) => x.calculator.name === c.calculator.name) ??
      (same.length === 1 ? same[0] : undefined);
    if (!b) {
      unmatched.push(c);
      continue;
    }
    rows.push({
      system: systemKey(c),
      baselineCalculator: b.calculator.name,
      candidateCalculator: c.calculator.name,
      sameRun: sameRun(b, c),
      figures: compareFigures(b, c),
    });
  }
  return { rows, unmatched };
}

/**
 * Side-by-side comparison of calculators run in one invocation: for each system, the
 * first calculator's result is the baseline of the others.
 */
export function compareSideBySide(results: readonly BenchmarkResult[]): Comparison {
  const rows: ComparisonRow[] = [];
  const firstBySystem = new Map<string, BenchmarkResult>();
  for (const r of results) {
    const key = systemKey(r);
    const b = firstBySystem.get(key);
    if (!b) {
      firstBySystem.set(key, r);
      continue;
    }
    rows.push({
      system: key,
      baselineCalculator: b.calculator.name,
      candidateCalculator: r.calculator.name,
      sameRun: true,
      figures: compareFigures(b, r),
    });
  }
  return { rows, unmatched: [] };
}

function fmt(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return '-';
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return x.toExponential(2);
  return a >= 100 ? x.toFixed(1) : a >= 1 ? x.toFixed(3) : x.toPrecision(3);
}

/**
 * A plain-text table of a comparison: per row, each figure's baseline, candidate and the
 * ratio candidate/baseline, marked "better" or "worse" beyond ±5 %.
 */
export function formatComparison(comparison: Comparison): string {
  const lines: string[] = [];
  for (const row of comparison.rows) {
    lines.push(
      `${row.system}: ${row.candidateCalculator} vs ${row.baselineCalculator}${row.sameRun ? '' : '  (different runs: ratios include machine noise)'}`,
    );
    lines.push(
      `  ${'figure'.padEnd(22)}${'baseline'.padStart(12)}${'candidate'.padStart(12)}${'ratio'.padStart(10)}`,
    );
    for (const f of row.figures) {
      let verdict = '';
      if (f.ratio !== null && Math.abs(f.ratio - 1) > 0.05) {
        const lowerIsBetter = f.better === 'lower';
        verdict = f.ratio < 1 === lowerIsBetter ? '  better' : '  worse';
      }
      lines.push(
        `  ${f.name.padEnd(22)}${fmt(f.baseline).padStart(12)}${fmt(f.candidate).padStart(12)}${(f.ratio === null ? '-' : `${f.ratio.toFixed(3)}x`).padStart(10)}${verdict}`,
      );
    }
  }
  for (const u of comparison.unmatched) {
    lines.push(
      `${systemKey(u)}: ${u.calculator.name}: no baseline for this system, size and protocol`,
    );
  }
  return lines.join('\n');
}
