import { TFJS_BACKENDS, type TfjsBackendName } from './backend-names.js';

/**
 * How loading one backend ended: `'loaded'`; `'not-installed'` (its package cannot be
 * resolved); `'failed'` (installed, but importing or initialising it threw, or it does not
 * share this package's tfjs-core).
 */
export type TfjsBackendOutcome = 'loaded' | 'not-installed' | 'failed';

/** One attempt to load a backend, kept for diagnostics. */
export interface TfjsBackendAttempt {
  readonly name: TfjsBackendName;
  readonly packageName: string;
  readonly outcome: TfjsBackendOutcome;
  /** Why it did not load (absent when loaded). */
  readonly reason?: string;
}

/**
 * One line describing an attempt, e.g. `tfjs backend 'tensorflow' (@tensorflow/tfjs-node)
 * is not installed: npm i @tensorflow/tfjs-node@4.22.0 (…)`.
 */
export function describeAttempt(attempt: TfjsBackendAttempt): string {
  const head = `tfjs backend '${attempt.name}' (${attempt.packageName})`;
  switch (attempt.outcome) {
    case 'loaded':
      return `${head} loaded`;
    case 'not-installed':
      return `${head} is not installed: ${TFJS_BACKENDS[attempt.name].installHint}`;
    case 'failed':
      return `${head} failed to load: ${attempt.reason ?? 'unknown reason'}`;
  }
}
