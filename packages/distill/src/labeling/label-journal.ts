import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { InvalidInputError } from '@mlff-distiller/core';

/** Format tag in a journal's first line. */
export const LABEL_JOURNAL_FORMAT = 'mlff-distiller/label-journal';
/** Version of the journal format this code reads and writes. */
export const LABEL_JOURNAL_VERSION = 1;

/** First line of a journal: which input it belongs to. */
export interface LabelJournalHeader {
  journal: typeof LABEL_JOURNAL_FORMAT;
  version: number;
  /** Fingerprint of the structures and the properties asked for. */
  input: string;
  /** Number of structures to label. */
  count: number;
  /** The teacher's name when the journal was started (for the record). */
  teacher: string;
}

/**
 * One finished structure: its labels (eV, eV/Å, eV/Å³ Voigt) or, when the teacher failed on
 * it, the error message. `i` is the structure's index in the input.
 */
export type LabelJournalEntry =
  | { i: number; energy: number; forces: number[]; stress?: number[] }
  | { i: number; error: string };

/**
 * An append-only record of labeling work: a header line, then one JSON line per finished
 * structure in the order they finished. A kill at any moment loses at most the structures
 * still being computed: a torn last line is cut off when the journal is opened again.
 * Numbers are written by `JSON.stringify`, which round-trips float64 exactly.
 */
export class LabelJournal {
  private constructor(
    readonly path: string,
    private fd: number,
    /** Entries already in the journal when it was opened, by structure index. */
    readonly entries: Map<number, LabelJournalEntry>,
  ) {}

  /**
   * Opens the journal at `path` for `header.input`, creating it when absent. Entries of an
   * earlier run are loaded; a journal of another input is an error (it names both counts).
   */
  static open(path: string, header: LabelJournalHeader): LabelJournal {
    const entries = new Map<number, LabelJournalEntry>();
    if (existsSync(path)) {
      const text = readFileSync(path, 'utf8');
      let validEnd = 0;
      let lineNumber = 0;
      let start = 0;
      while (start < text.length) {
        const end = text.indexOf('\n', start);
        if (end < 0) break; // torn last line: the process died while writing it
        lineNumber++;
        const line = text.slice(start, end);
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch {
          // Only the last line can be torn; anything else is damage worth reporting.
          if (end + 1 >= text.length) break;
          throw new InvalidInputError(`${path}:${lineNumber}: not a JSON line of a label journal`);
        }
        if (lineNumber === 1) checkHeader(path, value, header);
        else
          entries.set(
            checkEntry(path, lineNumber, value, header.count).i,
            value as LabelJournalEntry,
          );
        validEnd = end + 1;
        start = end + 1;
      }
      if (validEnd < text.length) truncateSync(path, Buffer.byteLength(text.slice(0, validEnd)));
      if (validEnd === 0) {
        const fd = openSync(path, 'w');
        writeLine(fd, header);
        return new LabelJournal(path, fd, entries);
      }
      return new LabelJournal(path, openSync(path, 'a'), entries);
    }
    const fd = openSync(path, 'a');
    writeLine(fd, header);
    return new LabelJournal(path, fd, entries);
  }

  /** Appends a finished structure; it is on disk (fsync) when this returns. */
  append(entry: LabelJournalEntry): void {
    writeLine(this.fd, entry);
    this.entries.set(entry.i, entry);
  }

  /** Closes the file. Safe to call twice. */
  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

function writeLine(fd: number, value: unknown): void {
  // One write call per line: a kill leaves either the whole line or a torn tail.
  writeSync(fd, `${JSON.stringify(value)}\n`);
  fsyncSync(fd);
}

function checkHeader(path: string, value: unknown, expected: LabelJournalHeader): void {
  const h = value as Partial<LabelJournalHeader>;
  if (h?.journal !== LABEL_JOURNAL_FORMAT) {
    throw new InvalidInputError(
      `${path}:1: not a label journal (no "${LABEL_JOURNAL_FORMAT}" header)`,
    );
  }
  if (h.version !== LABEL_JOURNAL_VERSION) {
    throw new InvalidInputError(
      `${path}:1: label journal version ${h.version}; this version of mlffd reads version ${LABEL_JOURNAL_VERSION}`,
    );
  }
  if (h.input !== expected.input) {
    throw new InvalidInputError(
      `${path} belongs to another labeling job (${h.count} structures, input ${String(h.input).slice(0, 12)}…; this job has ${expected.count} structures, input ${expected.input.slice(0, 12)}…): delete it to start over, or write to another output`,
    );
  }
}

function checkEntry(path: string, line: number, value: unknown, count: number): LabelJournalEntry {
  const e = value as Partial<{ i: number; energy: number; forces: unknown; error: unknown }>;
  const valid =
    Number.isInteger(e?.i) &&
    e.i! >= 0 &&
    e.i! < count &&
    (typeof e.error === 'string' || (typeof e.energy === 'number' && Array.isArray(e.forces)));
  if (!valid) throw new InvalidInputError(`${path}:${line}: not a label journal entry`);
  return e as LabelJournalEntry;
}
