import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

let cached: string | null | undefined;

/**
 * Path of a Python interpreter that can `import ase`: $MLFFD_PYTHON if set, then Debian's
 * /usr/bin/python3 (where `python3-ase` installs), then `python3` on PATH. Null if none.
 */
export function findAsePython(): string | null {
  if (cached !== undefined) return cached;
  const candidates = [process.env.MLFFD_PYTHON, '/usr/bin/python3', 'python3'].filter(
    (c): c is string => Boolean(c),
  );
  cached = null;
  for (const c of candidates) {
    if (c.startsWith('/') && !existsSync(c)) continue;
    const r = spawnSync(c, ['-c', 'import ase'], { encoding: 'utf8' });
    if (r.status === 0) {
      cached = c;
      break;
    }
  }
  return cached;
}

/**
 * Runs a Python script with ASE available and returns its standard output. Throws with
 * Python's standard error when the script fails, and with install instructions when no
 * Python with ASE exists (tests that cross-check against ASE must not skip silently).
 */
export function runAsePython(script: string, input?: string): string {
  const python = findAsePython();
  if (!python) {
    throw new Error(
      "no Python with ASE found: install Debian's python3-ase (apt-get install python3-ase) or set MLFFD_PYTHON",
    );
  }
  try {
    return execFileSync(python, ['-c', script], {
      input,
      encoding: 'utf8',
      maxBuffer: 1 << 30,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`python script failed: ${e.stderr || e.message}`);
  }
}
