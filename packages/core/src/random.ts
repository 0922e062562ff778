import { InvalidInputError } from './errors.js';

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/** One step of splitmix32: a well-mixed 32-bit value from a counter (used only for seeding). */
function splitmix32(state: number): [next: number, output: number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [next, z >>> 0];
}

/** A fresh seed from the operating system, for runs that were not given one. */
export function randomSeed(): number {
  const words = new Uint32Array(2);
  globalThis.crypto.getRandomValues(words);
  // 53 bits: any such integer is an exact double and a valid seed.
  return (words[0]! & 0x1fffff) * TWO_POW_32 + words[1]!;
}

/**
 * Seeded pseudo-random numbers: xoshiro128** (Blackman & Vigna) seeded through splitmix32,
 * with 53-bit uniform doubles, Box–Muller normal deviates and Marsaglia–Tsang gamma deviates.
 * The same seed gives the same stream on every platform (only 32-bit integer arithmetic
 * and IEEE doubles are involved). Not for cryptography.
 */
export class Random {
  /** The seed this stream started from. */
  readonly seed: number;
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  /** The second Box–Muller deviate, kept for the next call; NaN when none is kept. */
  private spare = Number.NaN;

  /**
   * @param seed a non-negative integer below 2⁵³; all its bits are used. Default: a seed
   *   from the operating system (read it back from `seed` to reproduce the run).
   */
  constructor(seed: number = randomSeed()) {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new InvalidInputError(`a seed must be an integer from 0 to 2^53 - 1, got ${seed}`);
    }
    this.seed = seed;
    const lo = seed >>> 0;
    const hi = Math.floor(seed / TWO_POW_32) >>> 0;
    // Mix both halves of the seed into the splitmix counter, so seeds differing only in
    // their high bits give unrelated streams.
    let state = lo;
    let out: number;
    [state, out] = splitmix32(state);
    state = (state ^ Math.imul(hi, 0x27d4eb2f) ^ out) | 0;
    const words: number[] = [];
    for (let k = 0; k < 4; k++) {
      [state, out] = splitmix32(state);
      words.push(out);
    }
    [this.s0, this.s1, this.s2, this.s3] = words as [number, number, number, number];
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the one forbidden state
  }

  /** The next 32-bit unsigned integer of the stream. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const a = this.nextUint32() >>> 5; // 27 bits
    const b = this.nextUint32() >>> 6; // 26 bits
    return (a * 67108864 + b) / TWO_POW_53;
  }

  /** A standard normal deviate (mean 0, variance 1), Box–Muller. */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const z = this.spare;
      this.spare = Number.NaN;
      return z;
    }
    // 1 − u is in (0, 1], so the logarithm is finite.
    const r = Math.sqrt(-2 * Math.log(1 - this.uniform()));
    const phi = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(phi);
    return r * Math.cos(phi);
  }

  /** Fills `out` with standard normal deviates and returns it. */
  fillNormal(out: Float64Array): Float64Array {
    for (let i = 0; i < out.length; i++) out[i] = this.normal();
    return out;
  }

  /**
   * A gamma deviate with the given shape k > 0 and unit scale (mean k, variance k):
   * Marsaglia & Tsang (2000), with the usual boost u^(1/k) for k < 1.
   */
  gamma(shape: number): number {
    if (!(shape > 0)) throw new InvalidInputError(`gamma shape must be positive, got ${shape}`);
    if (shape < 1) return this.gamma(shape + 1) * (1 - this.uniform()) ** (1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = 1 - this.uniform();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /**
   * The sum of the squares of n independent standard normal deviates (a χ² deviate with n
   * degrees of freedom), drawn in O(1) through the gamma distribution: χ²ₙ = 2·Γ(n/2).
   */
  chiSquared(n: number): number {
    if (!Number.isInteger(n) || n < 0) {
      throw new InvalidInputError(`chi-squared needs a non-negative integer, got ${n}`);
    }
    if (n === 0) return 0;
    if (n === 1) {
      const z = this.normal();
      return z * z;
    }
    return 2 * this.gamma(n / 2);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
