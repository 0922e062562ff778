import type { GraphSession, HostTensor, NodeId } from '@mlff-distiller/graph';
import * as tf from '@tensorflow/tfjs-core';
import { DimBinding } from './dim-binding.js';
import type { ExecutionPlan } from './execution-plan.js';
import { fromTfValues, tfDtype, toTfValues } from './host-tensors.js';
import type { RunEnv } from './lowering-types.js';
import { runSteps } from './run-steps.js';
import {
  settleBackendLoads,
  type TfjsBackendSelection,
  useTfjsBackendNow,
} from './select-backend.js';

const size = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);

/**
 * A graph compiled for tfjs (see `TfjsBackend.compile`): an interpreter plan run with tfjs ops.
 * Each run executes inside `tf.tidy` and disposes every intermediate after its last use, so
 * nothing is left allocated between runs except the session's own compile-time tensors
 * (constants, parameters in `'constant'` mode, and values folded from them), which
 * {@link TfjsSession.dispose} releases.
 *
 * Values are float32 in tfjs: float64 outputs come back as Float64Array holding float32
 * results; int32 as Int32Array; bool as Uint8Array of 0/1.
 */
export class TfjsSession implements GraphSession {
  /** `'tfjs/<backend>'`, e.g. `'tfjs/wasm'`. */
  readonly backend: string;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** How the backend was chosen. */
  readonly selection: TfjsBackendSelection;
  private readonly plan: ExecutionPlan;
  private readonly owned: ReadonlyMap<NodeId, tf.Tensor>;
  private disposed = false;

  /**
   * Made by `TfjsBackend.compile`; takes ownership of `owned` (the tensors of the plan's
   * owned nodes, made on the selected backend at compile time).
   */
  constructor(
    plan: ExecutionPlan,
    selection: TfjsBackendSelection,
    owned: ReadonlyMap<NodeId, tf.Tensor>,
  ) {
    this.plan = plan;
    this.selection = selection;
    this.owned = owned;
    this.backend = `tfjs/${selection.name}`;
    this.inputNames = plan.feeds.filter((f) => f.required).map((f) => f.name);
    this.outputNames = plan.outputs.map((o) => o.name);
  }

  /**
   * Runs the graph. Feeds are keyed by input name (and parameter name in `'input'` mode);
   * any {@link HostTensor} data type is accepted and converted (float → Float32Array,
   * int32 → Int32Array, bool → 0/1). Feeds the outputs do not need may be omitted; when given
   * they still bind symbolic dims. Unknown names are ignored.
   *
   * @throws when a needed feed is missing, a fed shape contradicts the declared one (rank,
   *   numeric dims, symbolic dims bound twice to different sizes) or its data length, or a
   *   kernel fails (the message names the op and node id).
   */
  async run(feeds: Readonly<Record<string, HostTensor>>): Promise<Record<string, HostTensor>> {
    if (this.disposed) throw new Error(`${this.backend}: the session was disposed`);
    const env: RunEnv = { dims: this.bind(feeds) };
    await settleBackendLoads();
    // Switch and issue every op in one synchronous stretch: no other run can interleave.
    useTfjsBackendNow(this.selection.tfjsName);
    const kept = this.execute(feeds, env);
    const tensors = [...new Set(kept.values())];
    try {
      const values = await Promise.all(tensors.map((t) => t.data()));
      const byTensor = new Map(tensors.map((t, i) => [t, values[i]]));
      const result: Record<string, HostTensor> = {};
      for (const { name, id } of this.plan.outputs) {
        const t = kept.get(id)!;
        const dtype = this.plan.graph.nodes[id].dtype;
        result[name] = { shape: [...t.shape], data: fromTfValues(byTensor.get(t)!, dtype) };
      }
      return result;
    } finally {
      for (const t of tensors) t.dispose();
    }
  }

  /** Disposes the session's constant and parameter tensors; later runs throw. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const t of this.owned.values()) t.dispose();
  }

  /** Checks the feeds and binds symbolic dims from their shapes. */
  private bind(feeds: Readonly<Record<string, HostTensor>>): DimBinding {
    const dims = new DimBinding();
    const missing: string[] = [];
    const given = this.plan.feeds.filter((f) => {
      const present = Object.hasOwn(feeds, f.name) && feeds[f.name] !== undefined;
      if (!present && f.required) missing.push(f.name);
      return present;
    });
    if (missing.length > 0) {
      throw new Error(
        `${this.backend}: missing feed(s) ${missing.map((n) => `'${n}'`).join(', ')}`,
      );
    }
    for (const f of given) {
      const t = feeds[f.name];
      const what = `${this.backend}: ${f.kind} '${f.name}'`;
      dims.bind(what, f.shape, t.shape);
      if (t.data.length !== size(t.shape)) {
        throw new Error(
          `${what}: data has ${t.data.length} values, shape [${t.shape}] needs ${size(t.shape)}`,
        );
      }
    }
    for (const f of given)
      dims.checkProducts(`${this.backend}: ${f.kind} '${f.name}'`, f.shape, feeds[f.name].shape);
    return dims;
  }

  /**
   * Interprets the plan inside `tf.tidy`; returns the output tensors by node id (kept out of
   * the tidy; the caller disposes them). Owned tensors are never returned: they are cloned.
   */
  private execute(
    feeds: Readonly<Record<string, HostTensor>>,
    env: RunEnv,
  ): Map<NodeId, tf.Tensor> {
    const { plan, owned } = this;
    const outIds = [...new Set(plan.outputs.map((o) => o.id))];
    const tensors = tf.tidy(() => {
      const values = new Array<tf.Tensor | undefined>(plan.graph.nodes.length);
      for (const [id, t] of owned) values[id] = t;
      for (const f of plan.feeds) {
        if (!f.required) continue;
        const t = feeds[f.name];
        values[f.id] = tf.tensor(toTfValues(t.data, f.dtype), [...t.shape], tfDtype(f.dtype));
      }
      runSteps(plan.steps, values, env, `${this.backend}: `);
      return outIds.map((id) => (owned.has(id) ? tf.clone(values[id]!) : values[id]!));
    });
    return new Map(outIds.map((id, i) => [id, tensors[i]]));
  }
}
