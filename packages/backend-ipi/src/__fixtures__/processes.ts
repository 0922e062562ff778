import { type ChildProcess, spawn } from 'node:child_process';
import { findAsePython } from '@mlff-distiller/core/testing';

/** A Python process started by a test, with its output collected. */
export interface PythonProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or the signal name) once the process ended. */
  exited: Promise<number | string>;
}

/** The Python with ASE the tests use; throws (never skips) when there is none. */
export function asePython(): string {
  const python = findAsePython();
  if (!python) {
    throw new Error(
      "no Python with ASE found: install Debian's python3-ase (apt-get install python3-ase) or set MLFFD_PYTHON",
    );
  }
  return python;
}

/**
 * Starts and remembers Python processes so that `killAll()` (in afterEach) ends every one
 * this test started, by its own handle.
 */
export class PythonProcesses {
  private readonly started: PythonProcess[] = [];

  /** Runs `python args…`, with `input` written to its stdin (then closed) when given. */
  start(args: readonly string[], input?: string): PythonProcess {
    const child = spawn(asePython(), [...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
    });
    const exited = new Promise<number | string>((resolve) => {
      child.on('exit', (code, signal) => resolve(code ?? signal ?? -1));
      child.on('error', () => resolve(-1));
    });
    if (input !== undefined) child.stdin!.end(input);
    const processInfo: PythonProcess = { child, stdout: () => out, stderr: () => err, exited };
    this.started.push(processInfo);
    return processInfo;
  }

  /** Resolves with the first stdout line that parses as JSON, or rejects when the process ends first. */
  async firstJsonLine<T>(process: PythonProcess, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = process
        .stdout()
        .split('\n')
        .find((l) => l.trim().startsWith('{'));
      if (line) return JSON.parse(line) as T;
      if (process.child.exitCode !== null || process.child.signalCode !== null) {
        throw new Error(`python ended without output: ${process.stderr()}`);
      }
      if (Date.now() > deadline) throw new Error(`python printed nothing: ${process.stderr()}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Kills (SIGKILL) every process still running that this instance started, and waits. */
  async killAll(): Promise<void> {
    const running = this.started.splice(0);
    for (const p of running) {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    }
    await Promise.all(running.map((p) => p.exited));
  }
}
