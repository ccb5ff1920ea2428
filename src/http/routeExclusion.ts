/**
 * Builds the "is this route excluded from telemetry" test from patterns: an exact template, or a prefix ending
 * in `*` (`/health*`). Nothing is remembered: one set lookup and a `startsWith` per prefix cost less than a cache
 * lookup would (a request's path is a fresh string, hashed either way), and raw paths from clients (adapters that
 * learn the route at the end) would only fill a cache with paths that do not come back.
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
  return function isExcluded(routeOrPath) {
    if (exact.has(routeOrPath)) return true
    for (let i = 0; i < prefixes.length; i++) if (routeOrPath.startsWith(prefixes[i]!)) return true
    return false
  }
}
