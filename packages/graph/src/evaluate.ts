import type { HostTensor } from './backend.js';
import { resolveDim } from './dims.js';
import type { Dim, Graph, GraphNode, Shape } from './ir.js';

/** A concrete tensor: numeric shape and row-major values (all dtypes held as float64). */
export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  /** Sizes of symbolic dims not determined by the feeds (inputs bind their own dims). */
  dims?: Readonly<Record<string, number>>;
}

const size = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);

function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** For each flat index of `out`, the flat index into a tensor of shape `inp` broadcast to it. */
function broadcastIndex(inp: readonly number[], out: readonly number[]): Int32Array {
  const n = size(out);
  const map = new Int32Array(n);
  const off = out.length - inp.length;
  const inStr = strides(inp);
  const idx = new Array<number>(out.length).fill(0);
  for (let f = 0; f < n; f++) {
    let j = 0;
    for (let k = 0; k < inp.length; k++) if (inp[k] !== 1) j += idx[k + off] * inStr[k];
    map[f] = j;
    for (let k = out.length - 1; k >= 0; k--) {
      if (++idx[k] < out[k]) break;
      idx[k] = 0;
    }
  }
  return map;
}

const softplus = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

const UNARY: Record<string, (x: number) => number> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  sin: Math.sin,
  cos: Math.cos,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  square: (x) => x * x,
  silu: (x) => x * sigmoid(x),
  sigmoid,
  tanh: Math.tanh,
  softplus,
};

const BINARY: Record<string, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: (a, b) => a ** b,
  less: (a, b) => (a < b ? 1 : 0),
  lessEqual: (a, b) => (a <= b ? 1 : 0),
  greater: (a, b) => (a > b ? 1 : 0),
  greaterEqual: (a, b) => (a >= b ? 1 : 0),
  equal: (a, b) => (a === b ? 1 : 0),
};

/**
 * Runs a graph in plain JavaScript with float64 arithmetic: the reference executor and
 * test oracle (slow, simple, exact to float64). `feeds` maps input and parameter names to
 * tensors; symbolic dims are bound from the fed shapes and `options.dims`. Returns every
 * named output.
 */
export function evaluate(
  graph: Graph,
  feeds: Readonly<Record<string, Tensor | HostTensor>>,
  options: EvaluateOptions = {},
): Record<string, Tensor> {
  const dims = new Map<string, number>(Object.entries(options.dims ?? {}));
  const resolve = (shape: Shape, node: GraphNode): number[] =>
    shape.map((d: Dim) => {
      const v = resolveDim(d, (name) => dims.get(name));
      if (v === undefined)
        throw new Error(`${node.op} #${node.id}: symbolic dim '${d}' is unbound`);
      return v;
    });
  const values: Tensor[] = new Array(graph.nodes.length);
  for (const node of graph.nodes) values[node.id] = run(node);

  function run(node: GraphNode): Tensor {
    const ins = node.inputs.map((i) => values[i]);
    const a = node.attrs;
    const op = node.op;
    if (op === 'input' || op === 'param') {
      const name = a.name as string;
      const t = feeds[name];
      if (!t) throw new Error(`${op} '${name}' is not fed`);
      const declared = a.shape as Dim[];
      if (t.shape.length !== declared.length) throw new Error(`'${name}': rank mismatch`);
      declared.forEach((d, k) => {
        const actual = t.shape[k];
        if (typeof d === 'number' || d.includes('*')) {
          const expected = resolveDim(d, (s) => dims.get(s));
          if (expected !== actual) {
            throw new Error(`'${name}': dim ${k} is ${actual}, expected ${d} = ${expected}`);
          }
        } else {
          const bound = dims.get(d);
          if (bound === undefined) dims.set(d, actual);
          else if (bound !== actual) {
            throw new Error(`'${name}': dim '${d}' is ${actual}, bound to ${bound}`);
          }
        }
      });
      if (t.data.length !== size(t.shape)) throw new Error(`'${name}': data length mismatch`);
      return { shape: [...t.shape], data: Float64Array.from(t.data) };
    }
    if (op === 'constant') {
      return { shape: a.shape as number[], data: Float64Array.from(a.value as number[]) };
    }
    const outShape = resolve(node.shape, node);
    const n = size(outShape);
    const out = new Float64Array(n);
    const f1 = UNARY[op];
    if (f1) {
      const x = ins[0].data;
      for (let i = 0; i < n; i++) out[i] = f1(x[i]);
      return { shape: outShape, data: out };
    }
    const f2 = BINARY[op];
    if (f2) {
      const ma = broadcastIndex(ins[0].shape, outShape);
      const mb = broadcastIndex(ins[1].shape, outShape);
      const x = ins[0].data;
      const y = ins[1].data;
      for (let i = 0; i < n; i++) out[i] = f2(x[ma[i]], y[mb[i]]);
      return { shape: outShape, data: out };
    }
    switch (op) {
      case 'where': {
        const [m0, m1, m2] = ins.map((t) => broadcastIndex(t.shape, outShape));
        for (let i = 0; i < n; i++) {
          out[i] = ins[0].data[m0[i]] ? ins[1].data[m1[i]] : ins[2].data[m2[i]];
        }
        break;
      }
      case 'cast': {
        const x = ins[0].data;
        const to = a.dtype;
        for (let i = 0; i < n; i++) {
          out[i] = to === 'int32' ? Math.trunc(x[i]) : to === 'bool' ? (x[i] ? 1 : 0) : x[i];
        }
        break;
      }
      case 'dimSize': {
        const r = ins[0].shape.length;
        const axis = (a.axis as number) < 0 ? (a.axis as number) + r : (a.axis as number);
        out[0] = ins[0].shape[axis];
        break;
      }
      case 'matmul': {
        const k = ins[1].shape[0];
        const p = ins[1].shape[1];
        const m = ins[0].data.length / k;
        const x = ins[0].data;
        const y = ins[1].data;
        for (let i = 0; i < m; i++) {
          for (let l = 0; l < k; l++) {
            const v = x[i * k + l];
            for (let j = 0; j < p; j++) out[i * p + j] += v * y[l * p + j];
          }
        }
        break;
      }
      case 'transpose': {
        const perm = a.perm as number[];
        const inStr = strides(ins[0].shape);
        const idx = new Array<number>(outShape.length).fill(0);
        for (let f = 0; f < n; f++) {
          let j = 0;
          for (let k = 0; k < perm.length; k++) j += idx[k] * inStr[perm[k]];
          out[f] = ins[0].data[j];
          for (let k = outShape.length - 1; k >= 0; k--) {
            if (++idx[k] < outShape[k]) break;
            idx[k] = 0;
          }
        }
        break;
      }
      case 'reduceSum': {
        const inShape = ins[0].shape;
        const r = inShape.length;
        const axes = (a.axes as number[]).map((x) => (x < 0 ? x + r : x));
        const kept = inShape.map((d, i) => (axes.includes(i) ? 1 : d));
        const map = broadcastIndex(kept, inShape);
        const x = ins[0].data;
        for (let i = 0; i < x.length; i++) out[map[i]] += x[i];
        break;
      }
      case 'gather':
      case 'scatterAdd': {
        const data = ins[0];
        const idx = ins[1];
        const ni = idx.data.length;
        const axis =
          (a.axis as number) < 0 ? (a.axis as number) + data.shape.length : (a.axis as number);
        const full = op === 'gather' ? data.shape : outShape;
        const outer = size(full.slice(0, axis));
        const axisLen = full[axis];
        const inner = size(full.slice(axis + 1));
        for (let o = 0; o < outer; o++) {
          for (let q = 0; q < ni; q++) {
            const t = idx.data[q];
            if (!(t >= 0 && t < axisLen))
              throw new Error(`${op} #${node.id}: index ${t} out of range`);
            const full0 = (o * axisLen + t) * inner;
            const comp0 = (o * ni + q) * inner;
            for (let s = 0; s < inner; s++) {
              if (op === 'gather') out[comp0 + s] = data.data[full0 + s];
              else out[full0 + s] += data.data[comp0 + s];
            }
          }
        }
        break;
      }
      case 'reshape':
        out.set(ins[0].data);
        break;
      case 'neighborGather':
      case 'neighborSum': {
        const [x, nbr, rev] = ins;
        const [rows, k] = nbr.shape;
        const inner = size(x.shape.slice(op === 'neighborGather' ? 1 : 2));
        for (let i = 0; i < rows; i++) {
          for (let s = 0; s < k; s++) {
            const slot = i * k + s;
            if (op === 'neighborGather') {
              const j = nbr.data[slot];
              if (!(j >= 0 && j < rows))
                throw new Error(`${op} #${node.id}: index ${j} out of range`);
              for (let c = 0; c < inner; c++) out[slot * inner + c] = x.data[j * inner + c];
            } else {
              const q = rev.data[slot];
              if (!(q >= 0 && q < rows * k)) {
                throw new Error(`${op} #${node.id}: reverse slot ${q} out of range`);
              }
              for (let c = 0; c < inner; c++) out[i * inner + c] += x.data[q * inner + c];
            }
          }
        }
        break;
      }
      case 'broadcastTo': {
        const map = broadcastIndex(ins[0].shape, outShape);
        for (let i = 0; i < n; i++) out[i] = ins[0].data[map[i]];
        break;
      }
      case 'concat':
      case 'slice':
      case 'pad': {
        const axis =
          (a.axis as number) < 0 ? (a.axis as number) + outShape.length : (a.axis as number);
        const outer = size(outShape.slice(0, axis));
        const inner = size(outShape.slice(axis + 1));
        const parts =
          op === 'concat'
            ? ins.map((t, i) => ({
                t,
                dst: ins.slice(0, i).reduce((p, u) => p + u.shape[axis], 0),
                src: 0,
                len: t.shape[axis],
              }))
            : op === 'slice'
              ? [{ t: ins[0], dst: 0, src: a.start as number, len: outShape[axis] }]
              : [{ t: ins[0], dst: a.before as number, src: 0, len: ins[0].shape[axis] }];
        for (const { t, dst, src, len } of parts) {
          const tAxis = t.shape[axis];
          for (let o = 0; o < outer; o++) {
            for (let l = 0; l < len; l++) {
              const from = (o * tAxis + src + l) * inner;
              const to = (o * outShape[axis] + dst + l) * inner;
              for (let s = 0; s < inner; s++) out[to + s] = t.data[from + s];
            }
          }
        }
        break;
      }
      default:
        throw new Error(`evaluate: unsupported op '${op}'`);
    }
    return { shape: outShape, data: out };
  }

  const result: Record<string, Tensor> = {};
  for (const [name, id] of Object.entries(graph.outputs)) result[name] = values[id];
  return result;
}
