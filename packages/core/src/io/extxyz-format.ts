import type { Atoms } from '../atoms.js';
import type { CalculatorResults } from '../calculator/calculator.js';
import { atomicMass, chemicalSymbol } from '../elements.js';
import { InvalidInputError } from '../errors.js';
import { velocitiesToAseMomenta } from './ase-momenta.js';
import { formatExtxyzComment } from './extxyz-comment.js';
import { formatFloat } from './extxyz-number.js';
import { type ExtxyzColumnType, formatExtxyzProperties } from './extxyz-properties.js';

/** Options of the extended XYZ writers. */
export interface ExtxyzFormatOptions {
  /**
   * Per-atom columns to write, by ASE name: `symbols` (alias `species`), `positions` (`pos`),
   * `numbers` (`Z`), `masses` (amu), `momenta` (ASE units, from the velocities),
   * `velocities` (Å/fs: our extension, ASE keeps it as a plain array), or any key of
   * `atoms.arrays`. `symbols` and `positions` always come first. Default: symbols,
   * positions, masses when they differ from the standard masses, momenta when the atoms have
   * velocities, then every entry of `atoms.arrays`. Per-atom results (`forces`, `energies`,
   * `stresses`) are added unless `writeResults` is false, as ASE does.
   */
  columns?: readonly string[];
  /**
   * Digits after the decimal point for per-atom real columns, written like C's `%.Nf` padded
   * to N + 8 characters (ASE writes `%16.8f`, i.e. 8). Default: the shortest text that
   * reads back as the identical double, so files round-trip exactly. Comment-line values
   * (Lattice, energy, stress, info) are always written exactly.
   */
  precision?: number;
  /** Write `atoms.info` on the comment line (default true, as ASE's `write_info`). */
  writeInfo?: boolean;
  /** Write the calculator results (default true, as ASE's `write_results`). */
  writeResults?: boolean;
}

interface OutColumn {
  name: string;
  type: ExtxyzColumnType;
  components: number;
  values: ArrayLike<number> | readonly boolean[] | readonly string[];
}

const FILE_NAMES: Readonly<Record<string, string>> = {
  symbols: 'species',
  positions: 'pos',
  numbers: 'Z',
};
const ALIASES: Readonly<Record<string, string>> = {
  species: 'symbols',
  pos: 'positions',
  Z: 'numbers',
};
/** Built-in quantities that never come from atoms.arrays by default. */
const BUILT_IN = new Set([
  'symbols',
  'species',
  'positions',
  'pos',
  'numbers',
  'Z',
  'masses',
  'momenta',
]);
const PER_ATOM_RESULTS = [
  ['forces', 3],
  ['energies', 1],
  ['stresses', 6],
] as const;
const SPECIAL_3X3 = new Set(['Lattice', 'stress', 'virial']);

function hasNonDefaultMasses(atoms: Atoms): boolean {
  for (let a = 0; a < atoms.length; a++)
    if (atoms.masses[a] !== atomicMass(atoms.numbers[a]!)) return true;
  return false;
}

function arrayColumn(name: string, values: OutColumn['values'], components: number): OutColumn {
  if (values instanceof Float64Array || values instanceof Float32Array)
    return { name, type: 'R', components, values };
  if (ArrayBuffer.isView(values)) return { name, type: 'I', components, values };
  if (values.length > 0 && typeof values[0] === 'number')
    return { name, type: 'R', components, values };
  if (values.length > 0 && typeof values[0] === 'boolean')
    return { name, type: 'L', components, values };
  if (values.length > 0 && typeof values[0] === 'string') {
    for (const s of values as readonly string[]) {
      if (typeof s !== 'string' || s === '' || /\s/.test(s)) {
        throw new InvalidInputError(
          `per-atom array "${name}": string ${JSON.stringify(s)} cannot be an extxyz column value`,
        );
      }
    }
    return { name, type: 'S', components, values };
  }
  if (values.length === 0) return { name, type: 'R', components, values };
  throw new InvalidInputError(`per-atom array "${name}" has values of an unsupported type`);
}

/** A 3×3 matrix, row-major, as the 9 numbers of extxyz (Fortran order), as floats. */
function rowMajorToFortran(key: string, value: unknown): Float64Array {
  const v = value as ArrayLike<number>;
  const ok =
    (value instanceof Float64Array ||
      (Array.isArray(value) && value.every((x) => typeof x === 'number'))) &&
    (v.length === 9 || (key === 'stress' && v.length === 6));
  if (!ok)
    throw new InvalidInputError(
      `info "${key}" must be a 3×3 matrix given as 9 numbers (row-major)`,
    );
  const m = v.length === 6 ? voigtToMatrix(v) : v;
  const out = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) out[i + 3 * j] = m[3 * i + j]!;
  return out;
}

/** Voigt (xx yy zz yz xz xy) to the symmetric 3×3 matrix, row-major. */
function voigtToMatrix(s: ArrayLike<number>): Float64Array {
  const [xx, yy, zz, yz, xz, xy] = [s[0]!, s[1]!, s[2]!, s[3]!, s[4]!, s[5]!];
  return Float64Array.of(xx, xy, xz, xy, yy, yz, xz, yz, zz);
}

function checkLength(name: string, values: ArrayLike<unknown>, expected: number): void {
  if (values.length !== expected) {
    throw new InvalidInputError(`${name}: ${values.length} values, expected ${expected}`);
  }
}

function selectColumns(
  atoms: Atoms,
  results: CalculatorResults,
  options: ExtxyzFormatOptions,
): OutColumn[] {
  const n = atoms.length;
  const writeResults = options.writeResults ?? true;
  let names: string[];
  if (options.columns) {
    names = options.columns.map((c) => ALIASES[c] ?? c);
  } else {
    names = [];
    if (hasNonDefaultMasses(atoms)) names.push('masses');
    if (atoms.velocities) names.push('momenta');
    names.push(...Object.keys(atoms.arrays).filter((k) => !BUILT_IN.has(k)));
  }
  names = ['symbols', 'positions', ...names.filter((c) => c !== 'symbols' && c !== 'positions')];
  if (writeResults) {
    for (const [key] of PER_ATOM_RESULTS) if (results[key] && !names.includes(key)) names.push(key);
  }
  const seen = new Set<string>();
  const out: OutColumn[] = [];
  for (const name of names) {
    if (seen.has(name)) continue;
    seen.add(name);
    const fileName = FILE_NAMES[name] ?? name;
    if (!/^[^\s:"'{}[\]\\=]+$/.test(fileName)) {
      throw new InvalidInputError(
        `per-atom array name ${JSON.stringify(name)} cannot be an extxyz property name`,
      );
    }
    const result = PER_ATOM_RESULTS.find(([key]) => key === name);
    if (result && writeResults && results[result[0]]) {
      const values = results[result[0]]!;
      checkLength(name, values, result[1] * n);
      out.push({ name, type: 'R', components: result[1], values });
      continue;
    }
    switch (name) {
      case 'symbols':
        out.push({ name: fileName, type: 'S', components: 1, values: atoms.getChemicalSymbols() });
        break;
      case 'positions':
        out.push({ name: fileName, type: 'R', components: 3, values: atoms.positions });
        break;
      case 'numbers':
        out.push({ name: fileName, type: 'I', components: 1, values: atoms.numbers });
        break;
      case 'masses':
        out.push({ name, type: 'R', components: 1, values: atoms.masses });
        break;
      case 'momenta':
        out.push({
          name,
          type: 'R',
          components: 3,
          values: velocitiesToAseMomenta(atoms.getVelocities(), atoms.masses),
        });
        break;
      default: {
        const array = atoms.arrays[name];
        if (array) {
          checkLength(`per-atom array "${name}"`, array.values, array.components * n);
          out.push(arrayColumn(name, array.values, array.components));
        } else if (name === 'velocities') {
          out.push({ name, type: 'R', components: 3, values: atoms.getVelocities() });
        } else {
          const available = [
            'symbols',
            'positions',
            'numbers',
            'masses',
            'momenta',
            'velocities',
            ...Object.keys(atoms.arrays),
          ];
          throw new InvalidInputError(
            `no per-atom array "${name}" to write (available: ${available.join(', ')})`,
          );
        }
      }
    }
  }
  return out;
}

function commentEntries(
  atoms: Atoms,
  results: CalculatorResults,
  properties: string,
  options: ExtxyzFormatOptions,
): Map<string, unknown> {
  const entries = new Map<string, unknown>();
  if (atoms.cell.some((x) => x !== 0)) {
    if (!atoms.cell.every(Number.isFinite))
      throw new InvalidInputError('the cell has a non-finite entry');
    // Lattice lists the lattice vectors (rows of the cell) one after the other.
    entries.set('Lattice', Float64Array.from(atoms.cell));
  }
  entries.set('Properties', properties);
  if (options.writeInfo ?? true) {
    for (const [key, value] of Object.entries(atoms.info)) {
      if (key === 'Lattice' || key === 'Properties') {
        throw new InvalidInputError(
          `info "${key}" would clash with the extxyz key of the same name`,
        );
      }
      if (key === 'pbc' || value === undefined) continue; // pbc always comes from atoms.pbc, as in ASE
      entries.set(key, SPECIAL_3X3.has(key) ? rowMajorToFortran(key, value) : value);
    }
  }
  if (options.writeResults ?? true) {
    // ASE's order (all_properties): energy, stress, free_energy; a key already in info keeps its place.
    // One-element Float64Arrays are written as floats, so ASE reads a float even for -5 eV.
    if (results.energy !== undefined) entries.set('energy', Float64Array.of(results.energy));
    if (results.stress !== undefined) {
      checkLength('stress', results.stress, 6);
      entries.set('stress', rowMajorToFortran('stress', voigtToMatrix(results.stress)));
    }
    if (results.free_energy !== undefined)
      entries.set('free_energy', Float64Array.of(results.free_energy));
  }
  entries.set('pbc', [...atoms.pbc]);
  return entries;
}

function formatReal(precision: number | undefined): (x: number) => string {
  if (precision === undefined) return (x) => formatFloat(x);
  const width = precision + 8;
  return (x) => (Number.isFinite(x) ? x.toFixed(precision) : formatFloat(x)).padStart(width);
}

/**
 * Formats one frame of an extended XYZ file, compatible with ASE 3.22.1's reader: the atom
 * count, the comment line (`Lattice` when the cell is not zero, `Properties`, `atoms.info`,
 * `energy`, `stress` as a 3×3 matrix, `free_energy`, `pbc`), then one line per atom.
 * Velocities (Å/fs) are written as ASE momenta (amu·Å per ASE time unit). Floats are written
 * so that they read back as the identical doubles unless `precision` is set. Returns the
 * text with a final line break. Throws InvalidInputError for non-finite positions, arrays of
 * the wrong length, or info that cannot be represented.
 */
export function formatExtxyzFrame(
  atoms: Atoms,
  results: CalculatorResults = {},
  options: ExtxyzFormatOptions = {},
): string {
  const { precision } = options;
  if (
    precision !== undefined &&
    !(Number.isInteger(precision) && precision >= 0 && precision <= 100)
  ) {
    throw new InvalidInputError(`precision must be an integer from 0 to 100, got ${precision}`);
  }
  const n = atoms.length;
  for (let i = 0; i < atoms.positions.length; i++) {
    if (!Number.isFinite(atoms.positions[i]!)) {
      throw new InvalidInputError(
        `atom ${Math.floor(i / 3)} has a non-finite coordinate (${atoms.positions[i]})`,
      );
    }
  }
  for (const z of atoms.numbers) chemicalSymbol(z); // throws UnknownElementError early
  const columns = selectColumns(atoms, results, options);
  const properties = formatExtxyzProperties(
    columns.map((c) => ({ name: c.name, type: c.type, columns: c.components })),
  );
  const comment = formatExtxyzComment(commentEntries(atoms, results, properties, options));
  const real = formatReal(precision);
  const lines: string[] = [String(n), comment];
  const parts: string[] = [];
  for (let a = 0; a < n; a++) {
    parts.length = 0;
    for (const c of columns) {
      for (let k = 0; k < c.components; k++) {
        const v = c.values[a * c.components + k]!;
        switch (c.type) {
          case 'R':
            parts.push(real(v as number));
            break;
          case 'I':
            parts.push(String(v));
            break;
          case 'L':
            parts.push(v ? 'T' : 'F');
            break;
          default:
            parts.push(c.name === 'species' ? (v as string).padEnd(2) : (v as string));
        }
      }
    }
    lines.push(parts.join(' '));
  }
  return `${lines.join('\n')}\n`;
}
