import type { Socket } from 'node:net';
import type { Deadline } from './deadline.js';
import {
  decodeHeader,
  describeHeaderBytes,
  encodeHeader,
  IPI_HEADER_LENGTH,
  type IpiHeader,
} from './ipi-headers.js';
import { IpiProtocolError } from './ipi-protocol-error.js';
import { SocketReader, type SocketReaderOptions } from './socket-reader.js';

/**
 * One end of an i-PI connection: typed reads (headers, little-endian float64 and int32
 * payloads, raw bytes), each with a timeout, and writes. Every read failure is an
 * {@link IpiProtocolError} naming the peer. Numbers are read exactly as ASE's
 * `IPIProtocol.recv` reads them: native little-endian, row-major, and float64 payloads
 * must be finite (ASE asserts it).
 */
export class IpiConnection {
  /** The buffered reader over the socket. */
  readonly reader: SocketReader;

  /**
   * @param socket a connected socket (TCP or UNIX)
   * @param peer the name of the other end, used in every error ("client #1 (127.0.0.1:50412)")
   */
  constructor(
    readonly socket: Socket,
    readonly peer: string,
    options: SocketReaderOptions = {},
  ) {
    socket.setNoDelay?.(true);
    this.reader = new SocketReader(socket, peer, options);
  }

  /** Whether the socket is closed or destroyed. */
  get closed(): boolean {
    return this.socket.destroyed || this.reader.error?.reason === 'closed';
  }

  /**
   * The next header. Rejects with `unknown-header` when the 12 bytes are not an i-PI header.
   *
   * @param timeout how long to wait: ms (Infinity: no limit) or a shared deadline
   * @param what what is expected, for error messages ("the answer to STATUS")
   */
  async readHeader(timeout: number | Deadline, what: string): Promise<IpiHeader> {
    const bytes = await this.reader.readExactly(IPI_HEADER_LENGTH, timeout, what);
    const header = decodeHeader(bytes);
    if (header === null) {
      throw new IpiProtocolError(
        this.peer,
        'unknown-header',
        `sent an unknown header ${describeHeaderBytes(bytes)} as ${what}`,
      );
    }
    return header;
  }

  /** One little-endian int32. */
  async readInt32(timeout: number | Deadline, what: string): Promise<number> {
    const bytes = await this.reader.readExactly(4, timeout, what);
    return bytes.readInt32LE(0);
  }

  /**
   * `count` little-endian float64 values, in a new array. Rejects with `non-finite` when one
   * of them is NaN or infinite.
   */
  async readFloat64(
    count: number,
    timeout: number | Deadline,
    what: string,
  ): Promise<Float64Array> {
    const bytes = await this.reader.readExactly(8 * count, timeout, what);
    const out = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const value = bytes.readDoubleLE(8 * i);
      if (!Number.isFinite(value)) {
        throw new IpiProtocolError(
          this.peer,
          'non-finite',
          `sent a non-finite number (${value}) at index ${i} of ${what}`,
        );
      }
      out[i] = value;
    }
    return out;
  }

  /** `count` raw bytes (a copy the caller may keep). */
  async readBytes(count: number, timeout: number | Deadline, what: string): Promise<Buffer> {
    const bytes = await this.reader.readExactly(count, timeout, what);
    return Buffer.from(bytes);
  }

  /** Sends a header alone (STATUS, READY, GETFORCE, EXIT…). */
  sendHeader(header: IpiHeader): void {
    this.write(encodeHeader(header));
  }

  /** Sends bytes already laid out (a whole message built with {@link IpiMessageWriter}). */
  write(bytes: Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** Closes the connection at once (no further reads or writes). */
  destroy(): void {
    this.socket.destroy();
  }
}

/**
 * Lays out one message (header and payloads) in a single buffer, so it leaves in one
 * write: little-endian int32 and float64, raw bytes.
 */
export class IpiMessageWriter {
  private readonly buffer: Buffer;
  private offset = 0;

  /** @param bytes the exact size of the message in bytes */
  constructor(bytes: number) {
    this.buffer = Buffer.alloc(bytes);
  }

  /** The header, padded to 12 bytes with spaces. */
  header(header: IpiHeader): this {
    encodeHeader(header).copy(this.buffer, this.offset);
    this.offset += IPI_HEADER_LENGTH;
    return this;
  }

  /** One int32, little-endian. */
  int32(value: number): this {
    this.buffer.writeInt32LE(value, this.offset);
    this.offset += 4;
    return this;
  }

  /**
   * Float64 values, little-endian, each multiplied by `times` or divided by `over` (a unit
   * conversion written the way ASE writes it, so the rounding is the same: ASE divides
   * positions by `units.Bohr` but multiplies forces by `units.Bohr / units.Ha`).
   */
  float64(values: ArrayLike<number>, scale: { times?: number; over?: number } = {}): this {
    const { times, over } = scale;
    for (let i = 0; i < values.length; i++) {
      let value = values[i]!;
      if (times !== undefined) value *= times;
      if (over !== undefined) value /= over;
      this.buffer.writeDoubleLE(value, this.offset);
      this.offset += 8;
    }
    return this;
  }

  /** Raw bytes. */
  bytes(values: Uint8Array): this {
    this.buffer.set(values, this.offset);
    this.offset += values.length;
    return this;
  }

  /** The finished message; throws when fewer or more bytes were written than announced. */
  finish(): Buffer {
    if (this.offset !== this.buffer.length) {
      throw new Error(`i-PI message of ${this.buffer.length} bytes has ${this.offset} written`);
    }
    return this.buffer;
  }
}
