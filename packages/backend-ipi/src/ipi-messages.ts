import type { Deadline } from './deadline.js';
import { cellFromWire, cellToWire, inverseCellToWire, transpose3x3 } from './ipi-cell.js';
import { type IpiConnection, IpiMessageWriter } from './ipi-connection.js';
import { IPI_HEADER_LENGTH } from './ipi-headers.js';
import { IpiProtocolError } from './ipi-protocol-error.js';
import { BOHR, HARTREE } from './ipi-units.js';

/*
 * The payloads of the i-PI messages, laid out exactly as ASE 3.22's
 * `ase/calculators/socketio.py` (`IPIProtocol`): little-endian int32 and float64, arrays
 * row-major, lengths in Bohr, energies in Hartree. Each `read…` function reads what follows
 * its header; each `encode…` function returns the whole message, header included.
 */

/** A geometry as POSDATA carries it, converted to core's units. */
export interface IpiPositions {
  /** Cell, lattice vectors as rows, Å, Float64Array(9). */
  cell: Float64Array;
  /** Cartesian positions in Å, Float64Array(3N). */
  positions: Float64Array;
}

/** What FORCEREADY carries, converted to core's units. */
export interface IpiForces {
  /** Potential energy in eV. */
  energy: number;
  /** Forces in eV/Å, Float64Array(3N) row-major. */
  forces: Float64Array;
  /** Virial in eV, 3×3 row-major, oriented as ASE's `SocketServer` returns it (wire transposed). */
  virial: Float64Array;
  /** The trailing extra bytes (ASE sends one zero byte; some clients send JSON). */
  extra: Buffer;
}

/**
 * POSDATA: header, cell (transposed, Bohr), inverse cell (`pinv(cell)`, 1/Bohr), natoms
 * (int32), positions (Bohr). `cell` rows are lattice vectors in Å; `positions` in Å, 3N.
 */
export function encodePosdata(cell: ArrayLike<number>, positions: ArrayLike<number>): Buffer {
  const natoms = positions.length / 3;
  return new IpiMessageWriter(IPI_HEADER_LENGTH + 72 + 72 + 4 + 8 * positions.length)
    .header('POSDATA')
    .float64(cellToWire(cell), { over: BOHR })
    .float64(inverseCellToWire(cell), { times: BOHR })
    .int32(natoms)
    .float64(positions, { over: BOHR })
    .finish();
}

/**
 * The POSDATA payload. `expectedAtoms` (when known) must equal the announced count, checked
 * before the positions are read; `maxAtoms` bounds it otherwise.
 */
export async function readPosdata(
  connection: IpiConnection,
  deadline: Deadline,
  expectedAtoms: number | null,
  maxAtoms: number,
): Promise<IpiPositions> {
  const wire = await connection.readFloat64(9, deadline, 'the POSDATA cell');
  const cell = cellFromWire(wire).map((x) => x * BOHR);
  await connection.readFloat64(9, deadline, 'the POSDATA inverse cell');
  const natoms = await connection.readInt32(deadline, 'the POSDATA atom count');
  if (natoms < 0) {
    throw new IpiProtocolError(
      connection.peer,
      'invalid-length',
      `sent POSDATA for ${natoms} atoms`,
    );
  }
  if (expectedAtoms !== null && natoms !== expectedAtoms) {
    throw new IpiProtocolError(
      connection.peer,
      'natoms-mismatch',
      `sent POSDATA for ${natoms} atoms, but the structure has ${expectedAtoms} atoms`,
    );
  }
  if (natoms > maxAtoms) {
    throw new IpiProtocolError(
      connection.peer,
      'oversized',
      `sent POSDATA for ${natoms} atoms (limit ${maxAtoms})`,
    );
  }
  const positions = await connection.readFloat64(3 * natoms, deadline, 'the POSDATA positions');
  for (let i = 0; i < positions.length; i++) positions[i]! *= BOHR;
  return { cell, positions };
}

/** INIT: header, bead index (int32), length (int32) and bytes of the initialisation string. */
export function encodeInit(beadIndex: number, init: Uint8Array): Buffer {
  return new IpiMessageWriter(IPI_HEADER_LENGTH + 8 + init.length)
    .header('INIT')
    .int32(beadIndex)
    .int32(init.length)
    .bytes(init)
    .finish();
}

/** The INIT payload; the string may be at most `maxBytes` long (refused unread otherwise). */
export async function readInit(
  connection: IpiConnection,
  deadline: Deadline,
  maxBytes: number,
): Promise<{ beadIndex: number; init: Buffer }> {
  const beadIndex = await connection.readInt32(deadline, 'the INIT bead index');
  const length = await connection.readInt32(deadline, 'the INIT string length');
  checkExtraLength(connection.peer, length, maxBytes, 'an INIT string');
  const init = await connection.readBytes(length, deadline, 'the INIT string');
  return { beadIndex, init };
}

/**
 * FORCEREADY: header, energy (Hartree), natoms (int32), forces (Hartree/Bohr), virial
 * (transposed, Hartree), extra-string length (int32) and bytes. Inputs in eV, eV/Å (3N) and
 * eV (3×3 row-major); ASE's client sends one zero byte as the extra string, the default.
 */
export function encodeForceReady(
  energy: number,
  forces: ArrayLike<number>,
  virial: ArrayLike<number>,
  extra: Uint8Array = new Uint8Array(1),
): Buffer {
  return new IpiMessageWriter(IPI_HEADER_LENGTH + 8 + 4 + 8 * forces.length + 72 + 4 + extra.length)
    .header('FORCEREADY')
    .float64([energy], { over: HARTREE })
    .int32(forces.length / 3)
    .float64(forces, { times: BOHR / HARTREE })
    .float64(transpose3x3(virial), { times: 1 / HARTREE })
    .int32(extra.length)
    .bytes(extra)
    .finish();
}

/**
 * The FORCEREADY payload for a structure of `natoms` atoms. Refuses, before reading
 * further, a different atom count (`natoms-mismatch`), a negative length and an extra string
 * longer than `maxExtraBytes` (`oversized`), so a peer never makes the reader allocate more
 * than the structure asked for. Non-finite numbers are refused (`non-finite`).
 */
export async function readForceReady(
  connection: IpiConnection,
  deadline: Deadline,
  natoms: number,
  maxExtraBytes: number,
): Promise<IpiForces> {
  const [energyHa] = await connection.readFloat64(1, deadline, 'the FORCEREADY energy');
  const count = await connection.readInt32(deadline, 'the FORCEREADY atom count');
  if (count !== natoms) {
    throw new IpiProtocolError(
      connection.peer,
      'natoms-mismatch',
      `sent FORCEREADY for ${count} atoms, but the structure sent has ${natoms} atoms`,
    );
  }
  const forces = await connection.readFloat64(3 * natoms, deadline, 'the FORCEREADY forces');
  const factor = HARTREE / BOHR;
  for (let i = 0; i < forces.length; i++) forces[i] = factor * forces[i]!;
  const wire = await connection.readFloat64(9, deadline, 'the FORCEREADY virial');
  const virial = transpose3x3(wire).map((v) => HARTREE * v);
  const length = await connection.readInt32(deadline, 'the FORCEREADY extra-string length');
  checkExtraLength(connection.peer, length, maxExtraBytes, 'a FORCEREADY extra string');
  const extra = await connection.readBytes(length, deadline, 'the FORCEREADY extra string');
  return { energy: HARTREE * energyHa!, forces, virial, extra };
}

function checkExtraLength(peer: string, length: number, max: number, what: string): void {
  if (length < 0) {
    throw new IpiProtocolError(peer, 'invalid-length', `announced ${what} of ${length} bytes`);
  }
  if (length > max) {
    throw new IpiProtocolError(
      peer,
      'oversized',
      `announced ${what} of ${length} bytes, more than the limit of ${max} bytes (refused unread)`,
    );
  }
}
