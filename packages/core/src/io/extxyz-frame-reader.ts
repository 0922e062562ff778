import { Atoms, type Pbc, type PerAtomArray } from '../atoms.js';
import type { CalculatorResults } from '../calculator/calculator.js';
import { atomicMass, atomicNumber } from '../elements.js';
import { MlffdError } from '../errors.js';
import { aseMomentaToVelocities } from './ase-momenta.js';
import { parseExtxyzComment } from './extxyz-comment.js';
import { ExtxyzParseError } from './extxyz-error.js';
import type { ExtxyzFrame } from './extxyz-frame.js';
import { parseFloatToken, parseIntToken } from './extxyz-number.js';
import {
  type ExtxyzProperty,
  PLAIN_XYZ_PROPERTIES,
  parseExtxyzProperties,
} from './extxyz-properties.js';
import type { RawExtxyzFrame } from './extxyz-splitter.js';

/** ASE's aliases: the file's column name → the quantity (ASE's REV_PROPERTY_NAME_MAP and arrays names). */
const ALIASES: Readonly<Record<string, string>> = {
  pos: 'positions',
  positions: 'positions',
  Z: 'numbers',
  numbers: 'numbers',
  species: 'symbols',
  symbols: 'symbols',
  charge: 'initial_charges',
};

/** Columns with a fixed meaning: required type(s) and column count. */
const SHAPES: Readonly<Record<string, { types: string; columns: number }>> = {
  positions: { types: 'RI', columns: 3 },
  numbers: { types: 'I', columns: 1 },
  symbols: { types: 'S', columns: 1 },
  masses: { types: 'R', columns: 1 },
  momenta: { types: 'R', columns: 3 },
  velocities: { types: 'R', columns: 3 },
  forces: { types: 'R', columns: 3 },
  energies: { types: 'R', columns: 1 },
  stresses: { types: 'R', columns: 6 },
};

type ColumnValues = Float64Array | Int32Array | boolean[] | string[];

interface Column extends ExtxyzProperty {
  /** What the column means (after aliases). */
  key: string;
  /** Index of its first token on an atom line. */
  offset: number;
  values: ColumnValues;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();
}

function numericValues(value: unknown): Float64Array | null {
  if (typeof value === 'number') return Float64Array.of(value);
  if (value instanceof Float64Array) return value;
  if (Array.isArray(value) && value.every((x) => typeof x === 'number'))
    return Float64Array.from(value);
  return null;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `the string "${value}"`;
  const n = numericValues(value);
  if (n) return `${n.length} number${n.length === 1 ? '' : 's'}`;
  return JSON.stringify(value) ?? String(value);
}

/** A 3×3 matrix given as 9 numbers in the file's (Fortran, column-major) order, as row-major. */
function fortranToRowMajor(v: Float64Array): Float64Array {
  const out = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) out[3 * i + j] = v[i + 3 * j]!;
  return out;
}

/**
 * Interprets one frame's lines: the comment line's key=value pairs and the per-atom columns,
 * into Atoms and calculator results with ASE 3.22.1's conventions (see ExtxyzFrame). Throws
 * ExtxyzParseError naming `file` and the offending line.
 */
export function buildExtxyzFrame(raw: RawExtxyzFrame, file: string): ExtxyzFrame {
  const commentLine = raw.line + 1;
  const fail = (line: number, reason: string, cause?: unknown): ExtxyzParseError =>
    new ExtxyzParseError(file, line, reason, cause === undefined ? undefined : { cause });

  // A comment without any `=` is a plain XYZ title, not key=value pairs.
  let kv: Map<string, unknown>;
  try {
    kv = raw.comment.includes('=') ? parseExtxyzComment(raw.comment) : new Map();
  } catch (error) {
    throw fail(commentLine, (error as Error).message, error);
  }

  const results: CalculatorResults = {};
  let cell: Float64Array | undefined;
  let pbc: Pbc = [false, false, false];
  if (kv.has('Lattice')) {
    const v = numericValues(kv.get('Lattice'));
    if (v === null || v.length !== 9) {
      throw fail(
        commentLine,
        `Lattice must be 9 numbers (three lattice vectors) but is ${describe(kv.get('Lattice'))}`,
      );
    }
    if (!v.every(Number.isFinite)) throw fail(commentLine, 'Lattice has a non-finite value');
    // Lattice lists a1x a1y a1z a2x … : the rows of ASE's cell, in order.
    cell = Float64Array.from(v);
    pbc = [true, true, true];
    kv.delete('Lattice');
  }
  if (kv.has('pbc')) {
    const p = kv.get('pbc');
    if (typeof p === 'boolean') pbc = [p, p, p];
    else if (Array.isArray(p) && p.length === 3 && p.every((x) => typeof x === 'boolean'))
      pbc = [p[0], p[1], p[2]];
    else throw fail(commentLine, `pbc must be one or three of T/F but is ${describe(p)}`);
    kv.delete('pbc');
  }
  for (const key of ['energy', 'free_energy'] as const) {
    if (!kv.has(key)) continue;
    const e = kv.get(key);
    if (typeof e !== 'number')
      throw fail(commentLine, `${key} must be a number but is ${describe(e)}`);
    results[key] = e;
    kv.delete(key);
  }
  if (kv.has('stress')) {
    const s = numericValues(kv.get('stress'));
    if (s?.length === 9) {
      const m = fortranToRowMajor(s);
      results.stress = Float64Array.of(m[0]!, m[4]!, m[8]!, m[5]!, m[2]!, m[1]!);
    } else if (s?.length === 6) {
      results.stress = s.slice(); // Voigt already; ASE 3.22.1 itself rejects this form
    } else {
      throw fail(
        commentLine,
        `stress must be 9 numbers (3×3) or 6 (Voigt) but is ${describe(kv.get('stress'))}`,
      );
    }
    kv.delete('stress');
  }
  if (kv.has('virial')) {
    const v = numericValues(kv.get('virial'));
    if (v === null || v.length !== 9) {
      throw fail(
        commentLine,
        `virial must be 9 numbers (3×3) but is ${describe(kv.get('virial'))}`,
      );
    }
    kv.set('virial', fortranToRowMajor(v));
  }

  let properties: readonly ExtxyzProperty[] = PLAIN_XYZ_PROPERTIES;
  const plain = !kv.has('Properties');
  if (!plain) {
    const spec = kv.get('Properties');
    if (typeof spec !== 'string')
      throw fail(commentLine, `Properties must be a string but is ${describe(spec)}`);
    try {
      properties = parseExtxyzProperties(spec);
    } catch (error) {
      throw fail(commentLine, (error as Error).message, error);
    }
    kv.delete('Properties');
  }

  const n = raw.natoms;
  const columns: Column[] = [];
  const byKey = new Map<string, Column>();
  let total = 0;
  for (const p of properties) {
    const key = ALIASES[p.name] ?? p.name;
    const shape = SHAPES[key];
    if (shape && (!shape.types.includes(p.type) || shape.columns !== p.columns)) {
      const want = `${[...shape.types].join(' or ')} with ${shape.columns} column${shape.columns === 1 ? '' : 's'}`;
      throw fail(commentLine, `property "${p.name}" must be ${want}, not ${p.type}:${p.columns}`);
    }
    if (byKey.has(key))
      throw fail(
        commentLine,
        `property "${p.name}" is given twice (also as "${byKey.get(key)!.name}")`,
      );
    const size = n * p.columns;
    const values: ColumnValues =
      p.type === 'R'
        ? new Float64Array(size)
        : p.type === 'I'
          ? new Int32Array(size)
          : p.type === 'L'
            ? new Array<boolean>(size)
            : new Array<string>(size);
    const column: Column = { ...p, key, offset: total, values };
    columns.push(column);
    byKey.set(key, column);
    total += p.columns;
  }
  const posColumn = byKey.get('positions');
  if (!posColumn) throw fail(commentLine, `Properties has no pos column (atom positions)`);
  const symbolColumn = byKey.get('symbols');
  const numberColumn = byKey.get('numbers');
  if (!symbolColumn && !numberColumn) {
    throw fail(commentLine, 'Properties has neither a species nor a Z column (the elements)');
  }
  const names = properties.map((p) => p.name).join(' ');

  const numbers = new Int32Array(n);
  for (let a = 0; a < n; a++) {
    const lineNo = raw.line + 2 + a;
    const text = raw.atomLines[a]!.trim();
    const tokens = text === '' ? [] : text.split(/\s+/);
    if (tokens.length < total || (!plain && tokens.length > total)) {
      throw fail(lineNo, `expected ${total} columns (${names}) but found ${tokens.length}`);
    }
    for (const c of columns) {
      for (let k = 0; k < c.columns; k++) {
        const token = tokens[c.offset + k]!;
        const at = a * c.columns + k;
        const where = `column ${c.offset + k + 1} (${c.name})`;
        switch (c.type) {
          case 'R': {
            const x = parseFloatToken(token);
            if (x === undefined) throw fail(lineNo, `${where}: "${token}" is not a number`);
            if (c === posColumn && !Number.isFinite(x)) {
              throw fail(lineNo, `${where}: atom ${a + 1} has a non-finite position "${token}"`);
            }
            (c.values as Float64Array)[at] = x;
            break;
          }
          case 'I': {
            const x = parseIntToken(token);
            if (x === undefined || x < INT32_MIN || x > INT32_MAX) {
              throw fail(lineNo, `${where}: "${token}" is not a 32-bit integer`);
            }
            (c.values as Int32Array)[at] = x;
            break;
          }
          case 'L': {
            const b =
              token === 'T' || token === 'True'
                ? true
                : token === 'F' || token === 'False'
                  ? false
                  : undefined;
            if (b === undefined)
              throw fail(lineNo, `${where}: "${token}" is not a logical (T or F)`);
            (c.values as boolean[])[at] = b;
            break;
          }
          default:
            (c.values as string[])[at] = token;
        }
      }
    }
    // ASE takes the elements from Z when both species and Z are given.
    if (numberColumn) {
      const z = (numberColumn.values as Int32Array)[a]!;
      try {
        atomicMass(z);
      } catch (error) {
        throw fail(lineNo, (error as Error).message, error);
      }
      numbers[a] = z;
    } else {
      const symbol = capitalize((symbolColumn!.values as string[])[a]!);
      try {
        numbers[a] = atomicNumber(symbol);
      } catch (error) {
        throw fail(lineNo, (error as Error).message, error);
      }
    }
  }

  const arrays: Record<string, PerAtomArray> = {};
  for (const c of columns) {
    switch (c.key) {
      case 'symbols':
      case 'numbers':
      case 'positions':
      case 'masses':
      case 'momenta':
        break;
      case 'velocities':
        // Velocities in Å/fs are our extension; ASE's momenta win when a file has both.
        if (byKey.has('momenta')) arrays[c.name] = { values: c.values, components: c.columns };
        break;
      case 'forces':
      case 'energies':
      case 'stresses':
        results[c.key] = c.values as Float64Array;
        break;
      default:
        arrays[c.key] = { values: c.values, components: c.columns };
    }
  }

  const positions =
    posColumn.values instanceof Float64Array
      ? posColumn.values
      : Float64Array.from(posColumn.values as Int32Array);
  const masses =
    (byKey.get('masses')?.values as Float64Array | undefined) ??
    Float64Array.from(numbers, (z) => atomicMass(z));
  let atoms: Atoms;
  try {
    atoms = new Atoms({
      numbers,
      positions,
      masses,
      cell,
      pbc,
      info: Object.fromEntries(kv),
      arrays,
    });
  } catch (error) {
    if (error instanceof MlffdError) throw fail(raw.line, error.message, error);
    throw error;
  }
  const momenta = byKey.get('momenta');
  const velocities = byKey.get('velocities');
  if (momenta) atoms.velocities = aseMomentaToVelocities(momenta.values as Float64Array, masses);
  else if (velocities) atoms.velocities = velocities.values as Float64Array;
  return { atoms, results, line: raw.line };
}
