/** A point in time after which waiting is over. */
export interface Deadline {
  /** Milliseconds left (≤ 0 once expired; Infinity for no deadline). */
  remaining(): number;
  /** The whole time allowed, in ms, for messages ("no answer within 60 s"). */
  readonly totalMs: number;
}

/** A deadline `ms` milliseconds from now (Infinity: never). */
export function deadlineIn(ms: number): Deadline {
  if (!Number.isFinite(ms)) return { remaining: () => Number.POSITIVE_INFINITY, totalMs: ms };
  const end = performance.now() + ms;
  return { remaining: () => end - performance.now(), totalMs: ms };
}
