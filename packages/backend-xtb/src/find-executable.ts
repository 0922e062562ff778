import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The path of an executable: `name` itself when it contains a path separator (and is an
 * executable file), otherwise the first executable `name` in the directories of `PATH`
 * (with `PATHEXT` extensions on Windows). Null when there is none.
 */
export function findExecutable(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  if (name.includes('/') || name.includes('\\')) return isExecutableFile(name) ? name : null;
  const extensions =
    process.platform === 'win32' ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';')] : [''];
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const ext of extensions) {
      const path = join(dir, name + ext);
      if (isExecutableFile(path)) return path;
    }
  }
  return null;
}
