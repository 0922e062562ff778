import { closeSync, openSync, writeSync } from 'node:fs';
import { traceBegin, traceEnd, units } from '@mlff-distiller/core';
import type { MolecularDynamics, ObserverObject } from './molecular-dynamics.js';
import { instantaneousPressure } from './pressure.js';

/** Where {@link ThermoLogger} writes: a file path, a writable stream, or a function given each line (without newline). */
export type LogTarget = string | NodeJS.WritableStream | ((line: string) => void);

/** Options of {@link ThermoLogger}. */
export interface ThermoLoggerOptions {
  /**
   * Print the instantaneous pressure in GPa: true, false, or 'auto' (default: when the
   * calculator implements stress and the cell is three-dimensional). When printed, the
   * integrator is asked to compute stress with the forces at every step (one calculator call
   * per step still, but the stress costs extra for some calculators).
   */
  pressure?: boolean | 'auto';
  /** Write the header line first (default true). */
  header?: boolean;
  /** With a file path: append instead of replacing the file (default false). */
  append?: boolean;
}

interface Column {
  title: string;
  width: number;
}

/**
 * A thermodynamic log in fixed-width columns, like ASE's `MDLogger` and LAMMPS's thermo
 * output: a header line, then one line per call:
 *
 *     Step   Time[fs]   Epot[eV]   Ekin[eV]   Etot[eV]   T[K]   P[GPa]   V[A^3]
 *
 * Step and time (fs) of the dynamics; potential, kinetic and total energy in eV (decimals
 * fall from 6 to 3 as the system grows past 100, 1000, 10000 atoms, as ASE's); the
 * temperature in K over the integrator's degrees of freedom (3N for NVE, as ASE; 3N − 3 for
 * thermostats that conserve momentum); the instantaneous pressure
 * 2Ekin/3V − tr(σ)/3 in GPa (when available, see {@link ThermoLoggerOptions.pressure}); the
 * volume in Å³ (when the cell is three-dimensional). Columns are chosen at the first call.
 *
 * Attach with `md.attach(logger, interval)`; `close()` closes a file it opened.
 */
export class ThermoLogger implements ObserverObject {
  private readonly write: (text: string) => void;
  private readonly fd: number | null;
  private readonly options: ThermoLoggerOptions;
  private columns: Column[] | null = null;
  private withPressure = false;
  private withVolume = false;
  private energyDigits = 6;
  private closed = false;

  /**
   * @param target a file path (created or replaced; see `append`), a writable stream, or a
   *   function receiving each line.
   * @param options pressure column, header, append.
   */
  constructor(target: LogTarget, options: ThermoLoggerOptions = {}) {
    this.options = options;
    if (typeof target === 'string') {
      const fd = openSync(target, options.append ? 'a' : 'w');
      this.fd = fd;
      // Synchronous and unbuffered, as ASE's logger flushes every line: a crash loses nothing.
      this.write = (text) => {
        writeSync(fd, text);
      };
    } else if (typeof target === 'function') {
      this.fd = null;
      this.write = (text) => target(text.replace(/\n$/, ''));
    } else {
      this.fd = null;
      this.write = (text) => {
        target.write(text);
      };
    }
  }

  /** Writes one line for the current state of `md` (and the header before the first). */
  async observe(md: MolecularDynamics): Promise<void> {
    const atoms = md.atoms;
    if (!this.columns) this.start(md);
    let epot = md.potentialEnergy;
    if (Number.isNaN(epot) && md.calculator.implementedProperties.includes('energy')) {
      epot = await md.calculator.getPotentialEnergy(atoms);
    }
    const ekin = atoms.getKineticEnergy();
    const d = this.energyDigits;
    const values = [
      String(md.nSteps),
      md.time.toFixed(3),
      fixed(epot, d),
      fixed(ekin, d),
      fixed(epot + ekin, d),
      fixed(md.getTemperature(), 2),
    ];
    if (this.withPressure) {
      const stress = md.results?.stress ?? (await md.calculator.getStress(atoms));
      values.push(fixed(instantaneousPressure(atoms, stress) / units.GPa, 5));
    }
    if (this.withVolume) values.push(fixed(atoms.getVolume(), 3));
    traceBegin('io.write');
    try {
      this.write(`${values.map((v, i) => v.padStart(this.columns![i]!.width)).join(' ')}\n`);
    } finally {
      traceEnd('io.write');
    }
  }

  /** Closes the file when the logger opened one. Safe to call twice. */
  close(): void {
    if (this.fd !== null && !this.closed) {
      closeSync(this.fd);
      this.closed = true;
    }
  }

  private start(md: MolecularDynamics): void {
    const atoms = md.atoms;
    const n = atoms.length;
    this.energyDigits = n <= 100 ? 6 : n <= 1000 ? 5 : n <= 10000 ? 4 : 3;
    const volume = atoms.getVolume();
    this.withVolume = volume > 0;
    const mode = this.options.pressure ?? 'auto';
    this.withPressure =
      mode === true ||
      (mode === 'auto' &&
        this.withVolume &&
        md.calculator.implementedProperties.includes('stress'));
    if (this.withPressure) md.requestProperties(['stress']);
    const columns: Column[] = [
      { title: 'Step', width: 10 },
      { title: 'Time[fs]', width: 14 },
      { title: 'Epot[eV]', width: 16 },
      { title: 'Ekin[eV]', width: 16 },
      { title: 'Etot[eV]', width: 16 },
      { title: 'T[K]', width: 10 },
    ];
    if (this.withPressure) columns.push({ title: 'P[GPa]', width: 12 });
    if (this.withVolume) columns.push({ title: 'V[A^3]', width: 14 });
    this.columns = columns;
    if (this.options.header ?? true)
      this.write(`${columns.map((c) => c.title.padStart(c.width)).join(' ')}\n`);
  }
}

/** `x.toFixed(digits)`, or "nan"/"inf" for non-finite values. */
function fixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  return x.toFixed(digits);
}
