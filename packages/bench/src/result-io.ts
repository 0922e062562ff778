import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  BENCHMARK_COLLECTION_SCHEMA,
  BENCHMARK_SCHEMA_VERSION,
  type BenchmarkCollection,
  type BenchmarkResult,
} from './benchmark-result.js';
import {
  assertBenchmarkCollection,
  assertBenchmarkResult,
  BenchmarkSchemaError,
} from './validate-result.js';

/**
 * JSON text with two-space indentation, but arrays of numbers, strings, booleans and null
 * on one line, so series of thousands of samples stay readable and diffable.
 */
export function formatBenchmarkJson(value: unknown): string {
  const text = JSON.stringify(value, null, 2);
  return `${text.replace(/\[\s*((?:-?[\d.eE+-]+|null|true|false|"[^"\n]*")(?:,\s*(?:-?[\d.eE+-]+|null|true|false|"[^"\n]*"))*)\s*\]/g, (_, body: string) => `[${body.replace(/,\s+/g, ', ')}]`)}\n`;
}

/** A file name for a result: `<calculator>_<system>_<protocol>`, safe characters only. */
export function resultFileStem(r: BenchmarkResult): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '-');
  return `${safe(r.calculator.name)}_${safe(r.system.name)}_${r.protocol.ensemble}`;
}

/** Validates and writes one result or a collection as JSON (parent folders created). */
export async function writeBenchmarkFile(
  path: string,
  value: BenchmarkResult | BenchmarkCollection,
): Promise<void> {
  const plain = JSON.parse(JSON.stringify(value)) as unknown;
  if (value.schema === BENCHMARK_COLLECTION_SCHEMA) assertBenchmarkCollection(plain, path);
  else assertBenchmarkResult(plain, path);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, formatBenchmarkJson(plain));
}

/** Gathers results into a collection. */
export function collectResults(
  results: readonly BenchmarkResult[],
  description?: string,
): BenchmarkCollection {
  return {
    schema: BENCHMARK_COLLECTION_SCHEMA,
    schemaVersion: BENCHMARK_SCHEMA_VERSION,
    createdAt: new Date().toISOString(),
    ...(description !== undefined ? { description } : {}),
    results: [...results],
  };
}

/**
 * Checks a parsed JSON value and returns its results: a single result gives one, a
 * collection all of its own. Throws BenchmarkSchemaError naming `source`.
 */
export function parseBenchmarkJson(value: unknown, source: string): BenchmarkResult[] {
  const o = value as { schema?: unknown; schemaVersion?: unknown } | null;
  if (typeof o !== 'object' || o === null)
    throw new BenchmarkSchemaError(source, ['not a JSON object']);
  if (typeof o.schemaVersion === 'number' && o.schemaVersion > BENCHMARK_SCHEMA_VERSION) {
    throw new BenchmarkSchemaError(source, [
      `schemaVersion ${o.schemaVersion} was written by a newer mlff-distiller (this one reads ${BENCHMARK_SCHEMA_VERSION})`,
    ]);
  }
  if (o.schema === BENCHMARK_COLLECTION_SCHEMA) {
    assertBenchmarkCollection(value, source);
    return (value as BenchmarkCollection).results;
  }
  assertBenchmarkResult(value, source);
  return [value as BenchmarkResult];
}

/** Reads a result or a collection file; every result is checked against the schema. */
export async function readBenchmarkFile(path: string): Promise<BenchmarkResult[]> {
  const text = await readFile(path, 'utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BenchmarkSchemaError(path, [`not JSON: ${(error as Error).message}`]);
  }
  return parseBenchmarkJson(value, path);
}

/** Reads several files (results or collections) into one collection, in order. */
export async function mergeBenchmarkFiles(
  paths: readonly string[],
  description?: string,
): Promise<BenchmarkCollection> {
  const results: BenchmarkResult[] = [];
  for (const p of paths) results.push(...(await readBenchmarkFile(p)));
  return collectResults(results, description ?? `merged from ${paths.length} files`);
}
