import { type CalculatorPool, PoolCalculator } from '@mlff-distiller/core';
import { IPI_PROPERTIES, IpiServer, type IpiServerOptions } from './ipi-server.js';

/** Options of {@link IpiCalculator}. */
export interface IpiCalculatorOptions {
  /** Name for logs and reports. Default: "ipi:" and the server's name. */
  name?: string;
  /** Close the server when the calculator is disposed. Default false (true with {@link IpiCalculator.listen}). */
  ownsServer?: boolean;
}

/**
 * A Calculator whose energies, forces and stresses come from external i-PI clients through
 * an {@link IpiServer} (or any `CalculatorPool`): MD, benchmarks and the CLI can run with an
 * external teacher (an ASE calculator behind the bundled bridge, LAMMPS, CP2K…) exactly as
 * with a built-in one. Implements energy, free_energy (eV), forces (eV/Å) and stress
 * (eV/Å³, Voigt, for 3-D periodic cells); results are cached with ASE's semantics.
 */
export class IpiCalculator extends PoolCalculator {
  /** @param server where structures are computed: an {@link IpiServer} (listening) or another pool */
  constructor(server: CalculatorPool, options: IpiCalculatorOptions = {}) {
    super(server, {
      name: options.name ?? `ipi:${server.name}`,
      implementedProperties: IPI_PROPERTIES,
      ownsPool: options.ownsServer ?? false,
    });
    Object.assign(this.parameters, { server: server.name });
  }

  /** The server (or pool) structures go to. */
  get server(): CalculatorPool {
    return this.pool;
  }

  /** Starts a server of its own (closed by `dispose`) and wraps it. */
  static async listen(
    options: IpiServerOptions & Omit<IpiCalculatorOptions, 'ownsServer'> = {},
  ): Promise<IpiCalculator> {
    const server = await IpiServer.listen(options);
    return new IpiCalculator(server, { name: options.name, ownsServer: true });
  }
}
