import { broadcastShapes } from './broadcast.js';
import { canonicalDim, productDim } from './dims.js';
import { GraphBuildError } from './graph-build-error.js';
import { type AttrValue, type Dim, type DType, isFloat, type Shape } from './ir.js';

/** Unary elementwise float ops (output dtype and shape equal the input's). */
export const UNARY_FLOAT_OPS = [
  'neg',
  'exp',
  'log',
  'sin',
  'cos',
  'sqrt',
  'rsqrt',
  'square',
  'silu',
  'sigmoid',
  'tanh',
  'softplus',
] as const;

/** Binary elementwise float ops with numpy broadcasting. */
export const BINARY_FLOAT_OPS = ['add', 'sub', 'mul', 'div', 'pow'] as const;

/** Comparisons: broadcasting, equal operand dtypes, `bool` output, no gradient. */
export const COMPARISON_OPS = ['less', 'lessEqual', 'greater', 'greaterEqual', 'equal'] as const;

/** Ops with their own inference rule beyond the elementwise families. */
export const STRUCTURAL_OPS = [
  'where',
  'cast',
  'dimSize',
  'matmul',
  'transpose',
  'reduceSum',
  'gather',
  'scatterAdd',
  'reshape',
  'broadcastTo',
  'concat',
  'slice',
  'pad',
  'neighborGather',
  'neighborSum',
] as const;

/** Leaf ops: `input`, `param`, `constant`. */
export const LEAF_OPS = ['input', 'param', 'constant'] as const;

/** Every op of the IR: what a backend must lower to run any graph. */
export const GRAPH_OPS: readonly string[] = [
  ...LEAF_OPS,
  ...UNARY_FLOAT_OPS,
  ...BINARY_FLOAT_OPS,
  ...COMPARISON_OPS,
  ...STRUCTURAL_OPS,
];

const UNARY = new Set<string>(UNARY_FLOAT_OPS);
const BINARY = new Set<string>(BINARY_FLOAT_OPS);
const COMPARE = new Set<string>(COMPARISON_OPS);

/** Operand description used by inference. */
export interface OperandInfo {
  readonly dtype: DType;
  readonly shape: Shape;
}

/** Result of inference: the node's dtype and shape. */
export interface Inferred {
  dtype: DType;
  shape: Dim[];
}

function normAxis(op: string, axis: number, rank: number, shapes: Shape[]): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) {
    throw new GraphBuildError(op, `axis ${axis} out of range for rank ${rank}`, shapes);
  }
  return a;
}

function num(op: string, v: AttrValue | undefined, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new GraphBuildError(op, `attribute ${what} must be a number`);
  }
  return v;
}

function dimsAttr(op: string, v: AttrValue | undefined, what: string): Dim[] {
  if (!Array.isArray(v) || !v.every((d) => typeof d === 'number' || typeof d === 'string')) {
    throw new GraphBuildError(op, `attribute ${what} must be an array of dims`);
  }
  return (v as Dim[]).map(canonicalDim);
}

/**
 * Infers dtype and shape of an op applied to operands with attributes, throwing a
 * {@link GraphBuildError} (naming the op and operand shapes) for unsupported ops and for
 * shape or dtype mismatches. Leaf ops (`input`, `param`, `constant`) carry their dtype and
 * shape in `attrs.dtype` / `attrs.shape`.
 */
export function inferOp(
  op: string,
  operands: readonly OperandInfo[],
  attrs: Readonly<Record<string, AttrValue>>,
): Inferred {
  const shapes = operands.map((o) => o.shape);
  const fail = (reason: string): never => {
    throw new GraphBuildError(op, reason, shapes);
  };
  const arity = (n: number) => {
    if (operands.length !== n) fail(`expects ${n} operand(s), got ${operands.length}`);
  };
  const needFloat = (i: number) => {
    if (!isFloat(operands[i].dtype)) fail(`operand ${i} must be float, got ${operands[i].dtype}`);
  };
  const needInt = (i: number) => {
    if (operands[i].dtype !== 'int32') fail(`operand ${i} must be int32, got ${operands[i].dtype}`);
  };
  const sameDtype = (i: number, j: number) => {
    if (operands[i].dtype !== operands[j].dtype) {
      fail(`dtype mismatch: ${operands[i].dtype} vs ${operands[j].dtype}`);
    }
  };
  const bcast = (a: Shape, b: Shape): Dim[] =>
    broadcastShapes(a, b) ?? fail('shapes do not broadcast');

  if (op === 'input' || op === 'param' || op === 'constant') {
    arity(0);
    const dtype = attrs.dtype as DType;
    if (!['float32', 'float64', 'int32', 'bool'].includes(dtype)) fail(`bad dtype ${dtype}`);
    if (op === 'param' && !isFloat(dtype)) fail('parameters must be float');
    const shape = dimsAttr(op, attrs.shape, 'shape');
    if (op === 'constant') {
      if (!shape.every((d) => typeof d === 'number')) fail('constant shape must be numeric');
      const n = (shape as number[]).reduce((p, d) => p * d, 1);
      const v = attrs.value;
      if (!Array.isArray(v) || v.length !== n || !v.every((x) => typeof x === 'number')) {
        fail(`constant value must be ${n} numbers`);
      }
    }
    if (op !== 'constant' && typeof attrs.name !== 'string') fail('needs a name');
    return { dtype, shape };
  }
  if (UNARY.has(op)) {
    arity(1);
    needFloat(0);
    return { dtype: operands[0].dtype, shape: [...operands[0].shape] };
  }
  if (BINARY.has(op)) {
    arity(2);
    needFloat(0);
    sameDtype(0, 1);
    return { dtype: operands[0].dtype, shape: bcast(operands[0].shape, operands[1].shape) };
  }
  if (COMPARE.has(op)) {
    arity(2);
    sameDtype(0, 1);
    return { dtype: 'bool', shape: bcast(operands[0].shape, operands[1].shape) };
  }
  switch (op) {
    case 'where': {
      arity(3);
      if (operands[0].dtype !== 'bool') fail(`mask must be bool, got ${operands[0].dtype}`);
      sameDtype(1, 2);
      const s = bcast(bcast(operands[0].shape, operands[1].shape), operands[2].shape);
      return { dtype: operands[1].dtype, shape: s };
    }
    case 'cast': {
      arity(1);
      const dtype = attrs.dtype as DType;
      if (!['float32', 'float64', 'int32', 'bool'].includes(dtype)) fail(`bad dtype ${dtype}`);
      return { dtype, shape: [...operands[0].shape] };
    }
    case 'dimSize': {
      arity(1);
      normAxis(op, num(op, attrs.axis, 'axis'), shapes[0].length, shapes);
      if (!isFloat(attrs.dtype as DType)) fail('dimSize dtype must be float');
      return { dtype: attrs.dtype as DType, shape: [] };
    }
    case 'matmul': {
      arity(2);
      needFloat(0);
      sameDtype(0, 1);
      const [a, b] = shapes;
      if (a.length < 2 || b.length !== 2) fail('operands must be [..., m, k] and [k, n]');
      const k = a[a.length - 1];
      if (k !== b[0]) fail(`inner dims differ: ${k} vs ${b[0]}`);
      return { dtype: operands[0].dtype, shape: [...a.slice(0, -1), b[1]] };
    }
    case 'transpose': {
      arity(1);
      const perm = attrs.perm as number[];
      const r = shapes[0].length;
      if (
        !Array.isArray(perm) ||
        perm.length !== r ||
        [...perm].sort((x, y) => x - y).some((p, i) => p !== i)
      ) {
        fail(`perm ${JSON.stringify(perm)} is not a permutation of rank ${r}`);
      }
      return { dtype: operands[0].dtype, shape: perm.map((p) => shapes[0][p]) };
    }
    case 'reduceSum': {
      arity(1);
      needFloat(0);
      const r = shapes[0].length;
      const axes = (attrs.axes as number[]).map((a) => normAxis(op, a, r, shapes));
      if (new Set(axes).size !== axes.length) fail('repeated axis');
      const keep = attrs.keepDims === true;
      const shape: Dim[] = [];
      shapes[0].forEach((d, i) => {
        if (!axes.includes(i)) shape.push(d);
        else if (keep) shape.push(1);
      });
      return { dtype: operands[0].dtype, shape };
    }
    case 'gather': {
      arity(2);
      needInt(1);
      const axis = normAxis(op, num(op, attrs.axis, 'axis'), shapes[0].length, shapes);
      const s = shapes[0];
      return {
        dtype: operands[0].dtype,
        shape: [...s.slice(0, axis), ...shapes[1], ...s.slice(axis + 1)],
      };
    }
    case 'scatterAdd': {
      arity(2);
      needFloat(0);
      needInt(1);
      const axis = num(op, attrs.axis, 'axis');
      const size = attrs.size as Dim;
      const s = shapes[0];
      const ir = shapes[1].length;
      if (!Number.isInteger(axis) || axis < 0 || axis + ir > s.length) fail(`bad axis ${axis}`);
      for (let i = 0; i < ir; i++) {
        if (s[axis + i] !== shapes[1][i]) fail('indices shape does not match data at axis');
      }
      if (typeof size !== 'number' && typeof size !== 'string') fail('size must be a dim');
      return {
        dtype: operands[0].dtype,
        shape: [...s.slice(0, axis), canonicalDim(size), ...s.slice(axis + ir)],
      };
    }
    case 'reshape': {
      arity(1);
      const shape = dimsAttr(op, attrs.shape, 'shape');
      // Same total size: the products of all dims must agree as (coefficient, names).
      if (productDim(shapes[0]) !== productDim(shape)) {
        fail(`cannot reshape to ${JSON.stringify(shape)}`);
      }
      return { dtype: operands[0].dtype, shape };
    }
    case 'broadcastTo': {
      arity(1);
      const shape = dimsAttr(op, attrs.shape, 'shape');
      const b = broadcastShapes(shapes[0], shape);
      if (!b || b.length !== shape.length || b.some((d, i) => d !== shape[i])) {
        fail(`cannot broadcast to ${JSON.stringify(shape)}`);
      }
      return { dtype: operands[0].dtype, shape };
    }
    case 'concat': {
      if (operands.length < 1) fail('needs at least one operand');
      const r = shapes[0].length;
      const axis = normAxis(op, num(op, attrs.axis, 'axis'), r, shapes);
      let total = 0;
      for (let i = 0; i < operands.length; i++) {
        sameDtype(0, i);
        if (shapes[i].length !== r) fail('ranks differ');
        for (let k = 0; k < r; k++) {
          if (k !== axis && shapes[i][k] !== shapes[0][k]) fail(`dim ${k} differs`);
        }
        const d = shapes[i][axis];
        if (typeof d !== 'number') fail('concat axis must have numeric dims');
        total += d as number;
      }
      const shape = [...shapes[0]];
      shape[axis] = total;
      return { dtype: operands[0].dtype, shape };
    }
    case 'slice':
    case 'pad': {
      arity(1);
      const axis = normAxis(op, num(op, attrs.axis, 'axis'), shapes[0].length, shapes);
      const d = shapes[0][axis];
      if (typeof d !== 'number') fail(`${op} axis must have a numeric dim`);
      const dim = d as number;
      const shape = [...shapes[0]];
      if (op === 'slice') {
        const start = num(op, attrs.start, 'start');
        const end = num(op, attrs.end, 'end');
        if (!(0 <= start && start <= end && end <= dim)) fail(`bad range ${start}:${end}`);
        shape[axis] = end - start;
      } else {
        const before = num(op, attrs.before, 'before');
        const after = num(op, attrs.after, 'after');
        if (before < 0 || after < 0) fail('negative padding');
        needFloat(0);
        shape[axis] = before + dim + after;
      }
      return { dtype: operands[0].dtype, shape };
    }
    case 'neighborGather':
    case 'neighborSum': {
      arity(3);
      needFloat(0);
      needInt(1);
      needInt(2);
      const [x, nbr, rev] = shapes;
      if (nbr.length !== 2 || rev.length !== 2 || nbr[0] !== rev[0] || nbr[1] !== rev[1]) {
        fail('neighbor and reverse index must both be [n, k]');
      }
      if (op === 'neighborGather') {
        if (x.length < 1 || x[0] !== nbr[0]) fail(`data must be [${nbr[0]}, ...]`);
        return { dtype: operands[0].dtype, shape: [nbr[0], nbr[1], ...x.slice(1)] };
      }
      if (x.length < 2 || x[0] !== nbr[0] || x[1] !== nbr[1]) {
        fail(`data must be [${nbr[0]}, ${nbr[1]}, ...]`);
      }
      return { dtype: operands[0].dtype, shape: [x[0], ...x.slice(2)] };
    }
    default:
      return fail('unsupported op');
  }
}
