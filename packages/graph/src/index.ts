export type {
  CompileOptions,
  GraphBackend,
  GraphSession,
  HostData,
  HostTensor,
  ParameterMode,
} from './backend.js';
export { broadcastShapes, sameShape } from './broadcast.js';
export { canonicalDim, type DimFactors, dimFactors, productDim, resolveDim } from './dims.js';
export { type EvaluateOptions, evaluate, type Tensor } from './evaluate.js';
export { type GradOptions, grad, unbroadcast } from './grad.js';
export { GraphBuildError } from './graph-build-error.js';
export { GraphBuilder, type Operand } from './graph-builder.js';
export {
  BINARY_FLOAT_OPS,
  COMPARISON_OPS,
  GRAPH_OPS,
  type Inferred,
  inferOp,
  LEAF_OPS,
  type OperandInfo,
  STRUCTURAL_OPS,
  UNARY_FLOAT_OPS,
} from './infer.js';
export {
  type AttrValue,
  type Dim,
  type DType,
  formatShape,
  type Graph,
  type GraphNode,
  isFloat,
  type NodeId,
  type Shape,
} from './ir.js';
export { fromJSON, type GraphJSON, toJSON } from './json.js';
export { nodeCounts, prune } from './prune.js';
export { type SimplifyOptions, simplify } from './simplify.js';
