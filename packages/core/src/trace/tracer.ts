/**
 * Instrumentation points for profilers, with negligible cost when no profiler listens.
 *
 * Code marks the phases of its work with {@link traceBegin} / {@link traceEnd} pairs (properly
 * nested, same name on both ends). A profiler installs a {@link Tracer} with
 * {@link setTracer}; with none installed each mark is one call and a null check.
 *
 * Phase names used by the project (dot-separated, the first word the layer):
 * - `md.step`: one integration step, all of it;
 * - `md.forces`: the calculator call of a step (inside `md.step`);
 * - `md.observers`: observers and stop conditions after a step;
 * - `calculator.neighbors`: neighbor-list update or rebuild (inside `md.forces`);
 * - `calculator.compute`: the model or potential itself (inside `md.forces`);
 * - `io.write`: trajectory and log output (inside `md.observers`).
 * Time in `md.step` outside its children is the integrator's own.
 */
export interface Tracer {
  /** A phase starts; `time` is `performance.now()` in ms. */
  begin(name: string, time: number): void;
  /** The innermost open phase, named `name`, ends; `time` is `performance.now()` in ms. */
  end(name: string, time: number): void;
}

let active: Tracer | null = null;

/** Installs a tracer (replacing any other), or removes it with null. Returns the previous one. */
export function setTracer(tracer: Tracer | null): Tracer | null {
  const previous = active;
  active = tracer;
  return previous;
}

/** The installed tracer, or null. */
export function getTracer(): Tracer | null {
  return active;
}

/** Marks the start of a phase (see {@link Tracer}); free when no tracer is installed. */
export function traceBegin(name: string): void {
  if (active !== null) active.begin(name, performance.now());
}

/** Marks the end of the innermost phase, which must be `name`. */
export function traceEnd(name: string): void {
  if (active !== null) active.end(name, performance.now());
}
