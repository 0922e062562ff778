import type { NodeId } from '@mlff-distiller/graph';
import * as tf from '@tensorflow/tfjs-core';
import type { PlanStep } from './execution-plan.js';
import type { RunEnv } from './lowering-types.js';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Runs plan steps in order on `values` (indexed by node id; operands must be present),
 * storing each result and disposing every value right after its last use. Call inside
 * `tf.tidy`, which also disposes the kernels' temporaries and, on error, everything made.
 *
 * @throws the kernel's error prefixed with `prefix` and the step's `op #id`.
 */
export function runSteps(
  steps: readonly PlanStep[],
  values: (tf.Tensor | undefined)[],
  env: RunEnv,
  prefix: string,
): void {
  for (const step of steps) {
    const inputs = step.inputs.map((i: NodeId) => values[i]!);
    let out: tf.Tensor;
    try {
      out = step.kernel(inputs, env);
    } catch (e) {
      throw new Error(`${prefix}${step.label}: ${message(e)}`, { cause: e });
    }
    // A kernel that hands back an operand would make a release below dispose a live value.
    if (inputs.includes(out)) out = tf.clone(out);
    values[step.id] = out;
    for (const r of step.release) {
      values[r]!.dispose();
      values[r] = undefined;
    }
  }
}
