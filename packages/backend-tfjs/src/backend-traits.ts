import type { TfjsBackendName } from './backend-names.js';

/**
 * How lowering adapts to a tfjs backend: measured performance gaps and correctness gaps of
 * its kernels (tfjs 4.22, Node 20; figures for a [192, 58, 128] float32 result, 2-core machine).
 */
export interface BackendTraits {
  /**
   * Gathers (`gather`, `neighborGather`, `neighborSum`) run in JavaScript on the tensors' host
   * data instead of the backend's GatherV2: for backends whose tensors live in host memory.
   * Row copies with `TypedArray.set` take ~6 ms on wasm and ~2 ms on cpu, where GatherV2 takes
   * ~43 ms (wasm) and ~64 ms (cpu).
   */
  readonly hostGather: boolean;
  /**
   * `broadcastTo` as `x + zeros(s)` with `s` 1 where x has its size (an Add broadcasting both
   * operands) instead of Tile: wasm ~1 ms vs ~62 ms. On cpu Add is the slower one (~99 vs ~42).
   */
  readonly broadcastByAdd: boolean;
  /**
   * Check scatter indices on the host before ScatterNd: the wasm kernel does not, and writes
   * outside its output buffer (corrupting the wasm heap) for an out-of-range index.
   */
  readonly checkScatterIndices: boolean;
}

/** The traits of a backend (tfjs-node's libtensorflow kernels need none of the workarounds). */
export function backendTraits(name: TfjsBackendName): BackendTraits {
  return {
    hostGather: name === 'wasm' || name === 'cpu',
    broadcastByAdd: name === 'wasm',
    checkScatterIndices: name === 'wasm',
  };
}
