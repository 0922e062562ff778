import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Runs a synchronous native call with the process's working directory set to a fresh,
 * empty temporary directory, then restores it and removes the directory (with whatever the
 * call wrote there). libxtb reads and writes files in the working directory while it sets a
 * method up: GFN-FF reads fragment charges from a `charges` file (which every `xtb` run
 * leaves behind) and writes `gfnff_topo` and `gfnff_adjacency`, and parameter files there
 * take precedence over the built-in ones. In the scratch directory the library sees what
 * the `xtb` program sees in its own fresh directory.
 *
 * No JavaScript runs while `call` does (it is synchronous), but asynchronous file
 * operations already in flight on libuv's threads with relative paths would resolve against
 * the scratch directory for that moment; setups are rare (first call, new composition).
 * Worker threads cannot change the working directory: there `call` runs where it is.
 */
export function inScratchDirectory<T>(call: () => T): T {
  let dir: string | undefined;
  let previous: string | undefined;
  try {
    previous = process.cwd();
    dir = mkdtempSync(join(tmpdir(), 'mlffd-xtb-setup-'));
    process.chdir(dir);
  } catch {
    previous = undefined;
  }
  try {
    return call();
  } finally {
    if (previous !== undefined) process.chdir(previous);
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }
}
