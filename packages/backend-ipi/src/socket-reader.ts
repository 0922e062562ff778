import type { Socket } from 'node:net';
import type { Deadline } from './deadline.js';
import { IpiProtocolError } from './ipi-protocol-error.js';

/** Options of {@link SocketReader}. */
export interface SocketReaderOptions {
  /**
   * Bytes the reader keeps buffered before it pauses the socket while nobody reads
   * (back-pressure against a peer that floods). Default 4 MiB.
   */
  highWaterMark?: number;
}

interface PendingRead {
  bytes: number;
  what: string;
  resolve: (buffer: Buffer) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout | null;
}

/**
 * A buffered reader over a socket: `readExactly(n, timeoutMs)` resolves with exactly n
 * bytes, or rejects with an {@link IpiProtocolError} when the peer closes the connection
 * first (`closed`, saying how many bytes did arrive), when the socket fails
 * (`socket-error`) or when the bytes do not arrive in time (`timeout`). After a failure the
 * reader stays failed: the stream position is lost, so the connection cannot be trusted.
 *
 * One read at a time. Bytes arriving while nobody reads are kept (up to the high-water
 * mark, then the socket is paused until they are consumed).
 */
export class SocketReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private pending: PendingRead | null = null;
  private failure: IpiProtocolError | null = null;
  private readonly highWaterMark: number;

  /**
   * @param socket a connected socket; the reader installs its own `data`, `end`, `close`
   *   and `error` listeners
   * @param peer the peer's name for error messages
   */
  constructor(
    readonly socket: Socket,
    readonly peer: string,
    options: SocketReaderOptions = {},
  ) {
    this.highWaterMark = options.highWaterMark ?? 4 * 1024 * 1024;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onClosed());
    socket.on('close', () => this.onClosed());
    socket.on('error', (error) =>
      this.fail(
        new IpiProtocolError(this.peer, 'socket-error', `socket error: ${error.message}`, {
          cause: error,
        }),
      ),
    );
  }

  /** Bytes received and not read yet. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  /** The failure that ended this reader, or null while it is usable. */
  get error(): IpiProtocolError | null {
    return this.failure;
  }

  /**
   * Exactly `bytes` bytes from the stream.
   *
   * @param bytes how many bytes (≥ 0)
   * @param timeout how long to wait for them: ms (Infinity: no limit), or a deadline shared
   *   by several reads (the error then gives the deadline's whole time)
   * @param what what the bytes are, for error messages ("the FORCEREADY forces")
   */
  readExactly(bytes: number, timeout: number | Deadline, what: string): Promise<Buffer> {
    const timeoutMs = typeof timeout === 'number' ? timeout : timeout.remaining();
    const allowedMs = typeof timeout === 'number' ? timeout : timeout.totalMs;
    if (this.pending) {
      return Promise.reject(new Error(`SocketReader(${this.peer}): a read is already pending`));
    }
    if (!Number.isSafeInteger(bytes) || bytes < 0) {
      return Promise.reject(new RangeError(`cannot read ${bytes} bytes`));
    }
    if (this.buffered >= bytes) return Promise.resolve(this.take(bytes));
    if (this.failure) return Promise.reject(this.failureFor(bytes, what));
    if (!(timeoutMs > 0)) {
      const error = new IpiProtocolError(
        this.peer,
        'timeout',
        `no answer within ${formatSeconds(allowedMs)}: waited for ${what} (${bytes} bytes, ${this.buffered} arrived)`,
      );
      this.failure ??= error;
      return Promise.reject(error);
    }
    return new Promise<Buffer>((resolve, reject) => {
      const pending: PendingRead = { bytes, what, resolve, reject, timer: null };
      if (Number.isFinite(timeoutMs)) {
        pending.timer = setTimeout(() => {
          this.pending = null;
          const error = new IpiProtocolError(
            this.peer,
            'timeout',
            `no answer within ${formatSeconds(allowedMs)}: waited for ${what} (${bytes} bytes, ${this.buffered} arrived)`,
          );
          this.failure ??= error;
          reject(error);
        }, timeoutMs);
      }
      this.pending = pending;
      if (this.socket.isPaused()) this.socket.resume();
    });
  }

  private onData(chunk: Buffer): void {
    if (this.failure) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const pending = this.pending;
    if (pending && this.buffered >= pending.bytes) {
      this.pending = null;
      if (pending.timer) clearTimeout(pending.timer);
      pending.resolve(this.take(pending.bytes));
    }
    if (!this.pending && this.buffered > this.highWaterMark) this.socket.pause();
  }

  private onClosed(): void {
    this.fail(new IpiProtocolError(this.peer, 'closed', 'closed the connection'));
  }

  private fail(error: IpiProtocolError): void {
    this.failure ??= error;
    const pending = this.pending;
    if (!pending) return;
    this.pending = null;
    if (pending.timer) clearTimeout(pending.timer);
    pending.reject(this.failureFor(pending.bytes, pending.what));
  }

  /** The stored failure, worded for a read of `bytes` bytes of `what`. */
  private failureFor(bytes: number, what: string): IpiProtocolError {
    const failure = this.failure!;
    if (failure.reason === 'closed') {
      const detail =
        this.buffered === 0
          ? `closed the connection while ${what} was expected`
          : `closed the connection after ${this.buffered} of the ${bytes} bytes of ${what} (short read)`;
      return new IpiProtocolError(this.peer, 'closed', detail);
    }
    if (failure.reason === 'socket-error') {
      return new IpiProtocolError(
        this.peer,
        'socket-error',
        `${failure.detail} (reading ${what})`,
        {
          cause: failure.cause,
        },
      );
    }
    return failure;
  }

  private take(bytes: number): Buffer {
    this.buffered -= bytes;
    const first = this.chunks[0];
    if (first && first.length >= bytes) {
      const out = first.subarray(0, bytes);
      if (first.length === bytes) this.chunks.shift();
      else this.chunks[0] = first.subarray(bytes);
      return out;
    }
    const out = Buffer.allocUnsafe(bytes);
    let offset = 0;
    while (offset < bytes) {
      const chunk = this.chunks[0]!;
      const n = Math.min(chunk.length, bytes - offset);
      chunk.copy(out, offset, 0, n);
      offset += n;
      if (n === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(n);
    }
    return out;
  }
}

/** "60 s", "0.25 s": a duration in ms, in seconds for messages. */
export function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toPrecision(3))} s`;
}
