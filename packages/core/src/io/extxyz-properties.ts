import { InvalidInputError } from '../errors.js';

/**
 * Type of an extended XYZ column: `R` real (float64), `I` integer (int32), `S` string
 * (no whitespace), `L` logical (`T`/`F`, also `True`/`False` when reading).
 */
export type ExtxyzColumnType = 'R' | 'I' | 'S' | 'L';

/** One entry of the `Properties=name:type:ncols:…` key: a per-atom quantity and its columns. */
export interface ExtxyzProperty {
  /** Name as it appears in the file (`species`, `pos`, `Z`, `masses`, `forces`, …). */
  name: string;
  /** Column type. */
  type: ExtxyzColumnType;
  /** Number of columns (components per atom), at least 1. */
  columns: number;
}

/** The properties a plain XYZ file (no `Properties` key) has: a symbol and three coordinates. */
export const PLAIN_XYZ_PROPERTIES: readonly ExtxyzProperty[] = [
  { name: 'species', type: 'S', columns: 1 },
  { name: 'pos', type: 'R', columns: 3 },
];

const NAME_RE = /^[^\s:]+$/;

/**
 * Parses a `Properties` value such as `species:S:1:pos:R:3:forces:R:3`. Throws
 * InvalidInputError for a count of fields that is not a multiple of three, an unknown type,
 * a column count that is not a positive integer, or a name given twice.
 */
export function parseExtxyzProperties(spec: string): ExtxyzProperty[] {
  const fields = spec.split(':');
  if (fields.length % 3 !== 0) {
    throw new InvalidInputError(
      `Properties="${spec}" must be name:type:columns triplets, but has ${fields.length} fields`,
    );
  }
  const out: ExtxyzProperty[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < fields.length; i += 3) {
    const name = fields[i]!;
    const type = fields[i + 1]!;
    const cols = fields[i + 2]!;
    if (!NAME_RE.test(name)) throw new InvalidInputError(`Properties: bad property name "${name}"`);
    if (type !== 'R' && type !== 'I' && type !== 'S' && type !== 'L') {
      throw new InvalidInputError(
        `Properties: property "${name}" has unknown type "${type}" (expected R, I, S or L)`,
      );
    }
    if (!/^\d+$/.test(cols) || Number(cols) < 1) {
      throw new InvalidInputError(`Properties: property "${name}" has bad column count "${cols}"`);
    }
    if (seen.has(name)) throw new InvalidInputError(`Properties: property "${name}" appears twice`);
    seen.add(name);
    out.push({ name, type, columns: Number(cols) });
  }
  return out;
}

/** Formats properties as the value of the `Properties` key (`species:S:1:pos:R:3`). */
export function formatExtxyzProperties(properties: readonly ExtxyzProperty[]): string {
  return properties.map((p) => `${p.name}:${p.type}:${p.columns}`).join(':');
}
