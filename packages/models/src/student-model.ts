import { OnnxBackend } from '@mlff-distiller/backend-onnx';
import {
  cellVolume,
  type Model,
  type ModelOutput,
  type PropertyName,
  type StructureBatch,
} from '@mlff-distiller/core';
import { type GraphBackend, type GraphSession, simplify } from '@mlff-distiller/graph';
import { graphInputs } from './batch.js';
import { checkpointParameters, parameterCount } from './checkpoint-parameters.js';
import type { PainnConfig } from './painn-config.js';
import { painnForceGraph } from './painn-graphs.js';
import type { StudentCheckpoint } from './student-checkpoint.js';

/** Options of {@link StudentModel.fromCheckpoint}. */
export interface StudentModelOptions {
  /** The executor (default: ONNX Runtime on CPU, `new OnnxBackend()`); any `GraphBackend` works. */
  backend?: GraphBackend;
  /** Name in logs (default `painn-<features>x<interactions>`). */
  name?: string;
  /**
   * Arithmetic of the compiled graph (default float32, the fast path). float64 (ONNX
   * Runtime CPU supports it) is for validation: finite-difference checks, tight NVE.
   */
  dtype?: 'float32' | 'float64';
  /** Where the checkpoint came from (a file name), for error messages. */
  source?: string;
}

/**
 * A trained student as a core `Model`: one compiled force graph (energy, per-atom energies,
 * forces, virial) on any graph backend, reused for every batch. Pairs of the batch's
 * neighbour list beyond the cutoff (the Verlet skin) are left out when packing, and the
 * neighbour capacity only grows, so the backend sees stable shapes during MD.
 */
export class StudentModel implements Model {
  readonly specificationVersion = 'v1';
  readonly implementedProperties: readonly PropertyName[] = [
    'energy',
    'energies',
    'forces',
    'stress',
  ];
  readonly cutoff: number;
  readonly species: readonly number[];
  readonly parameters: Readonly<Record<string, unknown>>;
  private capacity = 1;

  constructor(
    private readonly session: GraphSession,
    readonly config: PainnConfig,
    readonly name: string,
    details: Record<string, unknown> = {},
    readonly dtype: 'float32' | 'float64' = 'float32',
  ) {
    this.cutoff = config.cutoff;
    this.species = [...config.species];
    this.parameters = { architecture: 'painn', backend: session.backend, dtype, ...details };
  }

  /** Builds the force graph of a checkpoint and compiles it (weights as constants). */
  static async fromCheckpoint(
    checkpoint: StudentCheckpoint,
    options: StudentModelOptions = {},
  ): Promise<StudentModel> {
    const { config } = checkpoint;
    const dtype = options.dtype ?? 'float32';
    const graph = simplify(painnForceGraph(config, dtype).graph);
    const values = checkpointParameters(checkpoint, graph, options.source);
    const parameters =
      dtype === 'float64'
        ? Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Float64Array.from(v)]))
        : values;
    const backend = options.backend ?? new OnnxBackend();
    const session = await backend.compile(graph, { parameters });
    return new StudentModel(
      session,
      config,
      options.name ?? `painn-${config.features}x${config.interactions}`,
      {
        features: config.features,
        interactions: config.interactions,
        radialBasis: config.radialBasis,
        weights: parameterCount(checkpoint),
      },
      dtype,
    );
  }

  async doPredict(
    batch: StructureBatch,
    properties: readonly PropertyName[],
  ): Promise<ModelOutput> {
    const feeds = graphInputs(batch, {
      species: this.species,
      cutoff: this.cutoff,
      capacity: this.capacity,
      dtype: this.dtype,
    });
    // Grow in steps of 4 slots so a fluctuating neighbour count does not change shapes.
    const used = feeds.neighbors!.shape[1]!;
    if (used > this.capacity) this.capacity = 4 * Math.ceil(used / 4);
    if (this.session.inputNames.includes('cell')) {
      const Float = this.dtype === 'float64' ? Float64Array : Float32Array;
      feeds.cell = { shape: [batch.nStructures, 3, 3], data: Float.from(batch.cells) };
    }
    const out = await this.session.run(feeds);
    const result: ModelOutput = { energy: Float64Array.from(out.energy!.data) };
    if (properties.includes('forces')) result.forces = Float64Array.from(out.forces!.data);
    if (properties.includes('energies')) result.energies = Float64Array.from(out.energies!.data);
    if (properties.includes('stress')) {
      const virial = out.virial!.data;
      const stress = new Float64Array(6 * batch.nStructures);
      for (let b = 0; b < batch.nStructures; b++) {
        const volume = Math.abs(cellVolume(batch.cells.subarray(9 * b, 9 * b + 9)));
        const w = (i: number, j: number) =>
          (0.5 * (virial[9 * b + 3 * i + j]! + virial[9 * b + 3 * j + i]!)) / volume;
        stress.set([w(0, 0), w(1, 1), w(2, 2), w(1, 2), w(0, 2), w(0, 1)], 6 * b);
      }
      result.stress = stress;
    }
    return result;
  }

  async dispose(): Promise<void> {
    await this.session.dispose();
  }
}
