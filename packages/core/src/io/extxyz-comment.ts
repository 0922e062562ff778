import { InvalidInputError } from '../errors.js';
import { formatFloat, parseFloatToken, parseIntToken } from './extxyz-number.js';

/**
 * The key=value comment line of an extended XYZ frame (its second line), read and written
 * with the conventions of ASE 3.22.1 (`ase.io.extxyz.key_val_str_to_dict` and
 * `key_val_dict_to_str`):
 *
 * - pairs are separated by whitespace; values may be quoted with `"…"`, `'…'`, `{…}` or
 *   `[…]`; a backslash takes the next character literally (`\"`, `\\`); a key without `=`
 *   means `true`;
 * - a value made only of integers (separated by spaces or commas) becomes a number, or a
 *   `number[]` when there are several; otherwise only of floats, a number or a
 *   `Float64Array`; otherwise only of `T`/`F`, a boolean or `boolean[]`; a value starting
 *   with `_JSON ` is JSON; anything else stays a string. The key `uid` is never converted.
 *
 * Values are returned as they appear in the file: the 3×3 special keys (`Lattice`, `stress`,
 * `virial`) are left as 9 numbers in file order for the frame reader to interpret.
 */

const DELIMITERS: Readonly<Record<string, string>> = { "'": "'", '"': '"', '{': '}', '[': ']' };
const WHITESPACE = /\s/;
const TOKEN = /[^\s,]+/g;

/**
 * Splits a comment line into [key, raw value] pairs, character by character exactly as
 * ASE's parser does (including its handling of spaces around `=`). A bare key has a null
 * value. Throws InvalidInputError when the line starts with `=` (ASE fails there too).
 */
export function splitExtxyzComment(line: string): [string, string | null][] {
  // Each pair is a list of segments: the key, then one segment per `=`-separated value part.
  const pairs: string[][] = [['']];
  let closing: string | null = null;
  let escaped = false;
  const text = line.trim();
  for (const ch of text) {
    const pair = pairs[pairs.length - 1]!;
    if (escaped) {
      pair[pair.length - 1] += ch;
      escaped = false;
    } else if (ch === '\\') {
      escaped = true;
    } else if (closing !== null) {
      if (ch === closing) closing = null;
      else pair[pair.length - 1] += ch;
    } else if (ch in DELIMITERS) {
      closing = DELIMITERS[ch]!;
    } else if (WHITESPACE.test(ch)) {
      // ASE starts a new pair only after a non-empty segment, so `key= value` and
      // `key = value` both bind `value` to `key`.
      if (pair[pair.length - 1] === '') continue;
      pairs.push(['']);
    } else if (ch === '=') {
      if (pair.length === 1 && pair[0] === '') {
        pairs.pop();
        if (pairs.length === 0) throw new InvalidInputError('the key=value line starts with "="');
      }
      pairs[pairs.length - 1]!.push('');
    } else {
      pair[pair.length - 1] += ch;
    }
  }
  const out: [string, string | null][] = [];
  for (const [key, ...values] of pairs) {
    if (values.length === 0) {
      if (key !== '') out.push([key!, null]);
    } else {
      out.push([key!, values.join('=')]);
    }
  }
  return out;
}

/**
 * Converts one raw value as ASE does (see the module comment): ints, then floats, then
 * booleans, then `_JSON `, else the string itself. Throws InvalidInputError on bad JSON.
 */
export function convertExtxyzValue(key: string, raw: string | null): unknown {
  if (raw === null) return true;
  if (key.toLowerCase() === 'uid') return raw;
  const tokens = raw.match(TOKEN) ?? [];
  const ints = tokens.map(parseIntToken);
  if (ints.every((x) => x !== undefined)) {
    return ints.length === 1 ? ints[0] : (ints as number[]);
  }
  const floats = tokens.map(parseFloatToken);
  if (floats.every((x) => x !== undefined)) {
    return floats.length === 1 ? floats[0] : Float64Array.from(floats as number[]);
  }
  if (tokens.every((t) => t === 'T' || t === 'F')) {
    const bools = tokens.map((t) => t === 'T');
    return bools.length === 1 ? bools[0] : bools;
  }
  if (raw.startsWith('_JSON ')) {
    try {
      return JSON.parse(raw.slice(6)) as unknown;
    } catch (error) {
      throw new InvalidInputError(
        `the value of "${key}" starts with "_JSON " but is not valid JSON`,
        {
          cause: error,
        },
      );
    }
  }
  return raw;
}

/**
 * Parses a comment line into key-values, converted as ASE does. Later duplicates of a key
 * replace earlier ones (as in ASE's dict). Throws InvalidInputError on malformed content.
 */
export function parseExtxyzComment(line: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, raw] of splitExtxyzComment(line)) out.set(key, convertExtxyzValue(key, raw));
  return out;
}

function quote(text: string): string {
  if (text !== '' && !/[\s"'{}[\]\\=,]/.test(text)) return text;
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function toJsonText(key: string, value: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value, (_k, v: unknown) =>
      ArrayBuffer.isView(v) && !(v instanceof DataView)
        ? Array.from(v as unknown as ArrayLike<number>)
        : v,
    );
  } catch (error) {
    throw new InvalidInputError(
      `info "${key}" cannot be written to extxyz: it is not JSON-serialisable`,
      {
        cause: error,
      },
    );
  }
  if (json === undefined) {
    throw new InvalidInputError(
      `info "${key}" cannot be written to extxyz: it is not JSON-serialisable`,
    );
  }
  return `_JSON ${json}`;
}

function formatNumberList(values: ArrayLike<number>, floats: boolean): string {
  const parts: string[] = [];
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    parts.push(
      !floats && Number.isInteger(x) && !Object.is(x, -0) ? String(x) : formatFloat(x, true),
    );
  }
  return parts.join(' ');
}

/**
 * Formats one value (unquoted) so that ASE and {@link convertExtxyzValue} read it back as
 * the same value: booleans as `T`/`F`, integral numbers as ints, other numbers with the
 * shortest round-trip digits, `Float64Array`/`Float32Array` always as floats, other numeric
 * and boolean arrays space-separated, strings that would read back as something else
 * (`"1"`, `"T"`, `""`) and everything else (objects, nested arrays, null, empty arrays) as
 * `_JSON …`. Arrays of one element read back as a scalar, as in ASE.
 */
export function formatExtxyzValue(key: string, value: unknown): string {
  if (typeof value === 'boolean') return value ? 'T' : 'F';
  if (typeof value === 'number') {
    return Number.isInteger(value) && !Object.is(value, -0)
      ? String(value)
      : formatFloat(value, true);
  }
  if (typeof value === 'bigint') return String(value);
  if (typeof value === 'string') {
    // A line break cannot appear on the line itself, but JSON escapes it.
    if (/[\n\r]/.test(value)) return toJsonText(key, value);
    if (key.toLowerCase() === 'uid' || convertExtxyzValue(key, value) === value) return value;
    return toJsonText(key, value);
  }
  if (value instanceof BigInt64Array || value instanceof BigUint64Array) {
    if (value.length > 0) return Array.from(value, String).join(' ');
  } else if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const arr = value as unknown as ArrayLike<number>;
    if (arr.length > 0) {
      return formatNumberList(arr, value instanceof Float64Array || value instanceof Float32Array);
    }
  }
  if (Array.isArray(value) && value.length > 0) {
    if (value.every((x) => typeof x === 'number'))
      return formatNumberList(value as number[], false);
    if (value.every((x) => typeof x === 'boolean'))
      return value.map((b) => (b ? 'T' : 'F')).join(' ');
  }
  return toJsonText(key, value);
}

/**
 * Formats key-values into a comment line, `key=value` separated by single spaces, quoting
 * and escaping keys and values where needed (with `"…"`, `\"` and `\\`). Entries whose value
 * is undefined are skipped. Throws InvalidInputError for an empty key, a line break, or a
 * value that cannot be represented.
 */
export function formatExtxyzComment(entries: Iterable<[string, unknown]>): string {
  const parts: string[] = [];
  for (const [key, value] of entries) {
    if (value === undefined) continue;
    if (key === '' || /[\n\r]/.test(key)) {
      throw new InvalidInputError(`info key ${JSON.stringify(key)} cannot be written to extxyz`);
    }
    parts.push(`${quote(key)}=${quote(formatExtxyzValue(key, value))}`);
  }
  return parts.join(' ');
}
