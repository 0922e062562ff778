type Growable = Float64Array<ArrayBuffer> | Int32Array<ArrayBuffer> | Uint8Array<ArrayBuffer>;
type Ctor<T extends Growable> = new (length: number) => T;

/**
 * Returns `array` when it holds at least `needed` elements, else a copy of it twice as large
 * (or `needed`, whichever is more). Buffers grow by doubling, so recording stays amortised
 * O(1) without a per-record allocation.
 */
export function grow<T extends Growable>(C: Ctor<T>, array: T, needed: number): T {
  if (array.length >= needed) return array;
  const bigger = new C(Math.max(needed, 2 * array.length, 16));
  bigger.set(array as never);
  return bigger;
}
