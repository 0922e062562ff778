import { EventEmitter } from 'node:events';
import { lstatSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import {
  type Atoms,
  type CalculatorPool,
  type CalculatorResults,
  cellRank,
  cellVolume,
  InvalidInputError,
  MlffdError,
  PoolUnavailableError,
  type PropertyName,
  PropertyNotImplementedError,
} from '@mlff-distiller/core';
import { ipiBridgeArgs, shellCommand } from './bridge.js';
import {
  describeAddress,
  type IpiAddress,
  type IpiAddressOptions,
  resolveIpiAddress,
} from './ipi-address.js';
import { IpiProtocolError } from './ipi-protocol-error.js';
import { type ExchangeOptions, type IpiStructure, RemoteIpiClient } from './remote-client.js';
import { formatSeconds } from './socket-reader.js';
import { stressFromVirial } from './virial.js';

/** The properties an i-PI server returns (stress only for a 3-D periodic cell). */
export const IPI_PROPERTIES: readonly PropertyName[] = [
  'energy',
  'free_energy',
  'forces',
  'stress',
];

/** Options of {@link IpiServer}. */
export interface IpiServerOptions extends IpiAddressOptions {
  /**
   * Time a client has for one structure, from POSDATA to the last byte of FORCEREADY, in
   * ms. A client that takes longer is dropped and the structure goes to another. Default
   * 60 000.
   */
  structureTimeoutMs?: number;
  /** Time a client has to answer STATUS and INIT, in ms. Default 10 000. */
  handshakeTimeoutMs?: number;
  /**
   * How long a structure waits when no client is connected at all before compute() rejects,
   * in ms. Default 30 000. (While clients are connected but busy, structures queue.)
   */
  clientWaitMs?: number;
  /** How many times a structure is given to another client after its client failed. Default 2. */
  maxRetries?: number;
  /** Largest FORCEREADY extra string accepted, in bytes. Default 1 MiB. */
  maxExtraBytes?: number;
  /**
   * What the INIT string carries: `'species'` (default), the JSON
   * `{"numbers":[…],"pbc":[…]}` that the bundled bridge and {@link IpiClient} use; or
   * `'ase'`, one zero byte as ASE's server sends (for drivers with a small fixed INIT buffer).
   */
  initString?: 'species' | 'ase';
  /** Receives one line per client connection, drop and retry. Default: none (events only). */
  log?: (line: string) => void;
}

/** A connected client as the server sees it. */
export interface IpiClientInfo {
  /** Unique within the server, from 1. */
  id: number;
  /** "client #3 (127.0.0.1:50412)". */
  name: string;
  /** Peer address ("127.0.0.1:50412", "unix"). */
  remote: string;
  /** Structures computed so far. */
  structures: number;
  /** Computing a structure now. */
  busy: boolean;
}

/** Events of {@link IpiServer}. */
export interface IpiServerEvents {
  /** A client connected and answered the STATUS handshake. */
  'client-connected': [client: IpiClientInfo];
  /** A client was dropped (socket destroyed): it vanished, stalled or broke the protocol. */
  'client-dropped': [event: { client: IpiClientInfo; reason: string; error: Error }];
  /** A structure was handed to a client (attempt 1, 2… after retries). */
  'structure-started': [event: { structure: number; client: IpiClientInfo; attempt: number }];
  /** A structure failed on a client and goes back to the queue for another one. */
  'structure-retried': [event: { structure: number; client: IpiClientInfo; error: Error }];
}

/** A structure's results, with which client computed it. */
export interface IpiComputeOutcome {
  /** energy, free_energy (eV), forces (eV/Å), stress (eV/Å³, Voigt) for 3-D periodic cells. */
  results: CalculatorResults;
  /** The client that computed it. */
  client: string;
  /** The FORCEREADY extra string. */
  extra: Buffer;
  /** How many clients were tried (1 without failures). */
  attempts: number;
}

/** Raised when a structure could not be computed: no client, too many failed clients, closing. */
export class IpiComputeError extends MlffdError {}

/**
 * The server cannot take structures at all: it is closed, or no client connected in time.
 * A {@link PoolUnavailableError}, so labeling and sampling jobs stop instead of marking
 * structures failed.
 */
export class IpiUnavailableError extends PoolUnavailableError {}

interface Job {
  id: number;
  structure: IpiStructure;
  periodic: boolean;
  failures: { client: string; error: Error }[];
  resolve: (outcome: IpiComputeOutcome) => void;
  reject: (error: Error) => void;
  waitTimer: NodeJS.Timeout | null;
}

interface ClientWaiter {
  count: number;
  resolve: () => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * An i-PI server (the "driver" end of the protocol, like ASE's `SocketIOCalculator` or i-PI
 * itself) that any number of i-PI clients connect to: the bundled Python bridge serving an
 * ASE calculator, ASE's `SocketClient`, LAMMPS `fix ipi`, CP2K, Quantum ESPRESSO, or this
 * package's {@link IpiClient}. It is a `CalculatorPool`: `compute(atoms)` gives the
 * structure to the client idle longest (queueing while all are busy), so N clients compute
 * N structures at once.
 *
 * The wire format is exactly ASE 3.22's (`ase/calculators/socketio.py`). A client that
 * closes its socket, exceeds a timeout or breaks the protocol is dropped with a
 * `client-dropped` event saying why, and its structure goes to another client (at most
 * `maxRetries` times). Every read has a timeout, so the server never hangs on a client.
 *
 * The protocol carries no atomic numbers: clients that ignore the INIT string (all but the
 * bundled bridge and {@link IpiClient}) must be started on a structure with the same atoms,
 * in the same order, as every structure they are sent.
 */
export class IpiServer extends EventEmitter<IpiServerEvents> implements CalculatorPool {
  private readonly options: Required<Omit<IpiServerOptions, keyof IpiAddressOptions | 'log'>>;
  private readonly requested: IpiAddress;
  private readonly log: ((line: string) => void) | undefined;
  private server: Server | null = null;
  private bound: IpiAddress | null = null;
  private readonly ready = new Set<RemoteIpiClient>();
  private readonly pending = new Set<RemoteIpiClient>();
  private idle: RemoteIpiClient[] = [];
  private queue: Job[] = [];
  private waiters: ClientWaiter[] = [];
  private nextClient = 1;
  private nextJob = 1;
  private closing = false;

  /** Creates a server; call {@link listen} (or use {@link IpiServer.listen}) before computing. */
  constructor(options: IpiServerOptions = {}) {
    super();
    this.requested = resolveIpiAddress(options);
    this.log = options.log;
    this.options = {
      structureTimeoutMs: positive(options.structureTimeoutMs ?? 60_000, 'structureTimeoutMs'),
      handshakeTimeoutMs: positive(options.handshakeTimeoutMs ?? 10_000, 'handshakeTimeoutMs'),
      clientWaitMs: positive(options.clientWaitMs ?? 30_000, 'clientWaitMs'),
      maxRetries: nonNegativeInteger(options.maxRetries ?? 2, 'maxRetries'),
      maxExtraBytes: nonNegativeInteger(options.maxExtraBytes ?? 1024 * 1024, 'maxExtraBytes'),
      initString: options.initString ?? 'species',
    };
  }

  /** Creates a server and starts listening. */
  static async listen(options: IpiServerOptions = {}): Promise<IpiServer> {
    const server = new IpiServer(options);
    await server.listen();
    return server;
  }

  /**
   * Starts listening; resolves with the bound address (the actual port when 0 was asked).
   * A stale UNIX socket file (no server behind it) is removed first; a live one is an error.
   */
  async listen(): Promise<IpiAddress> {
    if (this.server) throw new Error('the i-PI server is already listening');
    const address = this.requested;
    if (address.kind === 'unix') await removeStaleSocket(address.path);
    const server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        reject(
          new MlffdError(
            `i-PI server cannot listen on ${describeAddress(address)}: ${error.code === 'EADDRINUSE' ? 'address in use' : error.message}`,
            { cause: error },
          ),
        );
      };
      server.once('error', onError);
      const done = (): void => {
        server.off('error', onError);
        resolve();
      };
      if (address.kind === 'unix') server.listen(address.path, done);
      else server.listen(address.port, address.host, done);
    });
    server.on('error', (error) => this.log?.(`i-PI server error: ${error.message}`));
    this.server = server;
    if (address.kind === 'tcp') {
      const info = server.address();
      const port = typeof info === 'object' && info ? info.port : address.port;
      this.bound = { kind: 'tcp', host: address.host, port };
    } else {
      this.bound = address;
    }
    this.log?.(`i-PI server listening on ${describeAddress(this.bound)}`);
    return this.bound;
  }

  /** The bound address (throws before {@link listen}). */
  get address(): IpiAddress {
    if (!this.bound) throw new Error('the i-PI server is not listening yet: call listen()');
    return this.bound;
  }

  /** "ipi://127.0.0.1:31415" or "ipi+unix:///tmp/ipi_name" (before listen: the requested address). */
  get name(): string {
    const address = this.bound ?? this.requested;
    return address.kind === 'tcp'
      ? `ipi://${describeAddress(address)}`
      : `ipi+unix://${address.path}`;
  }

  /** Connected clients that passed the handshake (busy or idle): structures computed at once. */
  get concurrency(): number {
    return this.ready.size;
  }

  /** The connected clients. */
  get clients(): IpiClientInfo[] {
    return [...this.ready].map(info);
  }

  /** Structures waiting for a client. */
  get queued(): number {
    return this.queue.length;
  }

  /**
   * A command line that starts the bundled bridge against this server (for messages):
   * `python3 …/mlffd_ipi_bridge.py --calculator … --host … --port …`.
   */
  bridgeCommand(calculator = 'ase.calculators.emt:EMT'): string {
    return shellCommand('python3', ipiBridgeArgs({ calculator, address: this.address }));
  }

  /** Resolves once at least `count` clients are connected; rejects after `timeoutMs`. */
  waitForClients(count: number, timeoutMs: number): Promise<void> {
    if (this.ready.size >= count) return Promise.resolve();
    if (this.closing) return Promise.reject(new IpiUnavailableError('the i-PI server is closed'));
    return new Promise((resolve, reject) => {
      const waiter: ClientWaiter = {
        count,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(
            new IpiUnavailableError(
              `only ${this.ready.size} of ${count} i-PI clients connected to ${this.where()} within ${formatSeconds(timeoutMs)}; start one with: ${this.bridgeCommandOrHint()}`,
            ),
          );
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /**
   * Computes a structure on a client (see the class documentation); resolves with energy,
   * free_energy (eV), forces (eV/Å) and, for a cell of rank 3 with any periodic axis,
   * stress (eV/Å³, Voigt xx yy zz yz xz xy, −virial/volume as ASE's SocketIOCalculator).
   */
  async compute(atoms: Atoms, properties: readonly PropertyName[]): Promise<CalculatorResults> {
    return (await this.computeDetailed(atoms, properties)).results;
  }

  /** As {@link compute}, also saying which client computed the structure. */
  computeDetailed(
    atoms: Atoms,
    properties: readonly PropertyName[] = ['energy', 'forces'],
  ): Promise<IpiComputeOutcome> {
    for (const p of properties) {
      if (!IPI_PROPERTIES.includes(p)) {
        return Promise.reject(new PropertyNotImplementedError(p, this.name, IPI_PROPERTIES));
      }
    }
    if (this.closing) return Promise.reject(new IpiUnavailableError(`${this.name} is closed`));
    if (!this.server) {
      return Promise.reject(new Error('the i-PI server is not listening yet: call listen()'));
    }
    const natoms = atoms.length;
    if (natoms === 0) return Promise.reject(new InvalidInputError('a structure without atoms'));
    if (!atoms.positions.every(Number.isFinite) || !atoms.cell.every(Number.isFinite)) {
      return Promise.reject(new InvalidInputError('positions and cell must be finite numbers'));
    }
    const periodic = cellRank(atoms.cell) === 3 && atoms.pbc.some(Boolean);
    if (properties.includes('stress') && !periodic) {
      const error = new PropertyNotImplementedError('stress', this.name, IPI_PROPERTIES);
      error.message = `${this.name} gives stress only for a three-dimensional cell with a periodic axis (as ASE's SocketIOCalculator); this structure has a cell of rank ${cellRank(atoms.cell)} and pbc [${atoms.pbc.join(', ')}]`;
      return Promise.reject(error);
    }
    return new Promise<IpiComputeOutcome>((resolve, reject) => {
      const job: Job = {
        id: this.nextJob++,
        structure: {
          cell: atoms.cell.slice(),
          positions: atoms.positions.slice(),
          numbers: atoms.numbers.slice(),
          pbc: [...atoms.pbc],
        },
        periodic,
        failures: [],
        resolve,
        reject,
        waitTimer: null,
      };
      this.queue.push(job);
      this.dispatch();
    });
  }

  /**
   * Sends EXIT to idle clients, drops busy ones, rejects queued structures and stops
   * listening (removing the UNIX socket file). Safe to call twice.
   */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const job of this.queue)
      this.fail(job, new IpiUnavailableError(`${this.name} was closed`));
    this.queue = [];
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new IpiUnavailableError(`${this.name} was closed`));
    }
    this.waiters = [];
    const sockets: Socket[] = [];
    for (const client of [...this.ready, ...this.pending]) {
      sockets.push(client.connection.socket);
      if (!client.busy && this.ready.has(client)) client.exit();
      else client.connection.destroy();
    }
    await Promise.all(sockets.map((socket) => closedWithin(socket, 1000)));
    for (const client of [...this.ready, ...this.pending]) this.forget(client);
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    if (this.bound?.kind === 'unix') removeIfSocket(this.bound.path);
  }

  /** Same as {@link close}. */
  dispose(): Promise<void> {
    return this.close();
  }

  private accept(socket: Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    const remote =
      socket.remoteAddress !== undefined ? `${socket.remoteAddress}:${socket.remotePort}` : 'unix';
    const client = new RemoteIpiClient(this.nextClient++, remote, socket);
    this.pending.add(client);
    socket.on('close', () => {
      if (!client.busy) {
        this.drop(client, new IpiProtocolError(client.name, 'closed', 'closed the connection'));
      }
    });
    client.greet(this.options.handshakeTimeoutMs).then(
      () => {
        this.pending.delete(client);
        if (client.dropped || this.closing) return;
        this.ready.add(client);
        this.idle.push(client);
        this.log?.(`i-PI ${client.name} connected (${this.ready.size} connected)`);
        this.emit('client-connected', info(client));
        for (const waiter of this.waiters.filter((w) => this.ready.size >= w.count)) {
          clearTimeout(waiter.timer);
          waiter.resolve();
        }
        this.waiters = this.waiters.filter((w) => this.ready.size < w.count);
        this.dispatch();
      },
      (error: Error) => this.drop(client, error),
    );
  }

  /** Hands queued structures to idle clients; starts the no-client timers when none is left. */
  private dispatch(): void {
    while (this.queue.length > 0 && this.idle.length > 0 && !this.closing) {
      const job = this.queue.shift()!;
      const client = this.idle.shift()!;
      if (job.waitTimer) clearTimeout(job.waitTimer);
      job.waitTimer = null;
      void this.run(job, client);
    }
    if (this.ready.size === 0) for (const job of this.queue) this.startWaiting(job);
  }

  private startWaiting(job: Job): void {
    if (job.waitTimer) return;
    const wait = this.options.clientWaitMs;
    job.waitTimer = setTimeout(() => {
      job.waitTimer = null;
      if (this.ready.size > 0 || !this.queue.includes(job)) return;
      this.queue = this.queue.filter((j) => j !== job);
      const earlier = job.failures.length > 0 ? ` (after failures: ${describeFailures(job)})` : '';
      this.fail(
        job,
        new IpiUnavailableError(
          `no i-PI client connected to ${this.where()} within ${formatSeconds(wait)}${earlier}; start one with: ${this.bridgeCommandOrHint()}`,
        ),
      );
    }, wait);
  }

  private async run(job: Job, client: RemoteIpiClient): Promise<void> {
    client.busy = true;
    const attempt = job.failures.length + 1;
    this.emit('structure-started', { structure: job.id, client: info(client), attempt });
    try {
      const forces = await client.compute(job.structure, this.exchangeOptions());
      client.busy = false;
      if (!client.dropped) this.idle.push(client);
      const results: CalculatorResults = {
        energy: forces.energy,
        free_energy: forces.energy,
        forces: forces.forces,
      };
      if (job.periodic) {
        results.stress = stressFromVirial(forces.virial, cellVolume(job.structure.cell));
      }
      job.resolve({ results, client: client.name, extra: forces.extra, attempts: attempt });
    } catch (caught) {
      client.busy = false;
      const error = caught instanceof Error ? caught : new Error(String(caught));
      this.drop(client, error);
      job.failures.push({ client: client.name, error });
      if (this.closing) {
        this.fail(job, new IpiUnavailableError(`${this.name} was closed during the computation`));
      } else if (job.failures.length > this.options.maxRetries) {
        this.fail(
          job,
          new IpiComputeError(
            `structure #${job.id} (${job.structure.numbers.length} atoms) failed on ${job.failures.length} i-PI clients: ${describeFailures(job)}`,
            { cause: error },
          ),
        );
      } else {
        this.log?.(`i-PI structure #${job.id} goes back to the queue after ${client.name} failed`);
        this.emit('structure-retried', { structure: job.id, client: info(client), error });
        this.queue.unshift(job);
      }
    } finally {
      this.dispatch();
    }
  }

  private drop(client: RemoteIpiClient, error: Error): void {
    if (client.dropped) return;
    client.dropped = true;
    client.connection.destroy();
    const wasReady = this.ready.has(client);
    this.forget(client);
    if (this.closing) return;
    const reason = error instanceof IpiProtocolError ? error.detail : error.message;
    this.log?.(
      `i-PI ${client.name} dropped: ${reason}${wasReady ? ` (${this.ready.size} connected)` : ''}`,
    );
    this.emit('client-dropped', { client: info(client), reason, error });
    this.dispatch();
  }

  private forget(client: RemoteIpiClient): void {
    this.ready.delete(client);
    this.pending.delete(client);
    this.idle = this.idle.filter((c) => c !== client);
  }

  private fail(job: Job, error: Error): void {
    if (job.waitTimer) clearTimeout(job.waitTimer);
    job.waitTimer = null;
    job.reject(error);
  }

  private exchangeOptions(): ExchangeOptions {
    const { handshakeTimeoutMs, structureTimeoutMs, maxExtraBytes, initString } = this.options;
    return { handshakeTimeoutMs, structureTimeoutMs, maxExtraBytes, initString };
  }

  private where(): string {
    return describeAddress(this.bound ?? this.requested);
  }

  private bridgeCommandOrHint(): string {
    return `${this.bridgeCommand('MODULE:CALCULATOR')} (any ASE calculator; or ASE's SocketClient, i-PI, LAMMPS fix ipi, CP2K…)`;
  }
}

function info(client: RemoteIpiClient): IpiClientInfo {
  return {
    id: client.id,
    name: client.name,
    remote: client.remote,
    structures: client.structures,
    busy: client.busy,
  };
}

function describeFailures(job: Job): string {
  return job.failures
    .map(({ client, error }) =>
      error instanceof IpiProtocolError
        ? `${client}: ${error.detail}`
        : `${client}: ${error.message}`,
    )
    .join('; ');
}

function positive(value: number, what: string): number {
  if (!(value > 0)) throw new RangeError(`${what} must be positive, got ${value}`);
  return value;
}

function nonNegativeInteger(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${what} must be a non-negative integer, got ${value}`);
  }
  return value;
}

/** Resolves when the socket is closed, destroying it after `ms`. */
function closedWithin(socket: Socket, ms: number): Promise<void> {
  if (socket.destroyed || socket.closed) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.destroy();
      resolve();
    }, ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Removes a UNIX socket file left behind by a server that is gone (connecting to it is
 * refused). Throws when a server still answers there or when the path is not a socket.
 */
async function removeStaleSocket(path: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch {
    return; // nothing there
  }
  if (!isSocket) {
    throw new MlffdError(`i-PI server: ${path} exists and is not a socket; refusing to remove it`);
  }
  const live = await new Promise<boolean>((resolve) => {
    const probe = createConnection(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (live) {
    throw new MlffdError(`i-PI server: another server is listening on ${path}`);
  }
  unlinkSync(path);
}

function removeIfSocket(path: string): void {
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path);
  } catch {
    // already gone
  }
}
