import type { Calculator } from '@mlff-distiller/core';

/** Memory of the process at one step of a benchmark; every figure in bytes. */
export interface MemorySample {
  /** MD step (counted from the start of the timed steps) after which the sample was taken. */
  step: number;
  /** Resident set size in bytes (everything the process holds: V8, native backends, code). */
  rss: number;
  /** V8 heap in use, bytes. */
  heapUsed: number;
  /** V8 heap reserved, bytes. */
  heapTotal: number;
  /** Memory of C++ objects bound to JS objects, bytes; includes `arrayBuffers`. */
  external: number;
  /** Backing stores of ArrayBuffers and SharedArrayBuffers (typed arrays' data), bytes. */
  arrayBuffers: number;
  /** The calculator's own arena in bytes, when its `parameters` report one; null otherwise. */
  arena: number | null;
}

/** Names of `parameters` entries read as a backend arena size in bytes, first match wins. */
export const ARENA_PARAMETER_NAMES = ['arenaBytes', 'arena_bytes', 'memoryArenaBytes'] as const;

/** The backend arena in bytes a calculator reports in its `parameters`, or null. */
export function calculatorArenaBytes(calculator: Calculator): number | null {
  for (const key of ARENA_PARAMETER_NAMES) {
    const v = calculator.parameters[key];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return null;
}

/** Reads `process.memoryUsage()` and the calculator's arena, labelled with `step`. */
export function sampleMemory(step: number, calculator?: Calculator): MemorySample {
  const m = process.memoryUsage();
  return {
    step,
    rss: m.rss,
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
    arena: calculator ? calculatorArenaBytes(calculator) : null,
  };
}

/**
 * The memory a JS-side leak grows, in bytes: V8 heap in use plus external memory (typed
 * arrays keep their data outside the V8 heap, in `external`/`arrayBuffers`, so heapUsed
 * alone would miss a leak of Float64Arrays).
 */
export function jsLiveBytes(sample: MemorySample): number {
  return sample.heapUsed + sample.external;
}
