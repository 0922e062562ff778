const MASK_52 = (1n << 52n) - 1n;

/**
 * A seed for sub-task `index` of a job seeded with `seed`: distinct tasks get unrelated
 * streams, and the same (seed, index) always gets the same one. Below 2⁵², as Random wants.
 */
export function deriveSeed(seed: number, index: number): number {
  let x =
    (BigInt(seed) * 0x9e3779b97f4a7c15n + BigInt(index) + 0x632be59bd9b4e019n) & ((1n << 64n) - 1n);
  x ^= x >> 30n;
  x = (x * 0xbf58476d1ce4e5b9n) & ((1n << 64n) - 1n);
  x ^= x >> 27n;
  x = (x * 0x94d049bb133111ebn) & ((1n << 64n) - 1n);
  x ^= x >> 31n;
  return Number(x & MASK_52);
}
