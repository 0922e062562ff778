import {
  formatShape,
  type Graph,
  type HostTensor,
  type Shape,
  sameShape,
} from '@mlff-distiller/graph';
import { AdamW, type AdamWOptions, type AdamWState } from './adamw.js';
import { checkFeeds, type FeedSpec } from './check-feeds.js';
import { clipGradNorm, globalNorm } from './clip-grad-norm.js';
import type { OnnxRuntimeOptions } from './create-ort-session.js';
import { DTYPES } from './dtypes.js';
import { OnnxBackend } from './onnx-backend.js';
import { OnnxCompileError } from './onnx-compile-error.js';
import type { OnnxSession } from './onnx-session.js';
import { loadOrt, type OrtTensor } from './ort.js';

/**
 * Options of {@link OnnxTrainingStep.create}; the AdamW hyper-parameters (`lr`, `beta1`,
 * `beta2`, `eps`, `weightDecay`) sit at the top level.
 */
export interface OnnxTrainingStepOptions extends AdamWOptions {
  /** Name of the graph output holding the scalar float32 loss (default `'loss'`). */
  loss?: string;
  /**
   * Trained parameter name → name of the graph output holding ∂loss/∂parameter (same shape
   * as the parameter), e.g. from `grad(graph, 'loss', paramIds)`.
   */
  gradients: Readonly<Record<string, string>>;
  /**
   * Values of every `param` of the graph as Float32Arrays of the parameter's size. They are
   * kept by reference and updated in place; parameters without a gradient entry are fed
   * but never updated (frozen).
   */
  parameters: Readonly<Record<string, Float32Array>>;
  /** Clip the global gradient norm to this value before the update (default: no clipping). */
  maxGradNorm?: number;
  /** onnxruntime options (execution provider, threads, optimisation level). */
  runtime?: OnnxRuntimeOptions;
}

/** What one training step reports. */
export interface TrainingStepResult {
  /** The loss of the batch, before the update. */
  loss: number;
  /** Global norm of the gradients before clipping. */
  gradNorm: number;
  /** False when the loss or a gradient was not finite: then the parameters were not changed. */
  updated: boolean;
}

const size = (shape: Shape) => (shape as number[]).reduce((p, d) => p * d, 1);

/**
 * One optimisation step on ONNX Runtime: a training graph whose outputs are a scalar loss
 * and one gradient per trained parameter is compiled once with parameters as inputs; each
 * {@link step} runs loss and gradients in one onnxruntime run, optionally clips the global
 * gradient norm, and applies AdamW in place to the Float32Array parameters.
 *
 * Per step, nothing sizeable is allocated outside onnxruntime: parameters are fed as
 * onnxruntime tensors over the same Float32Arrays (created once), loss and gradients are
 * written by onnxruntime into preallocated buffers (preallocated fetches), and the AdamW
 * moments are allocated once. What remains per step is the tensor wrappers of the batch
 * feeds, the feed check's small map of bound dims, and the result copies onnxruntime-node
 * itself returns.
 */
export class OnnxTrainingStep {
  /** The compiled training graph. */
  readonly session: OnnxSession;
  /** Name of the backend running the session, e.g. `'onnxruntime-node/cpu'`. */
  readonly backend: string;
  /** The optimizer (its `learningRate` may be changed between steps). */
  readonly optimizer: AdamW;
  /** Every parameter's live buffer (updated in place by {@link step}). */
  readonly parameters: Readonly<Record<string, Float32Array>>;
  /** Gradients of the trained parameters from the last run (clipped when clipping applied). */
  readonly gradients: Readonly<Record<string, Float32Array>>;
  /** Maximum global gradient norm, or undefined for no clipping. */
  readonly maxGradNorm: number | undefined;
  private readonly batchSpecs: readonly FeedSpec[];
  private readonly feeds: Record<string, OrtTensor>;
  private readonly fetches: Record<string, OrtTensor>;
  private readonly lossBuffer: Float32Array;
  private readonly gradientList: readonly Float32Array[];

  private constructor(
    session: OnnxSession,
    parameters: Readonly<Record<string, Float32Array>>,
    lossName: string,
    gradients: Readonly<Record<string, string>>,
    options: OnnxTrainingStepOptions,
  ) {
    const ort = loadOrt();
    this.session = session;
    this.backend = session.backend;
    this.parameters = parameters;
    this.maxGradNorm = options.maxGradNorm;
    this.batchSpecs = session.signature.inputs.filter((s) => !s.isParameter);
    this.feeds = {};
    for (const spec of session.signature.inputs) {
      if (spec.isParameter) {
        this.feeds[spec.name] = new ort.Tensor('float32', parameters[spec.name], [
          ...(spec.shape as number[]),
        ]);
      }
    }
    this.lossBuffer = new Float32Array(1);
    this.fetches = { [lossName]: new ort.Tensor('float32', this.lossBuffer, []) };
    const grads: Record<string, Float32Array> = {};
    const trained: Record<string, Float32Array> = {};
    for (const [param, output] of Object.entries(gradients)) {
      const buffer = new Float32Array(parameters[param].length);
      grads[param] = buffer;
      trained[param] = parameters[param];
      const shape = session.signature.outputs[output].shape as number[];
      this.fetches[output] = new ort.Tensor('float32', buffer, [...shape]);
    }
    this.gradients = grads;
    this.gradientList = Object.values(grads);
    this.optimizer = new AdamW(trained, {
      lr: options.lr,
      beta1: options.beta1,
      beta2: options.beta2,
      eps: options.eps,
      weightDecay: options.weightDecay,
    });
  }

  /**
   * Validates the training graph against `options`, compiles it (parameters as inputs,
   * outputs = loss and gradients) and prepares every buffer. Throws `OnnxCompileError` for
   * a mismatch (missing parameter value, wrong size, non-float32 parameter, gradient output
   * of the wrong shape, non-scalar loss).
   */
  static async create(graph: Graph, options: OnnxTrainingStepOptions): Promise<OnnxTrainingStep> {
    const lossName = options.loss ?? 'loss';
    const err = (reason: string, shapes: Shape[] = []) =>
      new OnnxCompileError('training', undefined, reason, shapes);
    if (options.maxGradNorm !== undefined && !(options.maxGradNorm > 0)) {
      throw err(`maxGradNorm must be > 0, got ${options.maxGradNorm}`);
    }
    const paramShapes = new Map<string, Shape>();
    const parameters: Record<string, Float32Array> = {};
    for (const n of graph.nodes) {
      if (n.op !== 'param') continue;
      const name = n.attrs.name as string;
      const values = options.parameters[name];
      if (n.dtype !== 'float32') {
        throw err(`parameter '${name}' is ${n.dtype}; the trainer needs float32`, [n.shape]);
      }
      if (!n.shape.every((d) => typeof d === 'number')) {
        throw err(`parameter '${name}' has a symbolic shape`, [n.shape]);
      }
      if (!(values instanceof Float32Array)) {
        throw err(`no Float32Array value for parameter '${name}'`, [n.shape]);
      }
      if (values.length !== size(n.shape)) {
        throw err(`parameter '${name}' has ${values.length} values, expected ${size(n.shape)}`, [
          n.shape,
        ]);
      }
      paramShapes.set(name, n.shape);
      parameters[name] = values;
    }
    const lossId = graph.outputs[lossName];
    if (lossId === undefined) throw err(`no loss output '${lossName}'`);
    const lossNode = graph.nodes[lossId];
    if (lossNode.dtype !== 'float32' || lossNode.shape.length !== 0) {
      throw err(
        `loss '${lossName}' must be a float32 scalar, is ${lossNode.dtype} ${formatShape(lossNode.shape)}`,
      );
    }
    const gradOutputs = new Set<string>();
    for (const [param, output] of Object.entries(options.gradients)) {
      const shape = paramShapes.get(param);
      if (!shape) throw err(`gradient given for '${param}', which is not a parameter of the graph`);
      const id = graph.outputs[output];
      if (id === undefined) throw err(`no gradient output '${output}' (for parameter '${param}')`);
      const g = graph.nodes[id];
      if (g.dtype !== 'float32' || !sameShape(g.shape, shape)) {
        throw err(
          `gradient output '${output}' is ${g.dtype} ${formatShape(g.shape)}, parameter ` +
            `'${param}' is float32 ${formatShape(shape)}`,
        );
      }
      if (gradOutputs.has(output) || output === lossName)
        throw err(`output '${output}' is used twice`);
      gradOutputs.add(output);
    }
    const backend = new OnnxBackend(options.runtime);
    const session = await backend.compile(graph, {
      parameterMode: 'input',
      outputs: [lossName, ...gradOutputs],
    });
    return new OnnxTrainingStep(session, parameters, lossName, options.gradients, options);
  }

  /**
   * Runs loss and gradients for `batch` (the graph's data inputs) without updating:
   * fills {@link gradients} (unclipped) and returns the loss and the global gradient norm.
   */
  async computeGradients(batch: Readonly<Record<string, HostTensor>>): Promise<{
    loss: number;
    gradNorm: number;
  }> {
    const ort = loadOrt();
    checkFeeds(this.batchSpecs, batch);
    for (const spec of this.batchSpecs) {
      const t = batch[spec.name];
      this.feeds[spec.name] = new ort.Tensor(DTYPES[spec.dtype].ort, t.data, t.shape as number[]);
    }
    await this.session.runOrt(this.feeds, this.fetches);
    return { loss: this.lossBuffer[0], gradNorm: globalNorm(this.gradientList) };
  }

  /**
   * One training step on `batch`: loss and gradients in one run, clipping to
   * {@link maxGradNorm} if set, then AdamW in place on {@link parameters}. A non-finite
   * loss or gradient skips the update (`updated: false`) rather than poisoning the
   * parameters and the optimizer state.
   */
  async step(batch: Readonly<Record<string, HostTensor>>): Promise<TrainingStepResult> {
    const { loss, gradNorm } = await this.computeGradients(batch);
    if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) {
      return { loss, gradNorm, updated: false };
    }
    if (this.maxGradNorm !== undefined) clipGradNorm(this.gradientList, this.maxGradNorm);
    this.optimizer.step(this.gradients);
    return { loss, gradNorm, updated: true };
  }

  /** A copy of every parameter as plain arrays (for checkpoints). */
  parameterValues(): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    for (const [name, p] of Object.entries(this.parameters)) out[name] = Array.from(p);
    return out;
  }

  /** Overwrites parameters in place from plain arrays (names and sizes must match). */
  loadParameterValues(values: Readonly<Record<string, ArrayLike<number>>>): void {
    for (const [name, v] of Object.entries(values)) {
      const p = this.parameters[name];
      if (!p || p.length !== v.length) {
        throw new RangeError(`loadParameterValues: '${name}' is unknown or has the wrong size`);
      }
    }
    for (const [name, v] of Object.entries(values)) this.parameters[name].set(v);
  }

  /** A copy of the optimizer state (step count, moments) as plain arrays. */
  optimizerState(): AdamWState {
    return this.optimizer.state();
  }

  /** Restores an optimizer state saved by {@link optimizerState}. */
  loadOptimizerState(state: AdamWState): void {
    this.optimizer.loadState(state);
  }

  /** Releases the onnxruntime session. */
  async dispose(): Promise<void> {
    await this.session.dispose();
  }
}
