import { InvalidInputError, Random } from '@mlff-distiller/core';

/** Fractions of a split (the rest is training). */
export interface SplitOptions {
  /** Fraction for validation (early stopping, best checkpoint), default 0.1. */
  validation?: number;
  /** Fraction held out for the final report, default 0.1. */
  test?: number;
  /** Shuffle seed: the same seed gives the same split. */
  seed: number;
}

/** A dataset split three ways. */
export interface DatasetSplit<T> {
  train: T[];
  validation: T[];
  test: T[];
}

/**
 * Shuffles `items` with `seed` and splits them into train / validation / test (sizes
 * rounded; validation and test get at least one item each when their fraction is > 0 and
 * there are enough items).
 */
export function splitDataset<T>(items: readonly T[], options: SplitOptions): DatasetSplit<T> {
  const fv = options.validation ?? 0.1;
  const ft = options.test ?? 0.1;
  if (!(fv >= 0 && ft >= 0 && fv + ft < 1)) {
    throw new InvalidInputError(
      `split fractions must be ≥ 0 and leave a training set: validation ${fv}, test ${ft}`,
    );
  }
  const order = items.map((_, i) => i);
  const random = new Random(options.seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random.uniform() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const n = items.length;
  const count = (f: number) =>
    f > 0 && n >= 3 ? Math.max(1, Math.round(f * n)) : Math.round(f * n);
  const nv = count(fv);
  const nt = count(ft);
  const pick = (from: number, to: number) => order.slice(from, to).map((i) => items[i]!);
  return { validation: pick(0, nv), test: pick(nv, nv + nt), train: pick(nv + nt, n) };
}
