import { describe, expect, it } from 'vitest';
import { checkFeeds, FeedError, type FeedSpec } from './check-feeds.js';

const specs: FeedSpec[] = [
  { name: 'pos', dtype: 'float64', shape: ['atoms', 3] },
  { name: 'mask', dtype: 'bool', shape: ['atoms', 'neighbors'] },
  { name: 'flat', dtype: 'int32', shape: ['3*atoms*neighbors'] },
  { name: 'orphan', dtype: 'float32', shape: ['edges*pairs'] },
];

const good = () => ({
  pos: { shape: [2, 3], data: new Float64Array(6) },
  mask: { shape: [2, 4], data: new Uint8Array(8) },
  flat: { shape: [24], data: new Int32Array(24) },
  orphan: { shape: [5], data: new Float32Array(5) },
});

describe('checkFeeds', () => {
  it('returns the bound symbolic dims with the input that bound each', () => {
    const dims = checkFeeds(specs, good());
    expect(Object.fromEntries(dims)).toEqual({
      atoms: { size: 2, input: 'pos' },
      neighbors: { size: 4, input: 'mask' },
    });
  });

  it('checks product dims against their bound factors (coefficient included)', () => {
    const f = { ...good(), flat: { shape: [16], data: new Int32Array(16) } };
    expect(() => checkFeeds(specs, f)).toThrow(
      /input 'flat': dim 0 \('3\*atoms\*neighbors'\) is 16, expected 24/,
    );
  });

  it('lists every missing input', () => {
    const { pos: _, mask: __, ...rest } = good();
    let error: unknown;
    try {
      checkFeeds(specs, rest);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FeedError);
    expect((error as FeedError).input).toBe('pos');
    expect((error as Error).message).toMatch(
      /not fed: 'pos' \(float64 \[atoms,3\]\), 'mask' \(bool \[atoms,neighbors\]\)/,
    );
  });

  it('bool inputs need Uint8Array and int32 inputs Int32Array', () => {
    expect(() =>
      checkFeeds(specs, { ...good(), mask: { shape: [2, 4], data: new Int32Array(8) } }),
    ).toThrow(/input 'mask': expected bool data \(Uint8Array\), got Int32Array/);
  });
});
