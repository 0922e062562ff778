import { ASE_UNITS } from './units.generated.js';

/**
 * The unit system of MLFF Distiller, identical to ASE's (CODATA 2014): lengths in Å,
 * energies in eV, masses in amu, forces in eV/Å, stress in eV/Å³. User-facing times are
 * in fs; ASE's internal time unit is Å·sqrt(amu/eV) ≈ 10.18 fs, so `units.fs` converts
 * fs to ASE time units exactly as in `ase.units.fs`.
 */
export const units = ASE_UNITS;

/** Boltzmann constant in eV/K (ASE's `units.kB`). */
export const kB: number = ASE_UNITS.kB;

/**
 * Factor that turns amu·(Å/fs)² into eV: a kinetic energy ½·m·v² with v in Å/fs times
 * this factor is in eV. Equal to 1 / units.fs².
 */
export const AMU_A2_PER_FS2_TO_EV: number = 1 / (ASE_UNITS.fs * ASE_UNITS.fs);

/**
 * Factor that turns an acceleration F/m with F in eV/Å and m in amu into Å/fs².
 * Equal to units.fs².
 */
export const EV_PER_A_AMU_TO_A_PER_FS2: number = ASE_UNITS.fs * ASE_UNITS.fs;

/** One GPa in eV/Å³. */
export const GPa: number = ASE_UNITS.GPa;

/** One bar in eV/Å³. */
export const bar: number = ASE_UNITS.bar;

/**
 * Converts velocities in Å/fs to ASE's internal velocity unit (Å per ASE time unit), the
 * unit of ASE's `momenta / masses`. Multiply by this factor.
 */
export const A_PER_FS_TO_ASE_VELOCITY: number = 1 / ASE_UNITS.fs;
