import {
  OnnxBackend,
  type OnnxRuntimeOptions,
  type OnnxSession,
} from '@mlff-distiller/backend-onnx';
import { type HostTensor, simplify } from '@mlff-distiller/graph';
import { type PainnConfig, painnForceGraph, prepareBatch } from '@mlff-distiller/models';
import type { Prediction } from './force-field-metrics.js';
import type { LabelledStructure } from './labelled-structure.js';

/**
 * Energies and forces of a student whose weights change (during training): the force graph
 * is compiled once on ONNX Runtime with parameters as inputs, so new weights never
 * recompile it.
 */
export class StudentPredictor {
  private constructor(
    private readonly session: OnnxSession,
    private readonly config: PainnConfig,
    private readonly shapes: Record<string, number[]>,
  ) {}

  static async create(
    config: PainnConfig,
    runtime: OnnxRuntimeOptions = {},
  ): Promise<StudentPredictor> {
    const graph = simplify(painnForceGraph(config).graph);
    const session = await new OnnxBackend(runtime).compile(graph, {
      parameterMode: 'input',
      outputs: ['energy', 'forces'],
    });
    const shapes: Record<string, number[]> = {};
    for (const n of graph.nodes) {
      if (n.op === 'param') shapes[n.attrs.name as string] = n.shape as number[];
    }
    return new StudentPredictor(session, config, shapes);
  }

  /** Predictions for `data` with weights `parameters` (every graph parameter), in batches. */
  async predict(
    data: readonly LabelledStructure[],
    parameters: Readonly<Record<string, Float32Array>>,
    options: { batchSize?: number; capacity?: number } = {},
  ): Promise<Prediction[]> {
    const out: Prediction[] = [];
    const batchSize = options.batchSize ?? 32;
    for (let start = 0; start < data.length; start += batchSize) {
      const batch = data.slice(start, start + batchSize);
      const feeds: Record<string, HostTensor> = prepareBatch(
        batch.map((s) => s.atoms),
        { ...this.config, capacity: options.capacity },
      );
      for (const [name, shape] of Object.entries(this.shapes)) {
        feeds[name] = { shape, data: parameters[name]! };
      }
      const result = await this.session.run(feeds);
      const energy = result.energy!.data;
      const forces = result.forces!.data;
      let atom = 0;
      batch.forEach((s, k) => {
        const n = s.atoms.length;
        out.push({
          energy: energy[k]!,
          forces: Float64Array.from(forces.subarray(3 * atom, 3 * (atom + n))),
        });
        atom += n;
      });
    }
    return out;
  }

  async dispose(): Promise<void> {
    await this.session.dispose();
  }
}
