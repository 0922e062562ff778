import type { Dim, Shape } from './ir.js';

/**
 * Symbolic dims may be products: `'atoms*neighbors'`, `'3*atoms'` (factors joined by `*`,
 * a numeric coefficient first). They arise when a reshape merges axes, e.g. flattening
 * `[atoms, neighbors, F]` to `[atoms*neighbors, F]`. Their value at run time is the product
 * of the bound factors.
 */

/** The factors of a dim: a numeric coefficient and the sorted symbolic names. */
export interface DimFactors {
  coefficient: number;
  names: string[];
}

/** Splits a dim into its numeric coefficient and symbolic factors. */
export function dimFactors(d: Dim): DimFactors {
  if (typeof d === 'number') return { coefficient: d, names: [] };
  let coefficient = 1;
  const names: string[] = [];
  for (const part of d.split('*')) {
    const p = part.trim();
    if (/^\d+$/.test(p)) coefficient *= Number(p);
    else names.push(p);
  }
  names.sort();
  return { coefficient, names };
}

/**
 * The canonical dim for a product of dims: a number when all are numeric, otherwise
 * `'c*a*b'` with the coefficient first (omitted when 1) and names sorted.
 */
export function productDim(dims: Shape): Dim {
  let coefficient = 1;
  const names: string[] = [];
  for (const d of dims) {
    const f = dimFactors(d);
    coefficient *= f.coefficient;
    names.push(...f.names);
  }
  if (names.length === 0) return coefficient;
  names.sort();
  if (coefficient === 0) return 0;
  return [...(coefficient === 1 ? [] : [String(coefficient)]), ...names].join('*');
}

/** Canonical form of one dim (`'neighbors*atoms'` → `'atoms*neighbors'`, `'2*3'` → 6). */
export function canonicalDim(d: Dim): Dim {
  return productDim([d]);
}

/**
 * Value of a dim given the sizes of symbolic names; `undefined` when a factor is unbound.
 */
export function resolveDim(
  d: Dim,
  sizes: (name: string) => number | undefined,
): number | undefined {
  if (typeof d === 'number') return d;
  const f = dimFactors(d);
  let v = f.coefficient;
  for (const n of f.names) {
    const s = sizes(n);
    if (s === undefined) return undefined;
    v *= s;
  }
  return v;
}
