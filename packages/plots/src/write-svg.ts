import { writeFileAtomic } from '@mlff-distiller/core';

/** Writes an SVG document atomically (see core's `writeFileAtomic`): a reader never sees half a chart. */
export async function writeSvg(path: string, svg: string): Promise<void> {
  await writeFileAtomic(path, svg);
}
