/**
 * Builds the "is this route excluded from telemetry" test from patterns: an exact template, or a prefix ending
 * in `*` (`/health*`). Results are cached per template, so each route is decided once.
 *
 * @example
 * const excluded = createRouteExclusion(['/metrics', '/health*'])
 * excluded('/health/ready') // true
 */
export function createRouteExclusion(patterns: readonly string[]): (routeOrPath: string) => boolean {
  const exact = new Set<string>()
  const prefixes: string[] = []
  for (const p of patterns) {
    if (p.endsWith('*')) prefixes.push(p.slice(0, -1))
    else exact.add(p)
  }
  const cache = new Map<string, boolean>()
  return function isExcluded(routeOrPath) {
    const hit = cache.get(routeOrPath)
    if (hit !== undefined) return hit
    const result = exact.has(routeOrPath) || prefixes.some((p) => routeOrPath.startsWith(p))
    // Raw paths may be unbounded (scans); only cache while small.
    if (cache.size < 10_000) cache.set(routeOrPath, result)
    return result
  }
}
