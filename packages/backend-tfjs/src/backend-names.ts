/**
 * The tfjs backends this package can run on, in the order automatic selection tries them:
 *
 * - `'tensorflow-gpu'`: `@tensorflow/tfjs-node-gpu` (libtensorflow with CUDA; optional peer);
 * - `'tensorflow'`: `@tensorflow/tfjs-node` (libtensorflow on the CPU; optional peer);
 * - `'wasm'`: `@tensorflow/tfjs-backend-wasm` (XNNPACK compiled to WebAssembly, SIMD);
 * - `'cpu'`: `@tensorflow/tfjs-backend-cpu` (plain JavaScript; always available).
 *
 * Both tfjs-node packages register themselves in tfjs under the same name, `'tensorflow'`;
 * this package tells them apart by the package that was loaded.
 */
export type TfjsBackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

/** A backend name, or `'auto'`: the first of {@link TFJS_BACKEND_ORDER} that loads. */
export type TfjsBackendRequest = TfjsBackendName | 'auto';

/** Automatic selection order: fastest first. */
export const TFJS_BACKEND_ORDER: readonly TfjsBackendName[] = [
  'tensorflow-gpu',
  'tensorflow',
  'wasm',
  'cpu',
];

/** What is needed to load one backend. */
export interface TfjsBackendCandidate {
  /** This package's name for the backend. */
  readonly name: TfjsBackendName;
  /** The npm package that provides it. */
  readonly packageName: string;
  /** The name the package registers in tfjs-core's engine (`tf.setBackend(tfjsName)`). */
  readonly tfjsName: string;
  /** How a user gets it, shown when it is not installed. */
  readonly installHint: string;
}

/** The candidates by name. */
export const TFJS_BACKENDS: Readonly<Record<TfjsBackendName, TfjsBackendCandidate>> = {
  'tensorflow-gpu': {
    name: 'tensorflow-gpu',
    packageName: '@tensorflow/tfjs-node-gpu',
    tfjsName: 'tensorflow',
    installHint:
      'npm i @tensorflow/tfjs-node-gpu@4.22.0 (Linux x64 with an NVIDIA GPU and the CUDA/cuDNN ' +
      'libraries libtensorflow was built for; its install script downloads libtensorflow)',
  },
  tensorflow: {
    name: 'tensorflow',
    packageName: '@tensorflow/tfjs-node',
    tfjsName: 'tensorflow',
    installHint: 'npm i @tensorflow/tfjs-node@4.22.0 (its install script downloads libtensorflow)',
  },
  wasm: {
    name: 'wasm',
    packageName: '@tensorflow/tfjs-backend-wasm',
    tfjsName: 'wasm',
    installHint: 'npm i @tensorflow/tfjs-backend-wasm@4.22.0 (a dependency of this package)',
  },
  cpu: {
    name: 'cpu',
    packageName: '@tensorflow/tfjs-backend-cpu',
    tfjsName: 'cpu',
    installHint: 'npm i @tensorflow/tfjs-backend-cpu@4.22.0 (a dependency of this package)',
  },
};

/** True when `name` is one of {@link TFJS_BACKEND_ORDER}. */
export function isTfjsBackendName(name: string): name is TfjsBackendName {
  return (TFJS_BACKEND_ORDER as readonly string[]).includes(name);
}
