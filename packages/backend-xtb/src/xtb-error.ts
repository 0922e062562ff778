import { MlffdError, PropertyNotImplementedError } from '@mlff-distiller/core';

/**
 * Raised when xtb reports an error: libxtb's error log after a call (SCF not converged,
 * unknown solvent, a structure it cannot handle…) or the `xtb` program failing. The message
 * names the operation and xtb's own words; `xtbMessage` keeps xtb's text unchanged.
 */
export class XtbError extends MlffdError {
  constructor(
    message: string,
    /** xtb's own error text (libxtb's error log, or the tail of the program's output). */
    readonly xtbMessage = '',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Raised when libxtb cannot be loaded or the `xtb` program cannot be found. The message
 * says what was tried and how to install it.
 */
export class XtbUnavailableError extends XtbError {
  constructor(
    /** Which path is missing: the shared library or the program. */
    readonly component: 'library' | 'program',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, '', options);
  }
}

/**
 * Raised when stress is asked for a structure that is not periodic along three independent
 * lattice vectors (ASE's rule: stress needs a three-dimensional cell).
 */
export class StressNeedsBulkError extends PropertyNotImplementedError {
  constructor(calculator: string, implemented: readonly string[]) {
    super('stress', calculator, implemented);
    this.message = `${calculator} computes stress only for fully periodic structures with a three-dimensional cell`;
  }
}
