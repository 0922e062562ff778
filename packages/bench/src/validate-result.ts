import { MlffdError } from '@mlff-distiller/core';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import type { BenchmarkCollection, BenchmarkResult } from './benchmark-result.js';
import collectionSchema from './schema/benchmark-collection.schema.json' with { type: 'json' };
import resultSchema from './schema/benchmark-result.schema.json' with { type: 'json' };

/** A benchmark file that does not follow the schema; `problems` lists each violation with its JSON path. */
export class BenchmarkSchemaError extends MlffdError {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(
      `${source} is not a valid benchmark result (schema v1): ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? `; and ${problems.length - 5} more` : ''}`,
    );
  }
}

/** The JSON Schemas (draft 2020-12) of a result and of a collection. */
export const BENCHMARK_JSON_SCHEMAS = { result: resultSchema, collection: collectionSchema };

let compiled: { result: ValidateFunction; collection: ValidateFunction } | null = null;

function validators() {
  if (!compiled) {
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
    ajv.addSchema(resultSchema);
    compiled = {
      result: ajv.getSchema(resultSchema.$id)!,
      collection: ajv.compile(collectionSchema),
    };
  }
  return compiled;
}

function describe(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}

/**
 * Checks a parsed JSON value against the result schema, or the collection schema when its
 * `schema` tag says so. Returns the problems found (empty when valid).
 */
export function benchmarkSchemaProblems(value: unknown): string[] {
  const v = validators();
  const isCollection =
    typeof value === 'object' &&
    value !== null &&
    (value as { schema?: unknown }).schema === 'mlff-distiller/benchmark-collection';
  const fn = isCollection ? v.collection : v.result;
  return fn(value) ? [] : describe(fn.errors);
}

/** Throws BenchmarkSchemaError unless `value` is a valid result. */
export function assertBenchmarkResult(
  value: unknown,
  source = 'value',
): asserts value is BenchmarkResult {
  const v = validators().result;
  if (!v(value)) throw new BenchmarkSchemaError(source, describe(v.errors));
}

/** Throws BenchmarkSchemaError unless `value` is a valid collection. */
export function assertBenchmarkCollection(
  value: unknown,
  source = 'value',
): asserts value is BenchmarkCollection {
  const v = validators().collection;
  if (!v(value)) throw new BenchmarkSchemaError(source, describe(v.errors));
}
