import {
  BINARY_FLOAT_OPS,
  COMPARISON_OPS,
  type GraphNode,
  UNARY_FLOAT_OPS,
} from '@mlff-distiller/graph';
import * as tf from '@tensorflow/tfjs-core';
import { TfjsCompileError } from './compile-error.js';
import { lowerBinary, lowerCast, lowerDimSize, lowerUnary, lowerWhere } from './elementwise-ops.js';
import {
  lowerGather,
  lowerNeighborGather,
  lowerNeighborSum,
  lowerScatterAdd,
} from './index-ops.js';
import { lowerMatmul, lowerReduceSum } from './linalg-ops.js';
import type { Lowerer, Lowering, LoweringContext } from './lowering-types.js';
import {
  lowerBroadcastTo,
  lowerConcat,
  lowerPad,
  lowerReshape,
  lowerSlice,
  lowerTranspose,
} from './shape-ops.js';

/** Every op this backend runs (leaf ops `input`, `param`, `constant` are handled by the plan). */
export const LOWERINGS: Readonly<Record<string, Lowerer>> = {
  ...Object.fromEntries(UNARY_FLOAT_OPS.map((op) => [op, lowerUnary])),
  ...Object.fromEntries([...BINARY_FLOAT_OPS, ...COMPARISON_OPS].map((op) => [op, lowerBinary])),
  where: lowerWhere,
  cast: lowerCast,
  dimSize: lowerDimSize,
  matmul: lowerMatmul,
  reduceSum: lowerReduceSum,
  transpose: lowerTranspose,
  gather: lowerGather,
  scatterAdd: lowerScatterAdd,
  neighborGather: lowerNeighborGather,
  neighborSum: lowerNeighborSum,
  reshape: lowerReshape,
  broadcastTo: lowerBroadcastTo,
  concat: lowerConcat,
  slice: lowerSlice,
  pad: lowerPad,
};

/**
 * Lowers one node to a kernel, checking that the backend has every tfjs kernel it needs.
 *
 * @throws {TfjsCompileError} for an op with no lowering, or a tfjs kernel the backend lacks;
 *   the message names the op, node id and shapes.
 */
export function lowerNode(node: GraphNode, ctx: LoweringContext): Lowering {
  const lowerer = Object.hasOwn(LOWERINGS, node.op) ? LOWERINGS[node.op] : undefined;
  if (lowerer === undefined) {
    throw new TfjsCompileError(
      `unsupported op (the tfjs backend runs: ${Object.keys(LOWERINGS).join(', ')})`,
      ctx.graph,
      node,
    );
  }
  const lowering = lowerer(node, ctx);
  const missing = lowering.tfKernels.filter((k) => !tf.getKernel(k, ctx.tfjsBackend));
  if (missing.length > 0) {
    throw new TfjsCompileError(
      `tfjs backend '${ctx.tfjsBackend}' has no kernel ${missing.map((k) => `'${k}'`).join(', ')}`,
      ctx.graph,
      node,
    );
  }
  return lowering;
}
