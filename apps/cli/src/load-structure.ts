import { existsSync, statSync } from 'node:fs';
import { type Atoms, InvalidInputError, readExtxyz, readExtxyzFrame } from '@mlff-distiller/core';

function checkInputFile(file: string): void {
  if (!existsSync(file)) throw new InvalidInputError(`input file not found: ${file}`);
  if (statSync(file).isDirectory())
    throw new InvalidInputError(`input is a directory, not an extxyz file: ${file}`);
}

function validated(atoms: Atoms, where: string): Atoms {
  try {
    atoms.validate();
  } catch (error) {
    throw new InvalidInputError(`${where}: ${(error as Error).message}`);
  }
  return atoms;
}

/**
 * Reads one frame of an extxyz file (ASE-style index: −1 is the last) and checks that it
 * describes a physical system; every problem names the file.
 */
export async function loadStructure(file: string, frame: number): Promise<Atoms> {
  checkInputFile(file);
  const { atoms } = await readExtxyzFrame(file, frame);
  return validated(atoms, file);
}

/**
 * Reads every frame of an extxyz file and checks each one; a problem names the file, the
 * line and the frame.
 */
export async function loadStructures(file: string): Promise<Atoms[]> {
  checkInputFile(file);
  const frames = await readExtxyz(file);
  if (frames.length === 0) throw new InvalidInputError(`${file} holds no structure`);
  return frames.map(({ atoms, line }, k) => validated(atoms, `${file}:${line} (frame ${k})`));
}
