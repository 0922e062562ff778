import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Atoms, readExtxyz } from '@mlff-distiller/core';
import type { RecordedTeacher } from './run-distillation.js';

/** The folder of the embedded teacher recording, in this package's `data/`. */
export function embeddedTeacherDirectory(): string {
  // Source (src/pipeline) and build (dist) sit at different depths: walk up to the package.
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('@mlff-distiller/distill: package folder not found');
    dir = parent;
  }
  return join(dir, 'data', 'gfn2-molecules');
}

/**
 * The embedded teacher: GFN2-xTB labels of water, methane, ethanol and alanine dipeptide
 * made by this project's sampler and labeler (see `provenance.json` next to them), with the
 * teacher's measured cost per MD step. Runs anywhere: no xtb needed.
 */
export async function embeddedTeacher(): Promise<{ teacher: RecordedTeacher; starts: Atoms[] }> {
  const dir = embeddedTeacherDirectory();
  const provenance = JSON.parse(await readFile(join(dir, 'provenance.json'), 'utf8')) as Record<
    string,
    unknown
  > & { msPerStep: Record<string, number> };
  const starts = (await readExtxyz(join(dir, 'starts.extxyz'))).map((f) => f.atoms);
  return {
    teacher: { dataset: join(dir, 'dataset.extxyz'), msPerStep: provenance.msPerStep, provenance },
    starts,
  };
}
