import { describeAttempt, type TfjsBackendAttempt } from './backend-attempt.js';
import type { TfjsBackendRequest } from './backend-names.js';

/**
 * Thrown when the requested tfjs backend cannot be loaded (or, for `'auto'`, none can). The
 * message names the backend, its package and why it failed, e.g. `tfjs backend 'tensorflow'
 * (@tensorflow/tfjs-node) is not installed: npm i @tensorflow/tfjs-node@4.22.0 (…)`;
 * {@link TfjsBackendUnavailableError.attempts} holds every attempt.
 */
export class TfjsBackendUnavailableError extends Error {
  override readonly name = 'TfjsBackendUnavailableError';
  /** What was asked for. */
  readonly requested: TfjsBackendRequest;
  /** Every backend tried, in order, with its outcome. */
  readonly attempts: readonly TfjsBackendAttempt[];

  constructor(requested: TfjsBackendRequest, attempts: readonly TfjsBackendAttempt[]) {
    const failed = attempts.filter((a) => a.outcome !== 'loaded');
    super(
      requested === 'auto'
        ? `no tfjs backend could be loaded:\n${failed.map((a) => `  - ${describeAttempt(a)}`).join('\n')}`
        : failed.map(describeAttempt).join('; '),
    );
    this.requested = requested;
    this.attempts = attempts;
  }
}
