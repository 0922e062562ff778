import { ExtxyzParseError } from './extxyz-error.js';

/** The lines of one XYZ frame, not yet interpreted. */
export interface RawExtxyzFrame {
  /** 1-based line number of the atom-count line. */
  line: number;
  /** Number of atoms declared on the count line. */
  natoms: number;
  /** The comment (key=value) line, as in the file. */
  comment: string;
  /** One line per atom, as in the file. */
  atomLines: string[];
}

const COUNT_RE = /^\+?\d+$/;

/**
 * Cuts a stream of lines into frames (count line, comment line, one line per atom), fed one
 * line at a time so that files of any size can be read with one frame in memory. Checks the
 * count lines and that the last frame is complete; the frame contents are checked later, by
 * the frame reader. Blank lines are allowed only at the end of the file: ASE silently stops
 * at the first blank line between frames, which would lose the frames after it.
 */
export class ExtxyzFrameSplitter {
  private lineNo = 0;
  private current: RawExtxyzFrame | null = null;
  private needComment = false;
  private blankLine = 0;

  constructor(
    /** File name for error messages. */
    readonly file: string,
  ) {}

  /** Number of lines consumed so far. */
  get linesRead(): number {
    return this.lineNo;
  }

  /**
   * Takes the next line (without its line break; a trailing `\r` is dropped) and returns the
   * frame it completes, if any. Throws ExtxyzParseError for a bad count line.
   */
  push(line: string): RawExtxyzFrame | null {
    this.lineNo++;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const frame = this.current;
    if (frame === null) {
      if (this.lineNo === 1 && line.startsWith('\uFEFF')) line = line.slice(1);
      const text = line.trim();
      if (text === '') {
        if (this.blankLine === 0) this.blankLine = this.lineNo;
        return null;
      }
      if (this.blankLine !== 0) {
        throw new ExtxyzParseError(
          this.file,
          this.blankLine,
          `blank line where the atom count of a frame was expected (more frames follow at line ${this.lineNo})`,
        );
      }
      if (!COUNT_RE.test(text)) {
        throw new ExtxyzParseError(
          this.file,
          this.lineNo,
          `expected the number of atoms of a frame but found "${truncate(text)}"`,
        );
      }
      const natoms = Number(text);
      if (!Number.isSafeInteger(natoms)) {
        throw new ExtxyzParseError(
          this.file,
          this.lineNo,
          `atom count ${truncate(text)} is too large`,
        );
      }
      this.current = { line: this.lineNo, natoms, comment: '', atomLines: [] };
      this.needComment = true;
      return null;
    }
    if (this.needComment) {
      frame.comment = line;
      this.needComment = false;
    } else {
      frame.atomLines.push(line);
    }
    if (!this.needComment && frame.atomLines.length === frame.natoms) {
      this.current = null;
      return frame;
    }
    return null;
  }

  /** Signals the end of the input; throws ExtxyzParseError when a frame is incomplete. */
  end(): void {
    const frame = this.current;
    if (frame === null) return;
    const found = this.needComment
      ? 'no comment line'
      : `${frame.atomLines.length} atom line${frame.atomLines.length === 1 ? '' : 's'}`;
    throw new ExtxyzParseError(
      this.file,
      frame.line,
      `frame declares ${frame.natoms} atoms but the file ends after line ${this.lineNo} with ${found}`,
    );
  }
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
