import { Random } from '@mlff-distiller/core';
import type { Graph } from '@mlff-distiller/graph';

/**
 * Initial values for every `param` node of a model graph, reproducible from `seed`:
 * weight matrices Glorot-uniform (±√(6/(fan_in + fan_out))), biases zero, the embedding
 * uniform in ±√3 (unit variance), `energy_scale` 1 and `reference_energies` 0 (the
 * normalisation is fitted later). Returns Float32Array or Float64Array per the node dtype.
 */
export function initPainnParameters(
  graph: Graph,
  seed: number,
): Record<string, Float32Array | Float64Array> {
  const random = new Random(seed);
  const out: Record<string, Float32Array | Float64Array> = {};
  for (const node of graph.nodes) {
    if (node.op !== 'param') continue;
    const name = node.attrs.name as string;
    const shape = node.shape as number[];
    const size = shape.reduce((p, d) => p * d, 1);
    const values = node.dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
    let bound = 0;
    if (name === 'energy_scale') values.fill(1);
    else if (name === 'embedding') bound = Math.sqrt(3);
    else if (shape.length === 2) bound = Math.sqrt(6 / (shape[0]! + shape[1]!));
    for (let i = 0; i < size && bound > 0; i++) values[i] = bound * (2 * random.uniform() - 1);
    out[name] = values;
  }
  return out;
}
