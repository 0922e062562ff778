import type { Socket } from 'node:net';
import type { Pbc } from '@mlff-distiller/core';
import { deadlineIn } from './deadline.js';
import { IpiConnection } from './ipi-connection.js';
import type { IpiClientStatus, IpiHeader } from './ipi-headers.js';
import { encodeInit, encodePosdata, type IpiForces, readForceReady } from './ipi-messages.js';
import { IpiProtocolError } from './ipi-protocol-error.js';
import { decodeSpecies, encodeSpecies } from './ipi-species.js';

/** One structure as the server sends it. */
export interface IpiStructure {
  /** Cell, lattice vectors as rows, Å, 9 numbers. */
  cell: Float64Array;
  /** Positions in Å, 3N. */
  positions: Float64Array;
  /** Atomic numbers, N (sent in the INIT string, checked against the client's echo). */
  numbers: Int32Array;
  /** Periodicity (sent in the INIT string). */
  pbc: Pbc;
}

/** Limits and timeouts of one exchange; see {@link IpiServerOptions}. */
export interface ExchangeOptions {
  handshakeTimeoutMs: number;
  structureTimeoutMs: number;
  maxExtraBytes: number;
  initString: 'species' | 'ase';
}

/**
 * The server's end of one connected i-PI client: the STATUS greeting, then one structure at
 * a time through STATUS / INIT / POSDATA / STATUS / GETFORCE, as ASE's
 * `IPIProtocol.calculate`. Every read has a deadline; any violation rejects with an
 * {@link IpiProtocolError} naming this client, after which the connection must be dropped.
 */
export class RemoteIpiClient {
  /** The connection (socket and reader). */
  readonly connection: IpiConnection;
  /** Structures computed. */
  structures = 0;
  /** Computing a structure now. */
  busy = false;
  /** Dropped (socket destroyed); never used again. */
  dropped = false;

  /**
   * @param id a number unique within the server
   * @param remote the peer address ("127.0.0.1:50412", "unix")
   */
  constructor(
    readonly id: number,
    readonly remote: string,
    socket: Socket,
  ) {
    this.connection = new IpiConnection(socket, this.name);
  }

  /** "client #3 (127.0.0.1:50412)". */
  get name(): string {
    return `client #${this.id} (${this.remote})`;
  }

  /** Sends STATUS and expects READY or NEEDINIT (what a fresh i-PI client answers). */
  async greet(timeoutMs: number): Promise<IpiClientStatus> {
    this.connection.sendHeader('STATUS');
    const status = await this.connection.readHeader(
      timeoutMs,
      'the answer to the first STATUS (handshake)',
    );
    if (status !== 'READY' && status !== 'NEEDINIT') {
      throw this.unexpected(status, 'the first STATUS', 'READY or NEEDINIT');
    }
    return status;
  }

  /**
   * Computes one structure: energy (eV), forces (eV/Å) and virial (eV) as the client sends
   * them. Handshake messages (STATUS, INIT) must be answered within `handshakeTimeoutMs`;
   * from POSDATA to the last byte of FORCEREADY the client has `structureTimeoutMs`.
   */
  async compute(structure: IpiStructure, options: ExchangeOptions): Promise<IpiForces> {
    const { connection } = this;
    const natoms = structure.numbers.length;
    if (connection.reader.bufferedBytes > 0) {
      throw new IpiProtocolError(
        this.name,
        'unexpected-data',
        `sent ${connection.reader.bufferedBytes} bytes while idle (nothing was asked)`,
      );
    }
    const handshake = deadlineIn(options.handshakeTimeoutMs);
    connection.sendHeader('STATUS');
    let status = await connection.readHeader(handshake, 'the answer to STATUS');
    if (status === 'NEEDINIT') {
      const init =
        options.initString === 'species'
          ? encodeSpecies(structure.numbers, structure.pbc)
          : new Uint8Array(1);
      connection.write(encodeInit(0, init));
      connection.sendHeader('STATUS');
      status = await connection.readHeader(handshake, 'the answer to STATUS after INIT');
    }
    if (status !== 'READY') throw this.unexpected(status, 'STATUS before POSDATA', 'READY');

    const deadline = deadlineIn(options.structureTimeoutMs);
    connection.write(encodePosdata(structure.cell, structure.positions));
    connection.sendHeader('STATUS');
    status = await connection.readHeader(
      deadline,
      `the answer to STATUS after POSDATA (${natoms} atoms; the client computes meanwhile)`,
    );
    if (status !== 'HAVEDATA') throw this.unexpected(status, 'STATUS after POSDATA', 'HAVEDATA');
    connection.sendHeader('GETFORCE');
    const reply = await connection.readHeader(deadline, 'the answer to GETFORCE');
    if (reply !== 'FORCEREADY') throw this.unexpected(reply, 'GETFORCE', 'FORCEREADY');
    const forces = await readForceReady(connection, deadline, natoms, options.maxExtraBytes);
    this.checkEcho(forces.extra, structure.numbers);
    this.structures++;
    return forces;
  }

  /** Sends EXIT (the client should stop) and half-closes the socket. */
  exit(): void {
    if (this.connection.socket.destroyed) return;
    this.connection.sendHeader('EXIT');
    this.connection.socket.end();
  }

  /** The bridge echoes the atomic numbers it computed with; they must be those sent. */
  private checkEcho(extra: Buffer, numbers: Int32Array): void {
    let echo: ReturnType<typeof decodeSpecies> = null;
    try {
      echo = decodeSpecies(extra);
    } catch {
      return; // JSON of another kind: not an echo
    }
    if (!echo) return;
    const same =
      echo.numbers.length === numbers.length && echo.numbers.every((z, i) => z === numbers[i]);
    if (!same) {
      throw new IpiProtocolError(
        this.name,
        'species-mismatch',
        `computed atomic numbers [${preview(echo.numbers)}] instead of the structure's [${preview(numbers)}]`,
      );
    }
  }

  private unexpected(got: IpiHeader, after: string, expected: string): IpiProtocolError {
    return new IpiProtocolError(
      this.name,
      'unexpected-header',
      `answered ${after} with ${got} (expected ${expected})`,
    );
  }
}

function preview(numbers: Int32Array): string {
  const shown = Array.from(numbers.subarray(0, 8)).join(',');
  return numbers.length > 8 ? `${shown},… (${numbers.length})` : shown;
}
