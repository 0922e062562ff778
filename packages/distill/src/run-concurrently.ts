/**
 * Runs `work` for every item, keeping up to `limit()` in flight (at least one; re-read after
 * every finish, since a pool's workers come and go). The first error stops new work and is
 * thrown once the work in flight has settled.
 */
export async function runConcurrently<T>(
  items: readonly T[],
  limit: () => number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | null = null;
  const inFlight = new Set<Promise<void>>();
  while (next < items.length || inFlight.size > 0) {
    while (failure === null && next < items.length && inFlight.size < Math.max(1, limit())) {
      const task: Promise<void> = work(items[next++]!)
        .catch((error) => {
          failure ??= { error };
        })
        .finally(() => inFlight.delete(task));
      inFlight.add(task);
    }
    if (inFlight.size === 0) break;
    await Promise.race(inFlight);
  }
  if (failure !== null) throw (failure as { error: unknown }).error;
}
