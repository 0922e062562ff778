import { join } from 'node:path';
import { writeFileAtomic } from '@mlff-distiller/core';
import { lineChart, parityChart, writeSvg } from '@mlff-distiller/plots';
import type { ForceFieldMetrics, Prediction } from './force-field-metrics.js';
import type { LabelledStructure } from './labelled-structure.js';
import type { EpochRecord } from './training-state.js';

/**
 * Writes `metrics.json` (history and validation metrics) and three plots to `dir`:
 * `learning-curve.svg` (training loss and validation force MAE per epoch),
 * `parity-forces.svg` and `parity-energy.svg` (validation set, best weights).
 */
export async function writeTrainingReport(
  dir: string,
  history: readonly EpochRecord[],
  validation: readonly LabelledStructure[],
  predictions: readonly Prediction[],
  metrics: ForceFieldMetrics,
): Promise<void> {
  await writeFileAtomic(
    join(dir, 'metrics.json'),
    `${JSON.stringify({ history, validation: metrics }, null, 2)}\n`,
  );
  const epochs = history.map((h) => h.epoch);
  await writeSvg(
    join(dir, 'learning-curve.svg'),
    lineChart({
      title: 'Learning curve',
      subtitle: `best validation force MAE ${(1000 * metrics.forces.mae).toFixed(2)} meV/Å`,
      xLabel: 'epoch',
      yLabel: 'loss (eV²) / force MAE (eV/Å)',
      logY: true,
      series: [
        { name: 'training loss', x: epochs, y: history.map((h) => h.trainLoss) },
        { name: 'validation force MAE', x: epochs, y: history.map((h) => h.validationForceMae) },
      ],
    }),
  );
  const reference: number[] = [];
  const predicted: number[] = [];
  validation.forEach((s, k) => {
    reference.push(...s.forces);
    predicted.push(...Array.from(predictions[k]!.forces));
  });
  await writeSvg(
    join(dir, 'parity-forces.svg'),
    parityChart({
      title: 'Forces, validation set',
      subtitle: `MAE ${(1000 * metrics.forces.mae).toFixed(2)} meV/Å, RMSE ${(1000 * metrics.forces.rmse).toFixed(2)} meV/Å`,
      quantity: 'force component (eV/Å)',
      reference,
      predicted,
    }),
  );
  await writeSvg(
    join(dir, 'parity-energy.svg'),
    parityChart({
      title: 'Energy per atom, validation set',
      subtitle: `MAE ${(1000 * metrics.energyPerAtom.mae).toFixed(2)} meV/atom`,
      quantity: 'energy per atom (eV)',
      reference: validation.map((s) => s.energy / s.atoms.length),
      predicted: predictions.map((p, k) => p.energy / validation[k]!.atoms.length),
    }),
  );
}
