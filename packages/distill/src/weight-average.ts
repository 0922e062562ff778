/**
 * Exponential moving average of weights (Polyak averaging): after each step
 * avg ← decay·avg + (1 − decay)·w, with decay warmed up as min(decay, (1+n)/(10+n)) so early
 * averages are not dominated by the random initial weights. The average is what validation
 * and the saved checkpoints use.
 */
export class WeightAverage {
  readonly values: Record<string, Float32Array>;
  updates = 0;

  constructor(
    weights: Readonly<Record<string, Float32Array>>,
    readonly decay: number,
  ) {
    this.values = Object.fromEntries(
      Object.entries(weights).map(([k, v]) => [k, Float32Array.from(v)]),
    );
  }

  /** Folds the current weights into the average. */
  update(weights: Readonly<Record<string, Float32Array>>): void {
    const d = Math.min(this.decay, (1 + this.updates) / (10 + this.updates));
    this.updates++;
    for (const [name, avg] of Object.entries(this.values)) {
      const w = weights[name]!;
      for (let i = 0; i < avg.length; i++) avg[i] = d * avg[i]! + (1 - d) * w[i]!;
    }
  }
}
