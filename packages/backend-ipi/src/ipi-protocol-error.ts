import { MlffdError } from '@mlff-distiller/core';

/**
 * What went wrong on an i-PI connection:
 * - `closed`: the peer closed the connection (possibly in the middle of a message);
 * - `timeout`: the peer did not send the expected bytes in time;
 * - `socket-error`: the operating system reported an error on the socket;
 * - `unknown-header`: a 12-byte header that is not an i-PI message;
 * - `unexpected-header`: a valid header at a point of the exchange where it makes no sense;
 * - `natoms-mismatch`: an atom count different from the structure being computed;
 * - `non-finite`: NaN or ±Infinity in a float64 payload;
 * - `oversized`: a length field beyond what the receiver accepts (the bytes are not read);
 * - `invalid-length`: a negative length or atom count;
 * - `unexpected-data`: bytes sent while no message was expected;
 * - `species-mismatch`: the client reports atomic numbers other than those sent.
 */
export type IpiProtocolErrorReason =
  | 'closed'
  | 'timeout'
  | 'socket-error'
  | 'unknown-header'
  | 'unexpected-header'
  | 'natoms-mismatch'
  | 'non-finite'
  | 'oversized'
  | 'invalid-length'
  | 'unexpected-data'
  | 'species-mismatch';

/**
 * A violation of the i-PI protocol by a peer, or the loss of the connection to it. The
 * message names the peer and what was wrong; `peer` and `reason` can be matched on.
 */
export class IpiProtocolError extends MlffdError {
  /**
   * @param peer who was on the other end ("client #2 (127.0.0.1:50412)", "server unix:/tmp/ipi_x")
   * @param reason the kind of failure, see {@link IpiProtocolErrorReason}
   * @param detail what happened, in words, without the peer's name
   */
  constructor(
    readonly peer: string,
    readonly reason: IpiProtocolErrorReason,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`i-PI ${peer}: ${detail}`, options);
  }
}
