import * as tf from '@tensorflow/tfjs-core';
import type { TfjsBackendAttempt } from './backend-attempt.js';
import {
  isTfjsBackendName,
  TFJS_BACKEND_ORDER,
  TFJS_BACKENDS,
  type TfjsBackendName,
  type TfjsBackendRequest,
} from './backend-names.js';
import { TfjsBackendUnavailableError } from './backend-unavailable-error.js';
import {
  backendsLoading,
  defaultTfjsBackendLoader,
  isBackendInitialized,
  type LoadTfjsBackendOptions,
  type TfjsBackendLoader,
} from './load-backend.js';

/** Options of {@link selectTfjsBackend}. */
export interface SelectTfjsBackendOptions extends LoadTfjsBackendOptions {
  /** A backend by name, or `'auto'` (default): the first of {@link TFJS_BACKEND_ORDER} that loads. */
  backend?: TfjsBackendRequest;
}

/** The backend chosen, and why the ones before it were not. */
export interface TfjsBackendSelection {
  /** This package's name of the chosen backend. */
  readonly name: TfjsBackendName;
  /** The package providing it. */
  readonly packageName: string;
  /** Its name in tfjs-core's engine (`tf.getBackend()` while it runs). */
  readonly tfjsName: string;
  /** What was asked for. */
  readonly requested: TfjsBackendRequest;
  /** Every backend tried, in order; the last one is the chosen one. */
  readonly attempts: readonly TfjsBackendAttempt[];
}

/**
 * Loads a tfjs backend and makes it tfjs-core's active backend. With `'auto'` (default) it
 * tries `tensorflow-gpu`, `tensorflow`, `wasm`, `cpu` in that order and takes the first that
 * loads; with a name it loads only that one. Loading happens once per process and backend
 * (failures are remembered too; `loader` holds that memory); selecting again only re-activates.
 *
 * @throws {TfjsBackendUnavailableError} when the requested backend (or, for `'auto'`, every
 *   backend) cannot be loaded; the message names the backend, its package and the reason,
 *   e.g. "tfjs backend 'tensorflow' (@tensorflow/tfjs-node) is not installed: npm i …".
 * @throws {TypeError} for an unknown backend name.
 */
export async function selectTfjsBackend(
  options: SelectTfjsBackendOptions = {},
  loader: TfjsBackendLoader = defaultTfjsBackendLoader,
): Promise<TfjsBackendSelection> {
  const requested = options.backend ?? 'auto';
  if (requested !== 'auto' && !isTfjsBackendName(requested)) {
    throw new TypeError(
      `unknown tfjs backend '${requested}': expected 'auto' or one of ${TFJS_BACKEND_ORDER.map((n) => `'${n}'`).join(', ')}`,
    );
  }
  const order = requested === 'auto' ? TFJS_BACKEND_ORDER : [requested];
  const attempts: TfjsBackendAttempt[] = [];
  for (const name of order) {
    const attempt = await loader.load(name, options);
    attempts.push(attempt);
    if (attempt.outcome === 'loaded') {
      const { packageName, tfjsName } = TFJS_BACKENDS[name];
      await activateTfjsBackend(tfjsName);
      return { name, packageName, tfjsName, requested, attempts };
    }
  }
  throw new TfjsBackendUnavailableError(requested, attempts);
}

/**
 * Makes an already loaded backend tfjs-core's active one (a no-op when it is). tfjs has one
 * active backend per process.
 */
export async function activateTfjsBackend(tfjsName: string): Promise<void> {
  await settleBackendLoads();
  if (tf.getBackend() === tfjsName) return;
  if (!(await tf.setBackend(tfjsName))) {
    throw new Error(`tfjs backend '${tfjsName}' could not be re-activated`);
  }
}

/**
 * Waits until no backend is being loaded (tfjs-core's engine refuses ops during an
 * asynchronous backend initialisation); resolves at once when none is. Call right before
 * {@link useTfjsBackendNow}, with no other await in between.
 */
export async function settleBackendLoads(): Promise<void> {
  for (let p = backendsLoading(); p !== undefined; p = backendsLoading()) await p;
}

/**
 * Makes an initialised backend the active one synchronously, so that ops issued right after
 * run on it even when sessions on different backends interleave their runs (an awaited switch
 * could be undone by another session before the ops are issued). tfjs switches synchronously
 * to a backend it has already initialised.
 *
 * @throws when `tfjsName` has not been initialised (or was removed from tfjs).
 */
export function useTfjsBackendNow(tfjsName: string): void {
  if (tf.getBackend() === tfjsName) return;
  if (!isBackendInitialized(tfjsName)) {
    throw new Error(`tfjs backend '${tfjsName}' is not initialised (was it removed from tfjs?)`);
  }
  tf.setBackend(tfjsName).catch(() => {});
  if (tf.getBackend() !== tfjsName) {
    throw new Error(`tfjs backend '${tfjsName}' could not be re-activated`);
  }
}
