import { fileURLToPath } from 'node:url';
import type { IpiAddress } from './ipi-address.js';

/**
 * Absolute path of the bundled Python bridge, `python/mlffd_ipi_bridge.py`: an i-PI client
 * that serves any ASE calculator (EMT, MACE, Orb, FeNNol…) to an {@link IpiServer}. It
 * needs Python with ASE (Debian: `apt-get install python3-ase`) and the calculator's package.
 */
export function ipiBridgeScriptPath(): string {
  return fileURLToPath(new URL('../python/mlffd_ipi_bridge.py', import.meta.url));
}

/** Options of {@link ipiBridgeArgs}. */
export interface IpiBridgeArgsOptions {
  /** The ASE calculator: "module:attribute" or "/path/to/file.py:attribute" ("ase.calculators.emt:EMT"). */
  calculator: string;
  /** Keyword arguments of the calculator, JSON-serialisable (see the bridge's `--options`). */
  options?: Record<string, unknown>;
  /** The server to connect to. */
  address: IpiAddress;
  /** A structure file (any format `ase.io.read` reads) giving the species when the server does not send them. */
  structure?: string;
  /** Extra arguments appended as given ("--verbose"). */
  extra?: readonly string[];
}

/**
 * The argument list that starts the bridge for `address` (the script path first), for
 * `spawn(python, args)`. A UNIX socket is passed by path, unless it follows ASE's
 * `/tmp/ipi_<name>` convention, which is passed by name.
 */
export function ipiBridgeArgs(options: IpiBridgeArgsOptions): string[] {
  const args = [ipiBridgeScriptPath(), '--calculator', options.calculator];
  if (options.options !== undefined) args.push('--options', JSON.stringify(options.options));
  if (options.address.kind === 'tcp') {
    args.push('--host', options.address.host, '--port', String(options.address.port));
  } else {
    args.push('--unix', options.address.name ?? options.address.path);
  }
  if (options.structure !== undefined) args.push('--structure', options.structure);
  args.push(...(options.extra ?? []));
  return args;
}

/** A shell-quoted command line (for messages and logs). */
export function shellCommand(command: string, args: readonly string[]): string {
  return [command, ...args]
    .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}
