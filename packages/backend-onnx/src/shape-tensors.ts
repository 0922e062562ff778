import { type Dim, dimFactors, type Shape } from '@mlff-distiller/graph';
import type { OnnxGraphWriter } from './onnx-graph-writer.js';

/** An ONNX tensor name together with its IR shape (which may hold symbolic dims). */
export interface TensorRef {
  readonly name: string;
  readonly shape: Shape;
}

/**
 * Builds int64 shape tensors at run time for symbolic dims. A symbolic dim is read from
 * the shape of a tensor that carries it, with `Shape(t, start=k, end=k+1)`: first the
 * operands of the op being lowered (`locals`), then the graph inputs (and parameters fed as
 * inputs). A product dim (`'atoms*neighbors'`, `'3*atoms'`) that no tensor carries as a
 * whole is the `Mul` of its factors times its coefficient. Numeric dims are constants.
 * Every emitted tensor is cached, so each dim is computed once per model.
 */
export class ShapeTensors {
  private readonly axisCache = new Map<string, string>();
  private readonly dimCache = new Map<string, string>();

  /**
   * `sources`: the graph inputs (names and declared shapes), which carry the symbolic dims
   * bound at run time.
   */
  constructor(
    private readonly writer: OnnxGraphWriter,
    private readonly sources: readonly TensorRef[],
  ) {}

  /** int64 [1]: the runtime size of axis `axis` of `ref`. */
  axis(ref: TensorRef, axis: number): string {
    const key = `${ref.name}\u0000${axis}`;
    let t = this.axisCache.get(key);
    if (t === undefined) {
      t = this.writer.node('Shape', [ref.name], `dim(${ref.name}:${axis})`, {
        attrs: { start: axis, end: axis + 1 },
      });
      this.axisCache.set(key, t);
    }
    return t;
  }

  /**
   * int64 [1] holding the runtime value of `d`, or `undefined` when some symbolic factor is
   * carried by no local operand and no graph input.
   */
  dim(d: Dim, locals: readonly TensorRef[] = []): string | undefined {
    if (typeof d === 'number') return this.writer.int64s([d]);
    const cached = this.dimCache.get(d);
    if (cached !== undefined) return cached;
    let t = this.find(d, locals);
    if (t === undefined) {
      const { coefficient, names } = dimFactors(d);
      if (names.length === 1 && coefficient === 1) return undefined;
      const parts: string[] = [];
      for (const n of names) {
        const p = this.dim(n, locals);
        if (p === undefined) return undefined;
        parts.push(p);
      }
      if (coefficient !== 1) parts.push(this.writer.int64s([coefficient]));
      t = parts[0];
      for (let i = 1; i < parts.length; i++) {
        t = this.writer.node('Mul', [t, parts[i]], `dim(${d})`);
      }
    }
    this.dimCache.set(d, t);
    return t;
  }

  /**
   * A 1-D int64 tensor holding `dims` at run time (a constant when every dim is numeric;
   * otherwise a `Concat` of constants and runtime dims). Returns the symbolic dim that
   * could not be resolved instead, as `{ missing }`.
   */
  shape(dims: readonly Dim[], locals: readonly TensorRef[] = []): string | { missing: Dim } {
    const parts: string[] = [];
    let run: number[] = [];
    const flush = () => {
      if (run.length > 0) parts.push(this.writer.int64s(run));
      run = [];
    };
    for (const d of dims) {
      if (typeof d === 'number') {
        run.push(d);
        continue;
      }
      flush();
      const t = this.dim(d, locals);
      if (t === undefined) return { missing: d };
      parts.push(t);
    }
    flush();
    if (parts.length === 0) return this.writer.int64s([]);
    if (parts.length === 1) return parts[0];
    return this.writer.node('Concat', parts, `shape(${dims.join(',')})`, { attrs: { axis: 0 } });
  }

  private find(d: string, locals: readonly TensorRef[]): string | undefined {
    for (const refs of [locals, this.sources]) {
      for (const ref of refs) {
        const k = ref.shape.indexOf(d);
        if (k >= 0) return this.axis(ref, k);
      }
    }
    return undefined;
  }
}
