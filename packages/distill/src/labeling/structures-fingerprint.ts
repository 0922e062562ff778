import { createHash } from 'node:crypto';
import type { Atoms } from '@mlff-distiller/core';

/**
 * SHA-256 of the structures (atomic numbers, positions, cell, pbc, bit for bit) and any
 * extra strings: two labeling jobs share a journal only when this matches.
 */
export function structuresFingerprint(
  structures: readonly Atoms[],
  extra: readonly string[] = [],
): string {
  const hash = createHash('sha256');
  hash.update(`${structures.length}\n${extra.join('\n')}\n`);
  for (const atoms of structures) {
    hash.update(`${atoms.length}:${atoms.pbc.map(Number).join('')}`);
    hash.update(
      new Uint8Array(atoms.numbers.buffer, atoms.numbers.byteOffset, atoms.numbers.byteLength),
    );
    hash.update(
      new Uint8Array(
        atoms.positions.buffer,
        atoms.positions.byteOffset,
        atoms.positions.byteLength,
      ),
    );
    hash.update(new Uint8Array(atoms.cell.buffer, atoms.cell.byteOffset, atoms.cell.byteLength));
  }
  return hash.digest('hex');
}
