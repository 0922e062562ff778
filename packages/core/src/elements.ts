import { ATOMIC_MASSES, CHEMICAL_SYMBOLS, COVALENT_RADII } from './elements.generated.js';
import { UnknownElementError } from './errors.js';

export {
  ATOMIC_MASSES,
  CHEMICAL_SYMBOLS,
  COVALENT_RADII,
  ELEMENT_NAMES,
} from './elements.generated.js';

const numberBySymbol = new Map<string, number>(CHEMICAL_SYMBOLS.map((s, z) => [s, z]));

/** Atomic number of a chemical symbol ("H" → 1); throws UnknownElementError. */
export function atomicNumber(symbol: string): number {
  const z = numberBySymbol.get(symbol);
  if (z === undefined) throw new UnknownElementError(symbol);
  return z;
}

/** Chemical symbol of an atomic number (1 → "H"); throws UnknownElementError. */
export function chemicalSymbol(z: number): string {
  const s = Number.isInteger(z) ? CHEMICAL_SYMBOLS[z] : undefined;
  if (s === undefined) throw new UnknownElementError(z);
  return s;
}

/** Standard atomic mass in amu of an atomic number (ASE's default table). */
export function atomicMass(z: number): number {
  const m = Number.isInteger(z) ? ATOMIC_MASSES[z] : undefined;
  if (m === undefined) throw new UnknownElementError(z);
  return m;
}

/** Covalent radius in Å of an atomic number (ASE's table). */
export function covalentRadius(z: number): number {
  const r = Number.isInteger(z) ? COVALENT_RADII[z] : undefined;
  if (r === undefined) throw new UnknownElementError(z);
  return r;
}

/**
 * Parses a chemical formula such as "H2O" or "CH3CH2OH" into atomic numbers, in order of
 * appearance, each repeated by its count.
 */
export function parseFormula(formula: string): number[] {
  const out: number[] = [];
  const re = /([A-Z][a-z]?)(\d*)/g;
  let consumed = 0;
  for (let m = re.exec(formula); m !== null; m = re.exec(formula)) {
    if (m.index !== consumed) break;
    consumed += m[0].length;
    const z = atomicNumber(m[1]!);
    const n = m[2] ? Number.parseInt(m[2], 10) : 1;
    for (let k = 0; k < n; k++) out.push(z);
  }
  if (consumed !== formula.length) throw new UnknownElementError(formula.slice(consumed));
  return out;
}
