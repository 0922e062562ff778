import { MlffdError } from '@mlff-distiller/core';

/** One setting of a configuration schema: its type, default and documentation. */
export type SettingSpec =
  | {
      kind: 'number';
      default: number;
      min?: number;
      max?: number;
      integer?: boolean;
      /** Whether `min` itself is excluded. */
      exclusiveMin?: boolean;
      doc: string;
    }
  | { kind: 'string'; default: string; doc: string }
  | { kind: 'choice'; values: readonly string[]; default: string; doc: string }
  | {
      kind: 'numbers';
      default: readonly number[];
      min?: number;
      exclusiveMin?: boolean;
      doc: string;
    }
  | { kind: 'choices'; values: readonly string[]; default: readonly string[]; doc: string }
  | { kind: 'section'; settings: Record<string, SettingSpec>; doc: string };

/** A configuration schema: named settings and sections. */
export type ConfigSchema = Record<string, SettingSpec>;

/** One mistake in a configuration: where (dotted path, and file:line when known) and what. */
export interface ConfigProblem {
  path: string;
  message: string;
}

/** A configuration that does not match its schema; the message lists every problem. */
export class ConfigError extends MlffdError {
  constructor(
    readonly source: string,
    readonly problems: readonly ConfigProblem[],
    locate?: (path: string) => number | undefined,
  ) {
    super(
      problems
        .map((p) => {
          const line = locate?.(p.path);
          return `${source}${line ? `:${line}` : ''}: ${p.path}: ${p.message}`;
        })
        .join('\n'),
    );
  }
}

function describe(spec: SettingSpec): string {
  switch (spec.kind) {
    case 'number': {
      const bounds = [
        spec.min !== undefined ? `${spec.exclusiveMin ? '>' : '≥'} ${spec.min}` : '',
        spec.max !== undefined ? `≤ ${spec.max}` : '',
      ]
        .filter(Boolean)
        .join(' and ');
      return `${spec.integer ? 'an integer' : 'a number'}${bounds ? ` ${bounds}` : ''}`;
    }
    case 'string':
      return 'a string';
    case 'choice':
      return `one of ${spec.values.join(', ')}`;
    case 'numbers':
      return `a list of numbers${spec.min !== undefined ? ` ${spec.exclusiveMin ? '>' : '≥'} ${spec.min}` : ''}`;
    case 'choices':
      return `a list of ${spec.values.join(', ')}`;
    case 'section':
      return `a mapping with keys ${Object.keys(spec.settings).join(', ')}`;
  }
}

function checkNumber(
  value: unknown,
  spec: { min?: number; max?: number; integer?: boolean; exclusiveMin?: boolean },
): boolean {
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  if (spec.integer && !Number.isInteger(value)) return false;
  if (spec.min !== undefined && (spec.exclusiveMin ? value <= spec.min : value < spec.min))
    return false;
  return !(spec.max !== undefined && value > spec.max);
}

function resolveSetting(
  value: unknown,
  spec: SettingSpec,
  path: string,
  problems: ConfigProblem[],
): unknown {
  if (value === undefined || value === null) {
    return spec.kind === 'section'
      ? resolveSection({}, spec.settings, path, problems)
      : structuredClone(spec.default);
  }
  const bad = () => {
    problems.push({ path, message: `expected ${describe(spec)}, got ${JSON.stringify(value)}` });
    return spec.kind === 'section' ? undefined : structuredClone(spec.default);
  };
  switch (spec.kind) {
    case 'number':
      return checkNumber(value, spec) ? value : bad();
    case 'string':
      return typeof value === 'string' && value.length > 0 ? value : bad();
    case 'choice':
      return typeof value === 'string' && spec.values.includes(value) ? value : bad();
    case 'numbers':
      return Array.isArray(value) && value.length > 0 && value.every((v) => checkNumber(v, spec))
        ? value
        : bad();
    case 'choices':
      return Array.isArray(value) &&
        value.length > 0 &&
        value.every((v) => typeof v === 'string' && spec.values.includes(v))
        ? value
        : bad();
    case 'section':
      if (typeof value !== 'object' || Array.isArray(value)) return bad();
      return resolveSection(value as Record<string, unknown>, spec.settings, path, problems);
  }
}

function resolveSection(
  raw: Record<string, unknown>,
  schema: ConfigSchema,
  prefix: string,
  problems: ConfigProblem[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(raw)) {
    if (!(key in schema)) {
      problems.push({
        path: prefix ? `${prefix}.${key}` : key,
        message: `unknown setting; allowed here: ${Object.keys(schema).join(', ')}`,
      });
    }
  }
  for (const [key, spec] of Object.entries(schema)) {
    out[key] = resolveSetting(raw[key], spec, prefix ? `${prefix}.${key}` : key, problems);
  }
  return out;
}

/**
 * Checks `raw` (parsed YAML or JSON) against `schema` and fills in every default. Throws a
 * {@link ConfigError} listing every problem with its dotted path (and its line, through
 * `locate`) and what is allowed there; unknown keys are problems too.
 */
export function resolveConfig<T>(
  raw: unknown,
  schema: ConfigSchema,
  source: string,
  locate?: (path: string) => number | undefined,
): T {
  const problems: ConfigProblem[] = [];
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw new ConfigError(source, [
      { path: '(top level)', message: 'expected a mapping of settings' },
    ]);
  }
  const resolved = resolveSection((raw ?? {}) as Record<string, unknown>, schema, '', problems);
  if (problems.length > 0) throw new ConfigError(source, problems, locate);
  return resolved as T;
}

/** The configuration with every default, as commented YAML (`--print-config`). */
export function formatConfigYaml(
  config: Record<string, unknown>,
  schema: ConfigSchema,
  indent = '',
): string {
  const lines: string[] = [];
  for (const [key, spec] of Object.entries(schema)) {
    for (const docLine of spec.doc.split('\n')) lines.push(`${indent}# ${docLine}`);
    const value = config[key];
    if (spec.kind === 'section') {
      lines.push(`${indent}${key}:`);
      lines.push(formatConfigYaml(value as Record<string, unknown>, spec.settings, `${indent}  `));
    } else {
      lines.push(`${indent}${key}: ${formatScalar(value)}`);
    }
  }
  return lines.join('\n');
}

function formatScalar(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(formatScalar).join(', ')}]`;
  if (typeof value === 'string') return /^[\w./:+-]+$/.test(value) ? value : JSON.stringify(value);
  return String(value);
}
