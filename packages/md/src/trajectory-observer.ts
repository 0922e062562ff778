import {
  type Atoms,
  type CalculatorResults,
  ExtxyzWriter,
  type ExtxyzWriterOptions,
  traceBegin,
  traceEnd,
} from '@mlff-distiller/core';
import type { MolecularDynamics, ObserverObject } from './molecular-dynamics.js';

/** Something frames can be written to: core's ExtxyzWriter, or any writer with the same two methods. */
export interface FrameSink {
  /** Writes (or buffers) one frame; the atoms may change after this returns. */
  write(atoms: Atoms, results?: CalculatorResults): Promise<void> | void;
  /** Flushes and releases the sink. */
  close(): Promise<void> | void;
}

/** Options of {@link TrajectoryObserver}. */
export interface TrajectoryObserverOptions {
  /** Store energy (eV), forces (eV/Å) and stress (eV/Å³) with each frame (default true). */
  results?: boolean;
  /** Store the step count and the time in fs as `step` and `time_fs` on each frame's comment line (default true). */
  time?: boolean;
}

/**
 * Writes the structure (positions Å, cell, velocities as ASE momenta) and, by default, the
 * energy, forces and stress of every observed step to an extended XYZ trajectory that ASE
 * reads (`ase.io.read(path, ':')`). Attach with `md.attach(trajectory, interval)`; `close()`
 * when done.
 *
 * @example
 * const traj = await TrajectoryObserver.open('md.extxyz');
 * md.attach(traj, 100);
 * await md.run(10_000);
 * await traj.close();
 */
export class TrajectoryObserver implements ObserverObject {
  private readonly sink: FrameSink;
  private readonly options: TrajectoryObserverOptions;

  /**
   * @param sink where frames go (see {@link TrajectoryObserver.open} for a file).
   * @param options results and time on each frame.
   */
  constructor(sink: FrameSink, options: TrajectoryObserverOptions = {}) {
    this.sink = sink;
    this.options = options;
  }

  /** Opens an extxyz file (replaced, or appended to with `append`) and returns an observer writing to it. */
  static async open(
    path: string,
    options: TrajectoryObserverOptions & ExtxyzWriterOptions = {},
  ): Promise<TrajectoryObserver> {
    return new TrajectoryObserver(await ExtxyzWriter.open(path, options), options);
  }

  /** Writes the current frame of `md`. */
  async observe(md: MolecularDynamics): Promise<void> {
    traceBegin('io.write');
    try {
      await this.writeFrame(md);
    } finally {
      traceEnd('io.write');
    }
  }

  private async writeFrame(md: MolecularDynamics): Promise<void> {
    const atoms = md.atoms;
    let results: CalculatorResults | undefined;
    if (this.options.results ?? true) {
      const r = md.results;
      if (r) {
        results = { forces: r.forces };
        if (r.energy !== undefined) results.energy = r.energy;
        if (r.stress !== undefined) results.stress = r.stress;
      }
    }
    if (!(this.options.time ?? true)) {
      await this.sink.write(atoms, results);
      return;
    }
    // The writer formats the frame when called, so the step and time can be lent to the
    // atoms' info just for that call.
    const info = atoms.info;
    atoms.info = { ...info, step: md.nSteps, time_fs: md.time };
    let pending: Promise<void> | void;
    try {
      pending = this.sink.write(atoms, results);
    } finally {
      atoms.info = info;
    }
    await pending;
  }

  /** Flushes and closes the trajectory. */
  async close(): Promise<void> {
    await this.sink.close();
  }
}
