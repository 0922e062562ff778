import {
  type Cell,
  type CellLike,
  cartesianToFractional,
  cellRank,
  cellVolume,
  fractionalToCartesian,
  toCell,
} from './cell.js';
import { atomicMass, atomicNumber, chemicalSymbol } from './elements.js';
import { InvalidInputError } from './errors.js';
import { AMU_A2_PER_FS2_TO_EV, kB } from './units.js';

/** Periodic boundary conditions along the three lattice vectors. */
export type Pbc = [boolean, boolean, boolean];

/**
 * A per-atom array beyond the built-in ones (ASE's `atoms.arrays`): `components` values per
 * atom, row-major, so `values.length === components * natoms`.
 */
export interface PerAtomArray {
  values: Float64Array | Int32Array | boolean[] | string[];
  components: number;
}

/** What a new Atoms may be built from. Give `numbers` or `symbols`, and `positions`. */
export interface AtomsInit {
  /** Atomic numbers, length N. */
  numbers?: ArrayLike<number>;
  /** Chemical symbols, length N. */
  symbols?: readonly string[];
  /** Cartesian positions in Å: 3N numbers row-major, or N rows of 3. */
  positions: ArrayLike<number> | readonly (readonly number[])[];
  /** Masses in amu, length N; default: the standard mass of each element. */
  masses?: ArrayLike<number>;
  /** Cell: three row vectors in Å (9 numbers, 3 rows) or 3 lengths; default: no cell. */
  cell?: CellLike;
  /** Periodicity per axis, or one value for all three; default false. */
  pbc?: boolean | readonly boolean[];
  /** Velocities in Å/fs, 3N numbers; give these or momenta, not both. */
  velocities?: ArrayLike<number> | readonly (readonly number[])[];
  /** Momenta in amu·Å/fs, 3N numbers. */
  momenta?: ArrayLike<number> | readonly (readonly number[])[];
  /** Free-form per-structure key-values (ASE's `atoms.info`). */
  info?: Record<string, unknown>;
  /** Extra per-atom arrays (ASE's `atoms.arrays`). */
  arrays?: Record<string, PerAtomArray>;
}

function flatten3(
  like: ArrayLike<number> | readonly (readonly number[])[],
  what: string,
): Float64Array {
  const first = (like as ArrayLike<unknown>)[0];
  if (Array.isArray(first)) {
    const rows = like as readonly (readonly number[])[];
    const out = new Float64Array(rows.length * 3);
    rows.forEach((row, i) => {
      if (row.length !== 3)
        throw new InvalidInputError(`${what}: row ${i} has ${row.length} numbers, expected 3`);
      out[3 * i] = row[0]!;
      out[3 * i + 1] = row[1]!;
      out[3 * i + 2] = row[2]!;
    });
    return out;
  }
  const flat = like as ArrayLike<number>;
  if (flat.length % 3 !== 0)
    throw new InvalidInputError(`${what}: ${flat.length} numbers is not a multiple of 3`);
  return Float64Array.from(flat);
}

function toPbc(pbc: boolean | readonly boolean[] | undefined): Pbc {
  if (pbc === undefined) return [false, false, false];
  if (typeof pbc === 'boolean') return [pbc, pbc, pbc];
  if (pbc.length !== 3) throw new InvalidInputError(`pbc needs 3 values, got ${pbc.length}`);
  return [Boolean(pbc[0]), Boolean(pbc[1]), Boolean(pbc[2])];
}

/**
 * A structure: atoms with positions, a cell and periodicity, as ASE's `Atoms`. Stored as a
 * structure of arrays. Units: positions Å, masses amu, velocities Å/fs (ASE stores momenta
 * in amu·Å per ASE time unit; conversions happen at the file boundary).
 */
export class Atoms {
  /** Atomic numbers, length N. */
  numbers: Int32Array;
  /** Cartesian positions in Å, Float64Array of length 3N, row-major. */
  positions: Float64Array;
  /** Masses in amu, length N. */
  masses: Float64Array;
  /** Cell as three row vectors in Å, Float64Array(9) row-major. */
  cell: Cell;
  /** Periodicity along each lattice vector. */
  pbc: Pbc;
  /** Velocities in Å/fs (length 3N), or null when the structure has none. */
  velocities: Float64Array | null;
  /** Free-form key-values carried with the structure (ASE's `info`). */
  info: Record<string, unknown>;
  /** Extra per-atom arrays by name (ASE's `arrays` beyond numbers/positions/momenta/masses). */
  arrays: Record<string, PerAtomArray>;

  constructor(init: AtomsInit) {
    this.positions = flatten3(init.positions, 'positions');
    const n = this.positions.length / 3;
    if (init.numbers !== undefined && init.symbols !== undefined) {
      throw new InvalidInputError('give atomic numbers or symbols, not both');
    }
    if (init.numbers !== undefined) {
      this.numbers = Int32Array.from(init.numbers);
    } else if (init.symbols !== undefined) {
      this.numbers = Int32Array.from(init.symbols, (s) => atomicNumber(s));
    } else {
      throw new InvalidInputError('atoms need atomic numbers or symbols');
    }
    if (this.numbers.length !== n) {
      throw new InvalidInputError(`${this.numbers.length} atomic numbers for ${n} positions`);
    }
    this.masses = init.masses
      ? Float64Array.from(init.masses)
      : Float64Array.from(this.numbers, (z) => atomicMass(z));
    if (this.masses.length !== n)
      throw new InvalidInputError(`${this.masses.length} masses for ${n} atoms`);
    this.cell = toCell(init.cell);
    this.pbc = toPbc(init.pbc);
    this.velocities = null;
    if (init.velocities !== undefined && init.momenta !== undefined) {
      throw new InvalidInputError('give velocities or momenta, not both');
    }
    if (init.velocities !== undefined) this.setVelocities(flatten3(init.velocities, 'velocities'));
    if (init.momenta !== undefined) this.setMomenta(flatten3(init.momenta, 'momenta'));
    this.info = { ...(init.info ?? {}) };
    this.arrays = {};
    for (const [name, arr] of Object.entries(init.arrays ?? {})) this.setArray(name, arr);
  }

  /** Number of atoms N. */
  get length(): number {
    return this.numbers.length;
  }

  /** Chemical symbols, length N. */
  getChemicalSymbols(): string[] {
    return Array.from(this.numbers, (z) => chemicalSymbol(z));
  }

  /** Hill-ordered formula when carbon is present, otherwise alphabetical ("C2H6O", "H2O"). */
  getChemicalFormula(): string {
    const counts = new Map<string, number>();
    for (const s of this.getChemicalSymbols()) counts.set(s, (counts.get(s) ?? 0) + 1);
    const keys = [...counts.keys()].sort();
    const order = counts.has('C')
      ? ['C', ...(counts.has('H') ? ['H'] : []), ...keys.filter((k) => k !== 'C' && k !== 'H')]
      : keys;
    return order.map((s) => (counts.get(s) === 1 ? s : `${s}${counts.get(s)}`)).join('');
  }

  /** Velocities in Å/fs (zeros when the structure has none). */
  getVelocities(): Float64Array {
    return this.velocities ? this.velocities.slice() : new Float64Array(3 * this.length);
  }

  /** Sets velocities in Å/fs (length 3N); null removes them. */
  setVelocities(v: ArrayLike<number> | null): void {
    if (v === null) {
      this.velocities = null;
      return;
    }
    if (v.length !== 3 * this.length)
      throw new InvalidInputError(`velocities: ${v.length} numbers for ${this.length} atoms`);
    this.velocities = Float64Array.from(v);
  }

  /** Momenta in amu·Å/fs (zeros when the structure has no velocities). */
  getMomenta(): Float64Array {
    const p = this.getVelocities();
    for (let a = 0; a < this.length; a++)
      for (let k = 0; k < 3; k++) p[3 * a + k]! *= this.masses[a]!;
    return p;
  }

  /** Sets momenta in amu·Å/fs (length 3N). */
  setMomenta(p: ArrayLike<number>): void {
    if (p.length !== 3 * this.length)
      throw new InvalidInputError(`momenta: ${p.length} numbers for ${this.length} atoms`);
    const v = new Float64Array(p.length);
    for (let a = 0; a < this.length; a++)
      for (let k = 0; k < 3; k++) v[3 * a + k] = p[3 * a + k]! / this.masses[a]!;
    this.velocities = v;
  }

  /** Kinetic energy ½·Σ m·v² in eV. */
  getKineticEnergy(): number {
    if (!this.velocities) return 0;
    let sum = 0;
    const v = this.velocities;
    for (let a = 0; a < this.length; a++) {
      const vx = v[3 * a]!;
      const vy = v[3 * a + 1]!;
      const vz = v[3 * a + 2]!;
      sum += this.masses[a]! * (vx * vx + vy * vy + vz * vz);
    }
    return 0.5 * sum * AMU_A2_PER_FS2_TO_EV;
  }

  /**
   * Instantaneous temperature in K from the kinetic energy with 3N degrees of freedom,
   * as ASE's `get_temperature` for atoms without constraints.
   */
  getTemperature(degreesOfFreedom = 3 * this.length): number {
    if (degreesOfFreedom <= 0) return 0;
    return (2 * this.getKineticEnergy()) / (degreesOfFreedom * kB);
  }

  /** Total mass in amu. */
  getTotalMass(): number {
    let m = 0;
    for (const x of this.masses) m += x;
    return m;
  }

  /** Centre of mass in Å. */
  getCenterOfMass(): [number, number, number] {
    const c: [number, number, number] = [0, 0, 0];
    const mt = this.getTotalMass();
    for (let a = 0; a < this.length; a++) {
      for (let k = 0; k < 3; k++) c[k] += this.masses[a]! * this.positions[3 * a + k]!;
    }
    return [c[0] / mt, c[1] / mt, c[2] / mt];
  }

  /** Volume of the cell in Å³ (0 when the cell is not three-dimensional). */
  getVolume(): number {
    return cellVolume(this.cell);
  }

  /** Fractional (scaled) coordinates, length 3N. Needs a non-singular cell. */
  getScaledPositions(): Float64Array {
    return cartesianToFractional(this.positions, this.cell);
  }

  /** Sets positions from fractional coordinates (length 3N). */
  setScaledPositions(scaled: ArrayLike<number>): void {
    this.positions = fractionalToCartesian(scaled, this.cell);
  }

  /**
   * Replaces the cell. With `scaleAtoms`, atoms keep their fractional coordinates (the
   * positions move with the cell), as ASE's `set_cell(..., scale_atoms=True)`.
   */
  setCell(cell: CellLike, scaleAtoms = false): void {
    const next = toCell(cell);
    if (scaleAtoms) {
      const scaled = this.getScaledPositions();
      this.cell = next;
      this.setScaledPositions(scaled);
    } else {
      this.cell = next;
    }
  }

  /**
   * Wraps positions into the cell along periodic axes: afterwards every fractional
   * coordinate along a periodic axis is in [0, 1). Non-periodic axes are untouched.
   */
  wrap(): void {
    if (!this.pbc.some(Boolean)) return;
    const s = this.getScaledPositions();
    for (let a = 0; a < this.length; a++) {
      for (let k = 0; k < 3; k++) {
        if (!this.pbc[k]) continue;
        let f = s[3 * a + k]! - Math.floor(s[3 * a + k]!);
        if (f >= 1) f -= 1; // -1e-17 - floor(-1e-17) rounds to exactly 1
        s[3 * a + k] = f;
      }
    }
    this.setScaledPositions(s);
  }

  /** Translates every atom by a vector in Å. */
  translate(vector: readonly [number, number, number]): void {
    for (let a = 0; a < this.length; a++)
      for (let k = 0; k < 3; k++) this.positions[3 * a + k]! += vector[k]!;
  }

  /** Sets (or removes, with null) a per-atom array; checks its length. */
  setArray(name: string, array: PerAtomArray | null): void {
    if (array === null) {
      delete this.arrays[name];
      return;
    }
    if (array.values.length !== array.components * this.length) {
      throw new InvalidInputError(
        `per-atom array "${name}": ${array.values.length} values for ${this.length} atoms × ${array.components} components`,
      );
    }
    this.arrays[name] = array;
  }

  /**
   * Checks that the structure describes a physical system and throws InvalidInputError
   * naming the first problem: non-finite positions, masses or velocities, non-positive
   * masses, a non-finite cell, or a periodic axis whose cell cannot be inverted.
   */
  validate(): void {
    for (let i = 0; i < this.positions.length; i++) {
      if (!Number.isFinite(this.positions[i]!)) {
        throw new InvalidInputError(
          `atom ${Math.floor(i / 3)} has a non-finite coordinate (${this.positions[i]})`,
        );
      }
    }
    for (let a = 0; a < this.length; a++) {
      if (!(this.masses[a]! > 0) || !Number.isFinite(this.masses[a]!)) {
        throw new InvalidInputError(
          `atom ${a} has mass ${this.masses[a]}: masses must be positive and finite`,
        );
      }
    }
    if (this.velocities) {
      for (let i = 0; i < this.velocities.length; i++) {
        if (!Number.isFinite(this.velocities[i]!)) {
          throw new InvalidInputError(`atom ${Math.floor(i / 3)} has a non-finite velocity`);
        }
      }
    }
    for (const x of this.cell)
      if (!Number.isFinite(x)) throw new InvalidInputError('the cell has a non-finite entry');
    if (this.pbc.some(Boolean) && cellRank(this.cell) < 3) {
      const nPeriodic = this.pbc.filter(Boolean).length;
      // A slab or wire needs its periodic vectors independent; the simplest honest test
      // for every mixed case is a full-rank cell, which ASE's neighbor lists need too.
      throw new InvalidInputError(
        `the cell is singular (volume ${this.getVolume().toExponential(3)} Å³) but ${nPeriodic} axis${
          nPeriodic > 1 ? 'es are' : ' is'
        } periodic: give three independent lattice vectors`,
      );
    }
  }

  /** Deep copy: arrays, cell, info (structured clone) and per-atom arrays. */
  copy(): Atoms {
    const out = Object.create(Atoms.prototype) as Atoms;
    out.numbers = this.numbers.slice();
    out.positions = this.positions.slice();
    out.masses = this.masses.slice();
    out.cell = this.cell.slice();
    out.pbc = [...this.pbc];
    out.velocities = this.velocities ? this.velocities.slice() : null;
    out.info = structuredClone(this.info);
    out.arrays = {};
    for (const [name, arr] of Object.entries(this.arrays)) {
      out.arrays[name] = {
        components: arr.components,
        values: arr.values.slice() as PerAtomArray['values'],
      };
    }
    return out;
  }
}
