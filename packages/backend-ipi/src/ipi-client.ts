import { createConnection, type Socket } from 'node:net';
import {
  Atoms,
  type Calculator,
  cellRank,
  cellVolume,
  MlffdError,
  type Pbc,
  type PropertyName,
} from '@mlff-distiller/core';
import { type Deadline, deadlineIn } from './deadline.js';
import {
  describeAddress,
  type IpiAddress,
  type IpiAddressOptions,
  resolveIpiAddress,
} from './ipi-address.js';
import { IpiConnection } from './ipi-connection.js';
import type { IpiClientStatus } from './ipi-headers.js';
import { encodeForceReady, readInit, readPosdata } from './ipi-messages.js';
import { IpiProtocolError } from './ipi-protocol-error.js';
import { decodeSpecies, type IpiSpecies } from './ipi-species.js';
import { virialFromStress } from './virial.js';

/** Options of {@link IpiClient}. */
export interface IpiClientOptions extends IpiAddressOptions {
  /** The calculator that computes what the server asks for. */
  calculator: Calculator;
  /**
   * A template structure: its atomic numbers (the protocol carries none), periodicity and
   * masses apply to every geometry received. May be omitted when the server sends the
   * species in the INIT string (MLFF Distiller's {@link IpiServer} does); when both exist,
   * the server's species win.
   */
  atoms?: Atoms;
  /**
   * Send a virial: `'auto'` (default) when the calculator implements stress and the cell
   * is three-dimensional; `false` always sends zeros; `true` requires stress.
   */
  stress?: 'auto' | boolean;
  /** How long to keep retrying the connection while the server is not up yet, ms. Default 10 000. */
  connectTimeoutMs?: number;
  /** Time for the rest of a message once its header arrived, ms. Default 60 000. */
  messageTimeoutMs?: number;
  /** Time to wait for the server's next message, ms. Default Infinity (servers may pause). */
  idleTimeoutMs?: number;
  /** Largest POSDATA accepted, in atoms. Default 10 000 000. */
  maxAtoms?: number;
  /** Largest INIT string accepted, in bytes. Default 64 MiB. */
  maxInitBytes?: number;
  /** Receives a line per connection and end. Default: none. */
  log?: (line: string) => void;
}

/** How a client's run ended. */
export interface IpiClientSummary {
  /** Structures computed and sent. */
  structures: number;
  /** `exit`: the server sent EXIT; `closed`: the server closed the connection (ASE's way). */
  reason: 'exit' | 'closed';
}

/** Raised by {@link IpiClient} when its calculator fails on a structure the server sent. */
export class IpiClientError extends MlffdError {}

const RETRYABLE = new Set(['ECONNREFUSED', 'ENOENT', 'EAGAIN', 'ECONNRESET']);

/**
 * An i-PI client that serves any Calculator to an external driver: ASE's
 * `SocketIOCalculator`, i-PI, or MLFF Distiller's own {@link IpiServer}. It behaves as ASE's
 * `SocketClient` (`ase/calculators/socketio.py`): answers STATUS with its state, takes INIT
 * and POSDATA, computes when the positions arrive, answers GETFORCE with FORCEREADY (energy,
 * forces, virial = −stress·volume or zeros, one zero byte of extra string) and goes back to
 * NEEDINIT. It starts in NEEDINIT, so a server sends INIT first (ASE and i-PI do), and
 * takes atomic numbers and pbc from the INIT string when they are there as JSON.
 *
 * {@link run} resolves when the server sends EXIT or closes the connection, and rejects
 * (closing the socket) on a protocol violation or a calculator error.
 */
export class IpiClient {
  private readonly address: IpiAddress;
  private readonly calculator: Calculator;
  private readonly template: Atoms | null;
  private readonly stress: 'auto' | boolean;
  private readonly connectTimeoutMs: number;
  private readonly messageTimeoutMs: number;
  private readonly idleTimeoutMs: number;
  private readonly maxAtoms: number;
  private readonly maxInitBytes: number;
  private readonly log: ((line: string) => void) | undefined;
  private socket: Socket | null = null;
  private stopped = false;
  private computed = 0;

  constructor(options: IpiClientOptions) {
    this.address = resolveIpiAddress(options);
    this.calculator = options.calculator;
    this.template = options.atoms ?? null;
    this.stress = options.stress ?? 'auto';
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.messageTimeoutMs = options.messageTimeoutMs ?? 60_000;
    this.idleTimeoutMs = options.idleTimeoutMs ?? Number.POSITIVE_INFINITY;
    this.maxAtoms = options.maxAtoms ?? 10_000_000;
    this.maxInitBytes = options.maxInitBytes ?? 64 * 1024 * 1024;
    this.log = options.log;
    if (this.stress === true && !this.calculator.implementedProperties.includes('stress')) {
      throw new RangeError(`stress: true, but ${this.calculator.name} does not implement stress`);
    }
  }

  /** Structures computed so far. */
  get structures(): number {
    return this.computed;
  }

  /** Connects and serves until EXIT or the end of the connection. Call once. */
  async run(): Promise<IpiClientSummary> {
    const socket = await this.connect();
    this.socket = socket;
    const peer = `server ${describeAddress(this.address)}`;
    const connection = new IpiConnection(socket, peer);
    this.log?.(`i-PI client connected to ${describeAddress(this.address)}`);
    try {
      const reason = await this.serve(connection);
      this.log?.(`i-PI client done (${reason}) after ${this.computed} structures`);
      return { structures: this.computed, reason };
    } finally {
      connection.destroy();
    }
  }

  /** Stops serving: closes the connection; {@link run} resolves with reason `closed`. */
  close(): void {
    this.stopped = true;
    this.socket?.destroy();
  }

  private async serve(connection: IpiConnection): Promise<'exit' | 'closed'> {
    let state: IpiClientStatus = 'NEEDINIT';
    let species: IpiSpecies | null = null;
    let reply: Buffer | null = null;
    for (;;) {
      let header: Awaited<ReturnType<IpiConnection['readHeader']>>;
      try {
        header = await connection.readHeader(this.idleTimeoutMs, 'the next message');
      } catch (error) {
        const clean =
          error instanceof IpiProtocolError &&
          error.reason === 'closed' &&
          connection.reader.bufferedBytes === 0;
        if (clean || this.stopped) return 'closed';
        throw error;
      }
      const deadline = deadlineIn(this.messageTimeoutMs);
      switch (header) {
        case 'STATUS':
          connection.sendHeader(state);
          break;
        case 'INIT': {
          if (state === 'HAVEDATA') throw unexpected(connection, header, state);
          const { init } = await readInit(connection, deadline, this.maxInitBytes);
          try {
            species = decodeSpecies(init) ?? species;
          } catch (error) {
            throw new IpiProtocolError(
              connection.peer,
              'unexpected-data',
              `sent an INIT string with invalid species: ${(error as Error).message}`,
            );
          }
          state = 'READY';
          break;
        }
        case 'POSDATA': {
          if (state === 'HAVEDATA') throw unexpected(connection, header, state);
          reply = await this.computeStructure(connection, deadline, species);
          state = 'HAVEDATA';
          break;
        }
        case 'GETFORCE':
          if (state !== 'HAVEDATA' || !reply) throw unexpected(connection, header, state);
          connection.write(reply);
          reply = null;
          this.computed++;
          state = 'NEEDINIT';
          break;
        case 'EXIT':
          connection.socket.end();
          return 'exit';
        default:
          throw unexpected(connection, header, state);
      }
    }
  }

  /** Reads POSDATA, computes, and returns the FORCEREADY message to send. */
  private async computeStructure(
    connection: IpiConnection,
    deadline: Deadline,
    species: IpiSpecies | null,
  ): Promise<Buffer> {
    const numbers = species?.numbers ?? this.template?.numbers ?? null;
    const { cell, positions } = await readPosdata(
      connection,
      deadline,
      numbers ? numbers.length : null,
      this.maxAtoms,
    );
    if (!numbers) {
      throw new IpiClientError(
        `i-PI client: ${connection.peer} sent no atomic numbers (INIT string) and no template atoms were given; pass \`atoms\``,
      );
    }
    const rank = cellRank(cell);
    const pbc: Pbc = species?.pbc ??
      (this.template ? [...this.template.pbc] : null) ?? [rank === 3, rank === 3, rank === 3];
    const template = this.template;
    const sameAtoms =
      template !== null &&
      template.length === numbers.length &&
      template.numbers.every((z, i) => z === numbers[i]);
    const atoms = new Atoms({
      numbers,
      positions,
      cell,
      pbc,
      ...(sameAtoms ? { masses: template.masses } : {}),
    });
    const wantStress =
      this.stress === true ||
      (this.stress === 'auto' &&
        rank === 3 &&
        this.calculator.implementedProperties.includes('stress'));
    if (this.stress === true && rank !== 3) {
      throw new IpiClientError(
        `i-PI client: stress requested but ${connection.peer} sent a cell of rank ${rank}`,
      );
    }
    const properties: PropertyName[] = wantStress
      ? ['energy', 'forces', 'stress']
      : ['energy', 'forces'];
    const index = this.computed + 1;
    try {
      await this.calculator.calculate(atoms, properties);
    } catch (error) {
      throw new IpiClientError(
        `i-PI client: calculator "${this.calculator.name}" failed on structure ${index} (${numbers.length} atoms) sent by ${connection.peer}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    const { energy, forces, stress } = this.calculator.results;
    const virial =
      wantStress && stress ? virialFromStress(stress, cellVolume(cell)) : new Float64Array(9);
    const finite =
      energy !== undefined &&
      Number.isFinite(energy) &&
      forces !== undefined &&
      forces.length === positions.length &&
      forces.every(Number.isFinite) &&
      virial.every(Number.isFinite);
    if (!finite) {
      throw new IpiClientError(
        `i-PI client: calculator "${this.calculator.name}" returned missing or non-finite results for structure ${index} (${numbers.length} atoms)`,
      );
    }
    return encodeForceReady(energy, forces, virial);
  }

  private async connect(): Promise<Socket> {
    const deadline = deadlineIn(this.connectTimeoutMs);
    for (;;) {
      try {
        return await connectOnce(this.address);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? '';
        if (this.stopped) throw new MlffdError('i-PI client closed before it connected');
        if (!RETRYABLE.has(code) || deadline.remaining() <= 0) {
          throw new MlffdError(
            `i-PI client cannot connect to ${describeAddress(this.address)}: ${(error as Error).message}`,
            { cause: error },
          );
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(100, deadline.remaining())));
      }
    }
  }
}

/** Connects to a server and serves `calculator` until it is done; see {@link IpiClient}. */
export function serveIpi(options: IpiClientOptions): Promise<IpiClientSummary> {
  return new IpiClient(options).run();
}

function connectOnce(address: IpiAddress): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket =
      address.kind === 'unix'
        ? createConnection(address.path)
        : createConnection(address.port, address.host);
    const onError = (error: Error): void => {
      socket.destroy();
      reject(error);
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

function unexpected(connection: IpiConnection, header: string, state: string): IpiProtocolError {
  return new IpiProtocolError(
    connection.peer,
    'unexpected-header',
    `sent ${header} while the client is ${state}`,
  );
}
