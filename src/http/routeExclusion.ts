import { detachedCopy } from '../util/detachedCopy.ts'

/**
 * Builds the "is this route excluded from telemetry" test from patterns: an exact template, or a prefix ending
 * in `*` (`/health*`). Results are cached per template, so each route is decided once; raw paths (adapters that
 * learn the route at the end) are cached within a bound of count and length.
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
    // Raw paths come from clients (scans): at most 10 000 of at most 256 characters are kept, each copied so that
    // it does not keep its request's whole URL, query string included, alive.
    if (cache.size < MAX_CACHED && routeOrPath.length <= MAX_CACHED_LENGTH)
      cache.set(detachedCopy(routeOrPath), result)
    return result
  }
}

const MAX_CACHED = 10_000
const MAX_CACHED_LENGTH = 256
