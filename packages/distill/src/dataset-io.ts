import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  type CalculatorResults,
  InvalidInputError,
  readExtxyzFrames,
  writeExtxyz,
} from '@mlff-distiller/core';
import type { LabelledStructure } from './labelled-structure.js';

/**
 * Streams the labelled structures of an extxyz file (ASE's conventions: `energy` in the
 * comment line, `forces` per atom, optional `stress`). A frame without energy or forces
 * is an {@link InvalidInputError} naming the file and line.
 */
export async function* streamDataset(path: string): AsyncGenerator<LabelledStructure> {
  for await (const frame of readExtxyzFrames(path)) {
    const { energy, forces, stress } = frame.results;
    const missing = [energy === undefined ? 'energy' : '', forces === undefined ? 'forces' : '']
      .filter(Boolean)
      .join(' and ');
    if (missing) {
      throw new InvalidInputError(
        `${path}:${frame.line}: the frame has no ${missing}: a training set needs teacher energies and forces (ASE writes them with the calculator's results)`,
      );
    }
    yield {
      atoms: frame.atoms,
      energy: energy as number,
      forces: Float64Array.from(forces as ArrayLike<number>),
      ...(stress ? { stress: Float64Array.from(stress as ArrayLike<number>) } : {}),
    };
  }
}

/** Reads a whole labelled dataset (see {@link streamDataset}). */
export async function readDataset(path: string): Promise<LabelledStructure[]> {
  const out: LabelledStructure[] = [];
  for await (const s of streamDataset(path)) out.push(s);
  return out;
}

/** Writes labelled structures to an extxyz file atomically (ASE-readable), creating its directory. */
export async function writeDataset(
  path: string,
  data: Iterable<LabelledStructure> | AsyncIterable<LabelledStructure>,
): Promise<void> {
  async function* frames() {
    for await (const s of data) {
      const results: CalculatorResults = { energy: s.energy, forces: s.forces };
      if (s.stress) results.stress = s.stress;
      yield { atoms: s.atoms, results };
    }
  }
  await mkdir(dirname(path), { recursive: true });
  await writeExtxyz(path, frames());
}
