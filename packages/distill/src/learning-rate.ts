/** How the learning rate evolves after warm-up. */
export type DecayKind = 'cosine' | 'plateau' | 'constant';

/** Options of {@link warmupLearningRate}. */
export interface LearningRateOptions {
  /** Peak learning rate (after warm-up). */
  lr: number;
  /** Linear warm-up from lr/warmupSteps to lr over this many steps (0: none). */
  warmupSteps: number;
  /** Steps of the whole run (the cosine reaches `minLr` there). */
  totalSteps: number;
  decay: DecayKind;
  /** Floor of the cosine decay (default lr/100). */
  minLr?: number;
}

/**
 * Learning rate at optimisation step `step` (0-based): linear warm-up, then cosine decay
 * to `minLr` over the remaining steps, or constant (the plateau decay multiplies this by
 * its own factor, see {@link PlateauDecay}).
 */
export function warmupLearningRate(step: number, o: LearningRateOptions): number {
  if (o.warmupSteps > 0 && step < o.warmupSteps) return (o.lr * (step + 1)) / o.warmupSteps;
  if (o.decay !== 'cosine') return o.lr;
  const minLr = o.minLr ?? o.lr / 100;
  const span = Math.max(1, o.totalSteps - o.warmupSteps);
  const t = Math.min(1, (step - o.warmupSteps) / span);
  return minLr + 0.5 * (o.lr - minLr) * (1 + Math.cos(Math.PI * t));
}

/** State of a {@link PlateauDecay}, for resuming. */
export interface PlateauState {
  factor: number;
  best: number;
  badEpochs: number;
}

/**
 * Reduce-on-plateau: multiplies the learning rate by `factor` when the validation metric
 * has not improved by a relative `threshold` for `patience` epochs (as PyTorch's
 * ReduceLROnPlateau in `rel` mode), never below `minFactor`.
 */
export class PlateauDecay {
  state: PlateauState = { factor: 1, best: Number.POSITIVE_INFINITY, badEpochs: 0 };

  constructor(
    readonly options: {
      factor?: number;
      patience?: number;
      threshold?: number;
      minFactor?: number;
    } = {},
  ) {}

  /** Records an epoch's validation metric; returns the current multiplier. */
  observe(metric: number): number {
    const { factor = 0.5, patience = 3, threshold = 1e-3, minFactor = 1e-3 } = this.options;
    if (metric < this.state.best * (1 - threshold)) {
      this.state.best = metric;
      this.state.badEpochs = 0;
    } else if (++this.state.badEpochs > patience) {
      this.state.factor = Math.max(minFactor, this.state.factor * factor);
      this.state.badEpochs = 0;
    }
    return this.state.factor;
  }
}
