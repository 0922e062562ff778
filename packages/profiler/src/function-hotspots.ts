import type { CpuProfile } from './cpu-profile.js';

/** Self time of one function in a CPU profile. */
export interface FunctionHotspot {
  /** Function name; `(anonymous)` for unnamed functions, V8's `(garbage collector)`, `(program)`, `(idle)` as such. */
  functionName: string;
  /** Script URL (file:// path for local modules; empty for V8 internals). */
  url: string;
  /** Line of the function's definition, 1-based (0 when unknown). */
  line: number;
  /** Column, 1-based (0 when unknown). */
  column: number;
  /** Sampled time with this function on top of the stack, ms. */
  selfMs: number;
  /** selfMs as a percentage of all sampled time. */
  percent: number;
  /** Samples with this function on top. */
  samples: number;
}

/**
 * Per-function self time of a V8 CPU profile, largest first. The time of sample i is the
 * gap to the next sample (`timeDeltas[i+1]`; for the last, to `endTime`), as DevTools counts
 * it. Functions defined at the same place (name, url, line, column) are merged across call
 * paths. Returns the functions and the total sampled time in ms.
 */
export function functionHotspots(profile: CpuProfile): {
  functions: FunctionHotspot[];
  sampledMs: number;
} {
  const nodeIndex = new Map<number, number>();
  for (const [i, n] of profile.nodes.entries()) nodeIndex.set(n.id, i);
  const selfUs = new Float64Array(profile.nodes.length);
  const hits = new Float64Array(profile.nodes.length);
  const { samples, timeDeltas } = profile;
  let t = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    t += timeDeltas[i] ?? 0;
    const next =
      i + 1 < samples.length ? (timeDeltas[i + 1] ?? 0) : Math.max(0, profile.endTime - t);
    const k = nodeIndex.get(samples[i]!);
    if (k === undefined) continue;
    selfUs[k]! += Math.max(0, next);
    hits[k]! += 1;
  }
  const merged = new Map<string, FunctionHotspot>();
  let totalUs = 0;
  profile.nodes.forEach((node, k) => {
    if (hits[k] === 0 && selfUs[k] === 0) return;
    const f = node.callFrame;
    const name = f.functionName || '(anonymous)';
    const key = `${name}\u0000${f.url}\u0000${f.lineNumber}\u0000${f.columnNumber}`;
    totalUs += selfUs[k]!;
    const entry = merged.get(key);
    if (entry) {
      entry.selfMs += selfUs[k]! / 1000;
      entry.samples += hits[k]!;
    } else {
      merged.set(key, {
        functionName: name,
        url: f.url,
        line: f.lineNumber >= 0 ? f.lineNumber + 1 : 0,
        column: f.columnNumber >= 0 ? f.columnNumber + 1 : 0,
        selfMs: selfUs[k]! / 1000,
        percent: 0,
        samples: hits[k]!,
      });
    }
  });
  const functions = [...merged.values()].sort((a, b) => b.selfMs - a.selfMs);
  const sampledMs = totalUs / 1000;
  for (const f of functions) f.percent = sampledMs > 0 ? (100 * f.selfMs) / sampledMs : 0;
  return { functions, sampledMs };
}
