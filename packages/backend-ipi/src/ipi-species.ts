import type { Pbc } from '@mlff-distiller/core';

/**
 * Atomic numbers and periodicity of a structure: what the i-PI protocol does not carry.
 * MLFF Distiller's server sends them as JSON in the INIT string
 * (`{"numbers":[29,29,13],"pbc":[true,true,true]}`); clients that ignore the INIT string
 * (ASE's `SocketClient`, LAMMPS, i-PI drivers) are unaffected, while the bundled Python
 * bridge and {@link IpiClient} use them, so one client can label structures of any
 * composition. The bridge echoes `{"numbers":[…]}` in the FORCEREADY extra string, and the
 * server checks the echo.
 */
export interface IpiSpecies {
  /** Atomic numbers, length N. */
  numbers: Int32Array;
  /** Periodicity along the three lattice vectors, or null when not given. */
  pbc: Pbc | null;
}

/** The INIT string announcing `numbers` and `pbc`: UTF-8 JSON. */
export function encodeSpecies(numbers: ArrayLike<number>, pbc: Pbc): Buffer {
  return Buffer.from(JSON.stringify({ numbers: Array.from(numbers), pbc }), 'utf8');
}

/**
 * The species in an INIT string or FORCEREADY extra string, or null when the bytes are not
 * such JSON (ASE sends a single zero byte). Trailing NUL bytes are ignored. Throws when the
 * JSON has a `numbers` entry that is not a list of integers from 0 to 118, or a `pbc` entry
 * that is not three booleans.
 */
export function decodeSpecies(bytes: Uint8Array): IpiSpecies | null {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  if (end === 0 || bytes[0] !== 0x7b /* { */) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, end).toString('utf8'));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || !('numbers' in parsed)) return null;
  const { numbers, pbc } = parsed as { numbers: unknown; pbc?: unknown };
  if (
    !Array.isArray(numbers) ||
    !numbers.every((z) => Number.isInteger(z) && (z as number) >= 0 && (z as number) <= 118)
  ) {
    throw new Error('"numbers" must be a list of atomic numbers (integers from 0 to 118)');
  }
  let periodic: Pbc | null = null;
  if (pbc !== undefined) {
    if (!Array.isArray(pbc) || pbc.length !== 3 || !pbc.every((p) => typeof p === 'boolean')) {
      throw new Error('"pbc" must be a list of three booleans');
    }
    periodic = [pbc[0], pbc[1], pbc[2]];
  }
  return { numbers: Int32Array.from(numbers as number[]), pbc: periodic };
}
