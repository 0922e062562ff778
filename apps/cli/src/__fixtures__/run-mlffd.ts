import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const src = dirname(dirname(fileURLToPath(import.meta.url)));
const bin = join(src, 'bin.ts');
const nodeArgs = ['--conditions=source', '--import', 'tsx', bin];

/** Runs the CLI from source in a child process, as a user would run the binary. */
export function mlffd(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, [...nodeArgs, ...args], {
    encoding: 'utf8',
    cwd: src,
    env,
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Starts the CLI in a child process without waiting for it (to kill it, for example). */
export function startMlffd(args: string[]): ChildProcess {
  return spawn(process.execPath, [...nodeArgs, ...args], {
    cwd: src,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** A new temporary folder. */
export function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'mlffd-cli-'));
}
