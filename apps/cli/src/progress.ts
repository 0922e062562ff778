import { formatDuration } from '@mlff-distiller/core';

/**
 * A progress line for long runs: step count, steps/s and ETA. On a terminal it rewrites
 * one line in place; elsewhere (CI logs, pipes) it prints a line every 10 % of the run.
 */
export class ProgressLine {
  private readonly start = performance.now();
  private lastDraw = 0;
  private lastDecile = -1;
  private readonly tty: boolean;

  constructor(
    private readonly total: number,
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    /** What is counted ("steps", "structures", "evaluations"). */
    private readonly unit = 'steps',
  ) {
    this.tty = Boolean(stream.isTTY);
  }

  /** Reports that `done` of `total` units are finished; `extra` is appended (e.g. "T=300 K"). */
  update(done: number, extra = ''): void {
    const now = performance.now();
    const decile = Math.floor((10 * done) / Math.max(1, this.total));
    if (
      this.tty
        ? now - this.lastDraw < 200 && done < this.total
        : decile === this.lastDecile && done < this.total
    )
      return;
    this.lastDraw = now;
    this.lastDecile = decile;
    const seconds = (now - this.start) / 1000;
    const rate = done / Math.max(seconds, 1e-9);
    const eta = rate > 0 ? (this.total - done) / rate : Number.POSITIVE_INFINITY;
    const pct = ((100 * done) / Math.max(1, this.total)).toFixed(0).padStart(3);
    const line = `${this.label} ${pct}% ${done}/${this.total} ${this.unit}  ${rate.toFixed(1)} ${this.unit}/s  ETA ${formatDuration(eta)}${extra ? `  ${extra}` : ''}`;
    if (this.tty) this.stream.write(`\r\x1b[2K${line}`);
    else this.stream.write(`${line}\n`);
  }

  /** Ends the line (on a terminal) and prints the total time. */
  finish(summary = ''): void {
    const seconds = (performance.now() - this.start) / 1000;
    if (this.tty) this.stream.write('\n');
    this.stream.write(
      `${this.label} done in ${formatDuration(seconds)}${summary ? `: ${summary}` : ''}\n`,
    );
  }
}
