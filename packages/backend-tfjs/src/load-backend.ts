import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import type { TfjsBackendAttempt } from './backend-attempt.js';
import { TFJS_BACKENDS, type TfjsBackendName } from './backend-names.js';
import { defaultWasmDirectory, missingWasmBinaries } from './wasm-paths.js';

/** Options of {@link TfjsBackendLoader.load}. */
export interface LoadTfjsBackendOptions {
  /**
   * Prefix (directory with a trailing separator, or URL) of the wasm binaries; default: the
   * `dist` directory of `@tensorflow/tfjs-backend-wasm`. Only the first wasm load uses it.
   */
  wasmPaths?: string;
}

/** How a loader finds and imports the optional tfjs-node packages (replaceable in tests). */
export interface OptionalPackageIo {
  /** True when `packageName` can be resolved from this package. */
  isInstalled(packageName: string): boolean;
  /** Imports it (its module namespace). */
  importPackage(packageName: string): Promise<Record<string, unknown>>;
  /** Paths of the CommonJS modules loaded so far (to see which tfjs-node an app loaded itself). */
  loadedModules(): readonly string[];
}

/** The real {@link OptionalPackageIo}: Node's resolution from this module. */
export const nodePackageIo: OptionalPackageIo = {
  isInstalled(packageName) {
    try {
      createRequire(import.meta.url).resolve(packageName);
      return true;
    } catch {
      return false;
    }
  },
  async importPackage(packageName) {
    // A non-literal specifier: bundlers and tsc leave the optional peer alone.
    return (await import(/* @vite-ignore */ packageName)) as Record<string, unknown>;
  },
  loadedModules() {
    return Object.keys(createRequire(import.meta.url).cache);
  },
};

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Loads in progress, in any loader. While tfjs-core initialises a backend asynchronously its
 * (process-wide) engine refuses ops, and switching backends meanwhile corrupts its state; so
 * runs and compiles wait for these (see {@link backendsLoading}).
 */
const inFlight = new Set<Promise<unknown>>();

/**
 * True when tfjs-core's engine has initialised backend `tfjsName`. (`tf.findBackend` is no
 * test: it starts initialising a registered backend that is not, which would, e.g., run the
 * wasm backend's init before `setWasmPaths`, or make a pending `tf.setBackend` fail.)
 */
export function isBackendInitialized(tfjsName: string): boolean {
  return Object.hasOwn(tf.engine().registry, tfjsName);
}

/**
 * A promise settling when the backend loads in progress do, or `undefined` when none is (so
 * callers can skip the await and stay synchronous).
 */
export function backendsLoading(): Promise<void> | undefined {
  if (inFlight.size === 0) return undefined;
  return Promise.allSettled([...inFlight]).then(() => {});
}

/**
 * Imports and initialises tfjs backends, once per backend: every caller of
 * {@link TfjsBackendLoader.load} shares the first load and its outcome, failures included (a
 * package that is not installed stays so for the life of the process).
 */
export class TfjsBackendLoader {
  private readonly io: OptionalPackageIo;
  private readonly loads = new Map<TfjsBackendName, Promise<TfjsBackendAttempt>>();
  /** Which tfjs-node package registered tfjs's single `'tensorflow'` backend, if any. */
  private tensorflowProvider: TfjsBackendName | undefined;

  constructor(io: OptionalPackageIo = nodePackageIo) {
    this.io = io;
  }

  /**
   * Loads one backend and leaves it active in tfjs-core's engine. Never throws: the outcome
   * says what happened. When it fails, the backend active before is restored.
   *
   * tfjs-node / tfjs-node-gpu must register with the tfjs-core this package uses (one engine)
   * and be built on the same tfjs-core version; otherwise the attempt fails and says so.
   */
  load(name: TfjsBackendName, options: LoadTfjsBackendOptions = {}): Promise<TfjsBackendAttempt> {
    let load = this.loads.get(name);
    if (load === undefined) {
      const started = this.attempt(name, options);
      inFlight.add(started);
      load = started.finally(() => inFlight.delete(started));
      this.loads.set(name, load);
    }
    return load;
  }

  private async attempt(
    name: TfjsBackendName,
    options: LoadTfjsBackendOptions,
  ): Promise<TfjsBackendAttempt> {
    const { packageName, tfjsName } = TFJS_BACKENDS[name];
    const previous = tf.getBackend();
    const result = (outcome: TfjsBackendAttempt['outcome'], reason?: string): TfjsBackendAttempt =>
      reason === undefined
        ? { name, packageName, outcome }
        : { name, packageName, outcome, reason };
    const fail = async (reason: string): Promise<TfjsBackendAttempt> => {
      if (previous && previous !== tf.getBackend() && isBackendInitialized(previous)) {
        await tf.setBackend(previous);
      }
      return result('failed', reason);
    };
    try {
      if (name === 'tensorflow' || name === 'tensorflow-gpu') {
        const failure = await this.loadTfjsNode(name);
        if (failure !== undefined) {
          return failure.outcome === 'not-installed'
            ? result('not-installed', failure.reason)
            : fail(failure.reason);
        }
      } else if (name === 'wasm') {
        const wasm = await import('@tensorflow/tfjs-backend-wasm');
        if (!isBackendInitialized(tfjsName)) {
          const prefix = options.wasmPaths ?? defaultWasmDirectory();
          const missing = missingWasmBinaries(prefix);
          if (missing !== undefined) return fail(`wasm binaries: ${missing}`);
          wasm.setWasmPaths(prefix);
        }
      } else {
        await import('@tensorflow/tfjs-backend-cpu');
      }
      if (!(await tf.setBackend(tfjsName))) {
        return fail(`tf.setBackend('${tfjsName}') failed (tfjs printed the cause above)`);
      }
      return result('loaded');
    } catch (e) {
      return fail(message(e));
    }
  }

  /** Imports a tfjs-node package and checks it; the failure, or undefined when it is usable. */
  private async loadTfjsNode(
    name: 'tensorflow' | 'tensorflow-gpu',
  ): Promise<{ outcome: 'not-installed' | 'failed'; reason: string } | undefined> {
    const { packageName, tfjsName } = TFJS_BACKENDS[name];
    this.tensorflowProvider ??= this.preRegisteredProvider(tfjsName);
    if (this.tensorflowProvider !== undefined && this.tensorflowProvider !== name) {
      return {
        outcome: 'failed',
        reason:
          `tfjs's 'tensorflow' backend is already provided by ` +
          `${TFJS_BACKENDS[this.tensorflowProvider].packageName} in this process (only one of ` +
          '@tensorflow/tfjs-node and @tensorflow/tfjs-node-gpu can be loaded)',
      };
    }
    if (!this.io.isInstalled(packageName)) {
      return { outcome: 'not-installed', reason: `cannot resolve ${packageName}` };
    }
    let mod: Record<string, unknown>;
    try {
      mod = await this.io.importPackage(packageName);
    } catch (e) {
      return { outcome: 'failed', reason: message(e) };
    }
    // Whatever the checks below decide, this package now owns tfjs's 'tensorflow' name.
    this.tensorflowProvider = name;
    if (!tf.findBackendFactory(tfjsName)) {
      return {
        outcome: 'failed',
        reason:
          `it did not register '${tfjsName}' with the @tensorflow/tfjs-core this package uses ` +
          `(${tf.version_core}): install versions that share one tfjs-core`,
      };
    }
    const coreVersion = tfjsCoreVersionOf(mod);
    if (coreVersion !== undefined && coreVersion !== tf.version_core) {
      return {
        outcome: 'failed',
        reason:
          `it is built on @tensorflow/tfjs-core ${coreVersion}, this package on ` +
          `${tf.version_core}: install ${packageName}@${tf.version_core} so one tfjs-core is used`,
      };
    }
    return undefined;
  }

  /**
   * Which tfjs-node package the application itself loaded, when tfjs's `'tensorflow'` backend
   * is registered before this loader loads one (found in the CommonJS module cache).
   */
  private preRegisteredProvider(tfjsName: string): TfjsBackendName | undefined {
    if (!tf.findBackendFactory(tfjsName)) return undefined;
    const loaded = this.io.loadedModules().map((k) => k.replaceAll('\\', '/'));
    const has = (pkg: string) => loaded.some((k) => k.includes(`/${pkg}/`));
    if (has(TFJS_BACKENDS['tensorflow-gpu'].packageName)) return 'tensorflow-gpu';
    if (has(TFJS_BACKENDS.tensorflow.packageName)) return 'tensorflow';
    return undefined;
  }
}

/** The tfjs-core version a tfjs-node module reports (`version['tfjs-core']`), if any. */
function tfjsCoreVersionOf(mod: Record<string, unknown>): string | undefined {
  const fromDefault = (mod.default as Record<string, unknown> | undefined)?.version;
  const version = (mod.version ?? fromDefault) as Record<string, unknown> | undefined;
  const v = version?.['tfjs-core'];
  return typeof v === 'string' ? v : undefined;
}

/** The process-wide loader {@link selectTfjsBackend} uses by default. */
export const defaultTfjsBackendLoader = new TfjsBackendLoader();
