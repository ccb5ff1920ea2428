/**
 * One child of a one-label family per known value, bound at registration, so the paths that count read a map
 * instead of calling `labels()` (and the series exist, at zero, before the first event).
 *
 * @example
 * const byReason = bindChildren(dropped, SPAN_DROP_REASONS)
 * byReason.get('queue_full')?.inc()
 */
export function bindChildren<V extends string, C>(
  family: { labels(...values: string[]): C },
  values: readonly V[],
): ReadonlyMap<V, C> {
  return new Map(values.map((v) => [v, family.labels(v)]))
}
