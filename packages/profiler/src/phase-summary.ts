/** Figures of one phase (one span name) over a profiled run. Times in ms unless the name says µs. */
export interface PhaseStats {
  /** Phase name, e.g. `md.step`, `calculator.compute`. */
  name: string;
  /** The phase it was (most often) nested in; null for a top-level phase. */
  parent: string | null;
  /** Nesting depth of its first occurrence (0 for top-level phases). */
  depth: number;
  /** Number of spans (calls). */
  count: number;
  /** Wall time inside the phase, children included, ms. */
  totalMs: number;
  /** Wall time inside the phase minus the time of its child phases, ms. */
  selfMs: number;
  /** selfMs / loopMs of the summary: this phase's own share of the loop, in [0, 1]. */
  share: number;
  /** Mean span duration (children included), µs. */
  meanUs: number;
  /** Median span duration, µs. */
  medianUs: number;
  /** 95th percentile of span duration, µs. */
  p95Us: number;
  /** 99th percentile of span duration, µs. */
  p99Us: number;
  /** Shortest span, µs. */
  minUs: number;
  /** Longest span, µs. */
  maxUs: number;
  /** True when the percentiles come from every span; false when from the log histogram (spans were dropped). */
  exactPercentiles: boolean;
  /** Non-empty bins of the span-duration histogram (edges in µs). */
  histogram: { lowerUs: number; upperUs: number; count: number }[];
}

/** What {@link PhaseProfiler.summary} returns. */
export interface PhaseSummary {
  /** Steps seen (ends of the step phase, `md.step`). */
  steps: number;
  /**
   * Loop time in ms: the summed duration of top-level spans (for MD, `md.step` plus
   * `md.observers`). The phases' self times add up to it.
   */
  loopMs: number;
  /** Phases, largest self time first. */
  phases: PhaseStats[];
  /** Spans closed because an outer phase ended first (an error unwound through them). */
  unwoundSpans: number;
  /** Ends whose phase was not open (ignored). */
  strayEnds: number;
  /** Spans counted in the figures but not kept for the trace (beyond `maxSpans`). */
  droppedSpans: number;
}
