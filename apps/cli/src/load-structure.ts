import { existsSync, statSync } from 'node:fs';
import { type Atoms, InvalidInputError, readExtxyzFrame } from '@mlff-distiller/core';

/**
 * Reads one frame of an extxyz file (ASE-style index: −1 is the last) and checks that it
 * describes a physical system; every problem names the file.
 */
export async function loadStructure(file: string, frame: number): Promise<Atoms> {
  if (!existsSync(file)) throw new InvalidInputError(`input file not found: ${file}`);
  if (statSync(file).isDirectory())
    throw new InvalidInputError(`input is a directory, not an extxyz file: ${file}`);
  const { atoms } = await readExtxyzFrame(file, frame);
  try {
    atoms.validate();
  } catch (error) {
    throw new InvalidInputError(`${file}: ${(error as Error).message}`);
  }
  return atoms;
}
