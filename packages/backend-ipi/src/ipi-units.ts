import { units } from '@mlff-distiller/core';

/**
 * One Bohr in Å (ASE's `units.Bohr`, CODATA 2014: 0.5291772105638411). The i-PI protocol
 * carries lengths in Bohr: positions and cell are divided by it before sending.
 */
export const BOHR: number = units.Bohr;

/**
 * One Hartree in eV (ASE's `units.Hartree`, CODATA 2014: 27.211386024367243). The i-PI
 * protocol carries energies and virials in Hartree, forces in Hartree/Bohr.
 */
export const HARTREE: number = units.Hartree;
