/**
 * Base class of every error MLFF Distiller raises on purpose. `name` is stable and can be
 * matched on; the message says what the user needs to act on.
 */
export class MlffdError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Raised by a calculator asked for a property it does not implement (ASE semantics). */
export class PropertyNotImplementedError extends MlffdError {
  constructor(
    readonly property: string,
    readonly calculator: string,
    readonly implemented: readonly string[],
  ) {
    super(
      `${calculator} does not implement the property "${property}" (it implements: ${
        implemented.join(', ') || 'nothing'
      })`,
    );
  }
}

/** Raised for input that cannot describe a physical system: NaN coordinates, a singular cell… */
export class InvalidInputError extends MlffdError {}

/** Raised for an unknown chemical symbol or atomic number. */
export class UnknownElementError extends MlffdError {
  constructor(readonly element: string | number) {
    super(
      typeof element === 'number'
        ? `unknown atomic number ${element} (expected 0 to 118)`
        : `unknown element symbol "${element}"`,
    );
  }
}

/**
 * Raised by a {@link CalculatorPool} that cannot take structures at all: no worker is
 * connected, or every worker left. Jobs stop on it rather than marking structures failed.
 */
export class PoolUnavailableError extends MlffdError {}
