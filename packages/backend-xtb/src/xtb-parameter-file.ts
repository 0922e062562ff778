import { existsSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { XtbError } from './xtb-error.js';

/**
 * Directories searched for xtb parameter files, in order: `XTBPATH` (a path list, as xtb
 * itself reads it), `XTBHOME` and `XTBHOME/share/xtb`, the active conda environment, then the
 * usual install locations (`/usr/share/xtb` for Debian's `xtb` package, `/usr/local/share/xtb`,
 * Homebrew's `/opt/homebrew/share/xtb`).
 */
export function xtbParameterDirectories(env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs: string[] = [];
  for (const dir of (env.XTBPATH ?? '').split(delimiter)) if (dir) dirs.push(dir);
  if (env.XTBHOME) dirs.push(env.XTBHOME, join(env.XTBHOME, 'share', 'xtb'));
  if (env.CONDA_PREFIX) dirs.push(join(env.CONDA_PREFIX, 'share', 'xtb'));
  dirs.push('/usr/share/xtb', '/usr/local/share/xtb', '/opt/homebrew/share/xtb');
  return dirs;
}

/**
 * The absolute path of xtb parameter file `name` (e.g. `param_gfn0-xtb.txt`): `explicit`
 * when given (it must exist), otherwise the first hit in {@link xtbParameterDirectories}.
 * Throws {@link XtbError} listing the places searched.
 */
export function findXtbParameterFile(name: string, explicit?: string): string {
  if (explicit !== undefined) {
    const path = isAbsolute(explicit) ? explicit : resolve(explicit);
    if (!existsSync(path)) throw new XtbError(`xtb parameter file ${path} does not exist`);
    return path;
  }
  const dirs = xtbParameterDirectories();
  for (const dir of dirs) {
    const path = resolve(dir, name);
    if (existsSync(path)) return path;
  }
  throw new XtbError(
    `cannot find xtb's parameter file ${name} (looked in ${dirs.join(', ')}): install the xtb package ("apt-get install xtb"), set XTBPATH to the directory holding it, or give its path as the parameterFile option`,
  );
}
