import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { BenchmarkResult } from './benchmark-result.js';
import { readBenchmarkFile } from './result-io.js';

/** Where the baseline database lives, relative to the repository root. */
export const BASELINE_SUBDIR = join('benchmarks', 'baselines');

/**
 * The baseline folder: `benchmarks/baselines` in `from` or the nearest parent folder that
 * has one (the repository root, from anywhere inside it); null when none exists.
 */
export function findBaselineDir(from: string = process.cwd()): string | null {
  let dir = resolve(from);
  for (;;) {
    const candidate = join(dir, BASELINE_SUBDIR);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** A baseline result with the file it came from. */
export interface BaselineEntry {
  file: string;
  result: BenchmarkResult;
}

/**
 * Loads every `*.json` of the baseline folder (results or collections), each checked
 * against the schema. Default folder: {@link findBaselineDir}; an absent folder gives none.
 */
export async function loadBaselines(dir?: string): Promise<BaselineEntry[]> {
  const folder = dir ?? findBaselineDir();
  if (!folder || !existsSync(folder)) return [];
  const entries: BaselineEntry[] = [];
  for (const name of readdirSync(folder)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const file = join(folder, name);
    for (const result of await readBenchmarkFile(file)) entries.push({ file, result });
  }
  return entries;
}

/**
 * The baseline for a result: same calculator, system, size and protocol; the most recent
 * when several match. Undefined when none does.
 */
export function findBaseline(
  baselines: readonly BaselineEntry[],
  r: BenchmarkResult,
): BaselineEntry | undefined {
  return baselines
    .filter(
      (b) =>
        b.result.calculator.name === r.calculator.name &&
        b.result.system.name === r.system.name &&
        b.result.system.natoms === r.system.natoms &&
        b.result.protocol.ensemble === r.protocol.ensemble,
    )
    .sort((a, b) => Date.parse(b.result.startedAt) - Date.parse(a.result.startedAt))[0];
}
