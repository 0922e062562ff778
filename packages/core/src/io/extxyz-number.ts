/**
 * Number text as extended XYZ files hold it. Reading accepts what Python's `int()` and
 * `float()` accept for plain tokens (ASE parses with them), including `nan`, `inf` and
 * `infinity` in any case; writing gives the shortest text that reads back as the identical
 * double, in a form Python parses too.
 */

const INT_RE = /^[+-]?\d+$/;
const FLOAT_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL_RE = /^([+-]?)(?:(nan)|inf|infinity)$/i;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Parses a token as Python's `float()` would: decimal or exponent notation, `nan`, `inf`,
 * `infinity` (any case, optional sign). Returns undefined for anything else. Decimal text is
 * rounded correctly to the nearest double, as Python does.
 */
export function parseFloatToken(token: string): number | undefined {
  if (FLOAT_RE.test(token)) return Number(token);
  const m = SPECIAL_RE.exec(token);
  if (m === null) return undefined;
  if (m[2] !== undefined) return Number.NaN;
  return m[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
}

/**
 * Parses a token as an integer the way numpy's `np.array(tokens, dtype=int)` does (which ASE
 * uses for key=value pairs): optional sign and decimal digits, within the int64 range.
 * Returns undefined otherwise (ASE then falls back to float). Integers beyond 2^53 lose
 * precision in a JavaScript number.
 */
export function parseIntToken(token: string): number | undefined {
  if (!INT_RE.test(token)) return undefined;
  if (token.length > 15) {
    const big = BigInt(token);
    if (big < INT64_MIN || big > INT64_MAX) return undefined;
  }
  return Number(token);
}

/**
 * Formats a double so that Python's `float()` and {@link parseFloatToken} give back the
 * identical value: the shortest round-trip digits (as `String(x)` and Python's `repr`),
 * `-0` kept, `nan`/`inf`/`-inf` for non-finite values. With `floatLooking`, integral values
 * get a `.0` suffix so ASE reads them as floats, not ints (ASE's own `repr` does the same).
 */
export function formatFloat(x: number, floatLooking = false): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Number.POSITIVE_INFINITY) return 'inf';
  if (x === Number.NEGATIVE_INFINITY) return '-inf';
  if (Object.is(x, -0)) return floatLooking ? '-0.0' : '-0';
  const s = String(x);
  if (floatLooking && !/[.e]/.test(s)) return `${s}.0`;
  return s;
}
