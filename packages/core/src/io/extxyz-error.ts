import { MlffdError } from '../errors.js';

/**
 * Raised for an extended XYZ file that cannot be read: a bad atom count, a wrong number of
 * columns, a value that is not a number, an unknown element, a truncated frame. `file` and
 * `line` (1-based) say where; the message starts with `file:line:` like a compiler's, e.g.
 * `water.extxyz:14: expected 5 columns (species pos masses) but found 3`.
 */
export class ExtxyzParseError extends MlffdError {
  /** What is wrong, without the `file:line:` prefix. */
  readonly reason: string;

  constructor(
    /** The file name or path as given to the reader (`<string>` for text parsed from memory). */
    readonly file: string,
    /** 1-based line number of the offending line. */
    readonly line: number,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}:${line}: ${reason}`, options);
    this.reason = reason;
  }
}
