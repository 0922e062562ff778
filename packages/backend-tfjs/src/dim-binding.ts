import { type Dim, dimFactors, formatShape, resolveDim, type Shape } from '@mlff-distiller/graph';

/**
 * Sizes of a graph's symbolic dims for one run, bound from the shapes of the fed tensors as
 * `evaluate` binds them: a plain symbolic dim (`'atoms'`) takes the fed size the first time it
 * is seen and must agree afterwards; numeric dims must match; product dims (`'atoms*neighbors'`,
 * `'3*atoms'`) are checked against the product of their bound factors once every feed is bound.
 */
export class DimBinding {
  private readonly sizes = new Map<string, number>();

  /** Size bound to the symbolic name `name`, if any. */
  get(name: string): number | undefined {
    return this.sizes.get(name);
  }

  /**
   * Binds the plain symbolic dims of a fed tensor `what` declared as `declared` with actual
   * shape `actual`, and checks its rank and numeric dims. Product dims are left to
   * {@link DimBinding.checkProducts}.
   */
  bind(what: string, declared: Shape, actual: readonly number[]): void {
    if (actual.length !== declared.length) {
      throw new Error(
        `${what}: rank ${actual.length} ${formatShape(actual)}, expected ${declared.length} ${formatShape(declared)}`,
      );
    }
    declared.forEach((d, k) => {
      const size = actual[k];
      if (!Number.isInteger(size) || size < 0) throw new Error(`${what}: bad dim ${k} (${size})`);
      if (typeof d === 'number') {
        if (d !== size) {
          throw new Error(
            `${what}: dim ${k} is ${size}, expected ${d} (shape ${formatShape(declared)})`,
          );
        }
      } else if (!isProduct(d)) {
        const bound = this.sizes.get(d);
        if (bound === undefined) this.sizes.set(d, size);
        else if (bound !== size) {
          throw new Error(`${what}: dim ${k} ('${d}') is ${size}, but '${d}' is bound to ${bound}`);
        }
      }
    });
  }

  /** Checks the product dims of a fed tensor once all feeds are bound (see {@link DimBinding.bind}). */
  checkProducts(what: string, declared: Shape, actual: readonly number[]): void {
    declared.forEach((d, k) => {
      if (typeof d === 'string' && isProduct(d)) {
        const expected = this.resolve(d, what);
        if (expected !== actual[k]) {
          throw new Error(`${what}: dim ${k} is ${actual[k]}, expected '${d}' = ${expected}`);
        }
      }
    });
  }

  /** The size of `d`; throws, naming `what` needs it, when a symbolic factor is unbound. */
  resolve(d: Dim, what: string): number {
    const v = resolveDim(d, (name) => this.sizes.get(name));
    if (v === undefined) {
      const unbound = dimFactors(d).names.filter((n) => !this.sizes.has(n));
      throw new Error(
        `${what}: symbolic dim '${unbound.join("', '")}' is not bound by any fed tensor's shape`,
      );
    }
    return v;
  }

  /** The numeric shape of `shape` (see {@link DimBinding.resolve}). */
  resolveShape(shape: Shape, what: string): number[] {
    return shape.map((d) => this.resolve(d, what));
  }
}

/** True for a product dim such as `'atoms*neighbors'` or `'3*atoms'`. */
export function isProduct(d: Dim): boolean {
  return typeof d === 'string' && d.includes('*');
}

/**
 * A function giving the numeric form of `shape` for a run: a fixed array when `shape` is
 * numeric, otherwise resolved from the run's {@link DimBinding}.
 */
export function shapeResolver(shape: Shape, what: string): (dims: DimBinding) => number[] {
  if (shape.every((d) => typeof d === 'number')) {
    const fixed = [...shape] as number[];
    return () => fixed;
  }
  return (dims) => dims.resolveShape(shape, what);
}
