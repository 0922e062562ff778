/** Hyper-parameters of {@link AdamW} (defaults as in PyTorch's `torch.optim.AdamW`). */
export interface AdamWOptions {
  /** Learning rate (default 1e-3). Can be changed between steps (`AdamW.learningRate`). */
  lr?: number;
  /** Decay rate of the first-moment average (default 0.9). */
  beta1?: number;
  /** Decay rate of the second-moment average (default 0.999). */
  beta2?: number;
  /** Added to √v̂ in the denominator (default 1e-8). */
  eps?: number;
  /** Decoupled weight decay: p ← p − lr·weightDecay·p each step (default 1e-2). */
  weightDecay?: number;
}

/** Optimizer state as plain arrays, for checkpoints. */
export interface AdamWState {
  /** Number of steps taken (the bias-correction exponent). */
  step: number;
  /** First moments by parameter name. */
  m: Record<string, number[]>;
  /** Second moments by parameter name. */
  v: Record<string, number[]>;
}

/** Hyper-parameters of one {@link adamwUpdate} call. */
export interface AdamWStepParams {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** 1-based step number t (bias correction 1 − βᵗ). */
  step: number;
}

/**
 * One AdamW update of one parameter buffer, in place (Loshchilov & Hutter; PyTorch's
 * formulation):
 *
 *     p ← p − lr·λ·p
 *     m ← β₁m + (1−β₁)g,   v ← β₂v + (1−β₂)g²
 *     p ← p − (lr / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε)
 *
 * Arithmetic in float64, stored as float32. `p`, `g`, `m`, `v` have the same length.
 */
export function adamwUpdate(
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  h: AdamWStepParams,
): void {
  const decay = 1 - h.lr * h.weightDecay;
  const c1 = 1 - h.beta1 ** h.step;
  const sqrtC2 = Math.sqrt(1 - h.beta2 ** h.step);
  const stepSize = h.lr / c1;
  const b1 = h.beta1;
  const b2 = h.beta2;
  for (let i = 0; i < p.length; i++) {
    const gi = g[i];
    const mi = b1 * m[i] + (1 - b1) * gi;
    const vi = b2 * v[i] + (1 - b2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] = p[i] * decay - (stepSize * mi) / (Math.sqrt(vi) / sqrtC2 + h.eps);
  }
}

/**
 * AdamW with decoupled weight decay and bias correction over a fixed set of named
 * Float32Array parameters, updated in place. Moment buffers are allocated once; a step
 * allocates nothing.
 */
export class AdamW {
  /** Learning rate used by the next step (set it for schedules). */
  learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  private readonly names: readonly string[];
  private readonly params: readonly Float32Array[];
  private readonly m: readonly Float32Array[];
  private readonly v: readonly Float32Array[];
  private t = 0;
  private readonly h: AdamWStepParams;

  /** `parameters`: the buffers to update (kept by reference). */
  constructor(parameters: Readonly<Record<string, Float32Array>>, options: AdamWOptions = {}) {
    this.learningRate = options.lr ?? 1e-3;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 1e-2;
    const bad = (what: string, v: number, ok: boolean) => {
      if (!ok || !Number.isFinite(v)) throw new RangeError(`AdamW: bad ${what} ${v}`);
    };
    bad('lr', this.learningRate, this.learningRate >= 0);
    bad('beta1', this.beta1, this.beta1 >= 0 && this.beta1 < 1);
    bad('beta2', this.beta2, this.beta2 >= 0 && this.beta2 < 1);
    bad('eps', this.eps, this.eps >= 0);
    bad('weightDecay', this.weightDecay, this.weightDecay >= 0);
    this.names = Object.keys(parameters);
    this.params = this.names.map((n) => parameters[n]);
    this.m = this.params.map((p) => new Float32Array(p.length));
    this.v = this.params.map((p) => new Float32Array(p.length));
    this.h = {
      lr: 0,
      beta1: this.beta1,
      beta2: this.beta2,
      eps: this.eps,
      weightDecay: 0,
      step: 0,
    };
  }

  /** Number of steps taken so far. */
  get stepCount(): number {
    return this.t;
  }

  /**
   * Applies one update with `gradients` (same names and lengths as the parameters; read,
   * not modified).
   */
  step(gradients: Readonly<Record<string, Float32Array>>): void {
    for (let i = 0; i < this.names.length; i++) {
      const g = gradients[this.names[i]];
      if (!g || g.length !== this.params[i].length) {
        throw new RangeError(`AdamW: gradient of '${this.names[i]}' is missing or mis-sized`);
      }
    }
    this.t++;
    const h = this.h;
    h.lr = this.learningRate;
    h.weightDecay = this.weightDecay;
    h.step = this.t;
    for (let i = 0; i < this.names.length; i++) {
      adamwUpdate(this.params[i], gradients[this.names[i]], this.m[i], this.v[i], h);
    }
  }

  /** A copy of the state (step count and moments) as plain arrays. */
  state(): AdamWState {
    const m: Record<string, number[]> = {};
    const v: Record<string, number[]> = {};
    this.names.forEach((n, i) => {
      m[n] = Array.from(this.m[i]);
      v[n] = Array.from(this.v[i]);
    });
    return { step: this.t, m, v };
  }

  /** Restores a state saved by {@link state} (same parameter names and sizes). */
  loadState(state: AdamWState): void {
    if (!Number.isInteger(state.step) || state.step < 0) {
      throw new RangeError(`AdamW: bad step count ${state.step}`);
    }
    this.names.forEach((n, i) => {
      const m = state.m[n];
      const v = state.v[n];
      const len = this.params[i].length;
      if (!m || !v || m.length !== len || v.length !== len) {
        throw new RangeError(`AdamW: state for '${n}' is missing or has the wrong size`);
      }
    });
    this.names.forEach((n, i) => {
      this.m[i].set(state.m[n]);
      this.v[i].set(state.v[n]);
    });
    this.t = state.step;
  }
}
