import { XtbError } from './xtb-error.js';

/** Energy and gradient of a Turbomole `gradient` file, in its units (Hartree, Hartree/Bohr). */
export interface TurbomoleGradient {
  /** Total energy of the last cycle in Hartree. */
  energy: number;
  /** Gradient ∂E/∂x of the last cycle in Hartree/Bohr, 3N, row-major. */
  gradient: Float64Array;
}

/** A Fortran real: `1.5D-03` and `1.5d-03` are `1.5e-03`. */
function parseReal(token: string): number {
  const value = Number(token.replace(/[dD]/, 'e'));
  if (!Number.isFinite(value)) throw new XtbError(`not a number in the gradient file: "${token}"`);
  return value;
}

/**
 * Parses the `$grad` group of a Turbomole `gradient` file as xtb writes it: per cycle a line
 * `cycle = k    SCF energy = E   |dE/dxyz| = g`, then N lines of coordinates with the element,
 * then N lines of gradient components (Fortran reals, possibly with D exponents). Takes the
 * last cycle (Turbomole appends one per run). Throws {@link XtbError} when the group, the
 * energy or N gradient lines are missing.
 */
export function parseTurbomoleGradient(text: string, natoms: number): TurbomoleGradient {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => l.trim().startsWith('$grad'));
  if (start < 0) throw new XtbError('the gradient file has no $grad group');
  let cycle = -1;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line.startsWith('$')) break;
    if (/^cycle\s*=/.test(line)) cycle = i;
  }
  if (cycle < 0) throw new XtbError('the gradient file has no "cycle =" line');
  const match = /energy\s*=\s*(\S+)/i.exec(lines[cycle]!);
  if (!match) throw new XtbError(`no energy in the gradient file line "${lines[cycle]!.trim()}"`);
  const energy = parseReal(match[1]!);
  const gradient = new Float64Array(3 * natoms);
  for (let a = 0; a < natoms; a++) {
    const line = lines[cycle + 1 + natoms + a];
    const tokens = line?.trim().split(/\s+/) ?? [];
    if (line === undefined || line.trim().startsWith('$') || tokens.length < 3) {
      throw new XtbError(`the gradient file has fewer than ${natoms} gradient lines`);
    }
    for (let k = 0; k < 3; k++) gradient[3 * a + k] = parseReal(tokens[k]!);
  }
  return { energy, gradient };
}
