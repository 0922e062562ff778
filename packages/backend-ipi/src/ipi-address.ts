/** Where an i-PI server listens or a client connects: TCP host and port, or a UNIX socket. */
export interface IpiAddressOptions {
  /** TCP host. Default 127.0.0.1 (loopback): listen on other interfaces only when told to. */
  host?: string;
  /** TCP port; 0 lets the system pick a free one (server only). Default 31415, ASE's. */
  port?: number;
  /**
   * A UNIX socket instead of TCP: either a path (anything containing "/") or a name in
   * ASE's convention, which means the path `/tmp/ipi_<name>`.
   */
  unixSocket?: string;
}

/** A resolved address; `describeAddress` prints it. */
export type IpiAddress =
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'unix'; path: string; name: string | null };

/** ASE's default i-PI port. */
export const IPI_DEFAULT_PORT = 31415;

/**
 * The path of a UNIX socket given by name or path: a name ("h2o") becomes ASE's
 * `/tmp/ipi_h2o` (`ase.calculators.socketio.actualunixsocketname`); anything containing "/"
 * is a path and kept as is.
 */
export function ipiUnixSocketPath(nameOrPath: string): string {
  if (nameOrPath.length === 0) throw new RangeError('an empty UNIX socket name');
  return nameOrPath.includes('/') ? nameOrPath : `/tmp/ipi_${nameOrPath}`;
}

/** The ASE name of a UNIX socket path (`/tmp/ipi_h2o` → "h2o"), or null for another path. */
export function aseUnixSocketName(path: string): string | null {
  const match = /^\/tmp\/ipi_([^/]+)$/.exec(path);
  return match ? match[1]! : null;
}

/** Resolves address options (see {@link IpiAddressOptions}); TCP unless `unixSocket` is given. */
export function resolveIpiAddress(options: IpiAddressOptions): IpiAddress {
  if (options.unixSocket !== undefined) {
    if (options.port !== undefined || options.host !== undefined) {
      throw new RangeError('give a UNIX socket or a TCP host/port, not both');
    }
    const path = ipiUnixSocketPath(options.unixSocket);
    return { kind: 'unix', path, name: aseUnixSocketName(path) };
  }
  const port = options.port ?? IPI_DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`a TCP port must be an integer from 0 to 65535, got ${port}`);
  }
  return { kind: 'tcp', host: options.host ?? '127.0.0.1', port };
}

/** "127.0.0.1:31415" or "unix:/tmp/ipi_h2o". */
export function describeAddress(address: IpiAddress): string {
  if (address.kind === 'unix') return `unix:${address.path}`;
  return address.host.includes(':')
    ? `[${address.host}]:${address.port}`
    : `${address.host}:${address.port}`;
}
