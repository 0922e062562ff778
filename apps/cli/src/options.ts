import { UsageError } from './cli-error.js';

/** Reads a finite number option, with bounds; undefined when absent. */
export function numberOption(
  values: Record<string, unknown>,
  name: string,
  bounds: { min?: number; max?: number; integer?: boolean; exclusiveMin?: boolean } = {},
): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const text = String(raw).trim();
  const x = Number(text);
  if (text === '' || !Number.isFinite(x))
    throw new UsageError(`--${name} needs a number, got "${raw}"`);
  if (bounds.integer && !Number.isInteger(x))
    throw new UsageError(`--${name} needs a whole number, got ${text}`);
  if (bounds.min !== undefined && (bounds.exclusiveMin ? x <= bounds.min : x < bounds.min)) {
    throw new UsageError(
      `--${name} must be ${bounds.exclusiveMin ? 'greater than' : 'at least'} ${bounds.min}, got ${text}`,
    );
  }
  if (bounds.max !== undefined && x > bounds.max)
    throw new UsageError(`--${name} must be at most ${bounds.max}, got ${text}`);
  return x;
}

/** Parses repeated `key=value` options into numbers: `--param epsilon=0.01`. */
export function keyValueNumbers(
  list: readonly string[] | undefined,
  option: string,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of list ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--${option} takes key=value, got "${item}"`);
    const key = item.slice(0, eq).trim();
    const value = Number(item.slice(eq + 1));
    if (!Number.isFinite(value))
      throw new UsageError(`--${option} ${key}: "${item.slice(eq + 1)}" is not a number`);
    out[key] = value;
  }
  return out;
}

/** Reads an option that must be one of a list. */
export function choiceOption<T extends string>(
  values: Record<string, unknown>,
  name: string,
  choices: readonly T[],
  fallback: T,
): T {
  const raw = values[name];
  if (raw === undefined) return fallback;
  if (!choices.includes(raw as T))
    throw new UsageError(`--${name} must be one of ${choices.join(', ')}; got "${raw}"`);
  return raw as T;
}

/**
 * Rewrites `--name -5` as `--name=-5` for options that take a value, so negative numbers
 * (a pressure, a frame index counted from the end) are values, not unknown options.
 */
export function attachNegativeValues(
  argv: readonly string[],
  valueOptions: ReadonlySet<string>,
): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (
      arg.startsWith('--') &&
      !arg.includes('=') &&
      valueOptions.has(arg.slice(2)) &&
      next !== undefined &&
      /^-\d|^-\.\d/.test(next)
    ) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}
