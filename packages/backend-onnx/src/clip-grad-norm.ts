/** Euclidean norm of all gradient entries together, accumulated in float64. */
export function globalNorm(gradients: readonly Float32Array[]): number {
  let sum = 0;
  for (const g of gradients) {
    for (let i = 0; i < g.length; i++) sum += g[i] * g[i];
  }
  return Math.sqrt(sum);
}

/**
 * Global-norm gradient clipping (as `torch.nn.utils.clip_grad_norm_`, without its 1e-6
 * fudge): when the global norm exceeds `maxNorm`, every gradient is scaled in place by
 * `maxNorm / norm`, so the clipped norm is `maxNorm`. Returns the norm before clipping. A
 * non-finite norm leaves the gradients untouched.
 */
export function clipGradNorm(gradients: readonly Float32Array[], maxNorm: number): number {
  if (!(maxNorm > 0)) throw new RangeError(`clipGradNorm: maxNorm must be > 0, got ${maxNorm}`);
  const norm = globalNorm(gradients);
  if (norm > maxNorm && Number.isFinite(norm)) {
    const scale = maxNorm / norm;
    for (const g of gradients) {
      for (let i = 0; i < g.length; i++) g[i] *= scale;
    }
  }
  return norm;
}
