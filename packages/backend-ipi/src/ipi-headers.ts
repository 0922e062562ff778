/** Length in bytes of every i-PI message header: ASCII, padded with spaces on the right. */
export const IPI_HEADER_LENGTH = 12;

/**
 * The i-PI message headers, as ASE's `ase/calculators/socketio.py` spells them.
 *
 * Server → client: `STATUS`, `INIT`, `POSDATA`, `GETFORCE`, `EXIT`.
 * Client → server (answers to `STATUS`): `READY`, `NEEDINIT`, `HAVEDATA`; and `FORCEREADY`
 * (answer to `GETFORCE`).
 */
export const IPI_HEADERS = [
  'STATUS',
  'READY',
  'HAVEDATA',
  'NEEDINIT',
  'INIT',
  'POSDATA',
  'GETFORCE',
  'FORCEREADY',
  'EXIT',
] as const;

/** One of the i-PI message headers, without its padding. */
export type IpiHeader = (typeof IPI_HEADERS)[number];

/** The states a client reports in answer to `STATUS`. */
export type IpiClientStatus = 'READY' | 'NEEDINIT' | 'HAVEDATA';

const KNOWN: ReadonlySet<string> = new Set(IPI_HEADERS);

/** The 12 bytes of a header: ASCII, padded with spaces (Python's `msg.encode('ascii').ljust(12)`). */
export function encodeHeader(header: IpiHeader): Buffer {
  const out = Buffer.alloc(IPI_HEADER_LENGTH, 0x20);
  out.write(header, 0, 'ascii');
  return out;
}

/**
 * The header in 12 received bytes, or null when they are not an i-PI header. Trailing
 * spaces are stripped as ASE does; trailing NUL bytes too (C clients sometimes pad with
 * them).
 */
export function decodeHeader(bytes: Uint8Array): IpiHeader | null {
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === 0x20 || bytes[end - 1] === 0)) end--;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, end).toString('latin1');
  return KNOWN.has(text) ? (text as IpiHeader) : null;
}

/** Printable form of 12 bytes that are not a header, for error messages ("HELLO\x00..."). */
export function describeHeaderBytes(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    out += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return `"${out.replace(/ +$/, '')}"`;
}
