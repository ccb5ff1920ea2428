import type { MountedOpsRoute } from './opsDispatcher.ts'

/** A matched ops route and its path parameters. */
export interface OpsMatch {
  readonly mounted: MountedOpsRoute
  readonly params: Record<string, string>
  /** The route's path template (the `route` label). */
  readonly template: string
}

interface Compiled {
  readonly mounted: MountedOpsRoute
  readonly segments: readonly string[]
  readonly method: string
}

/**
 * Matches requests against ops routes for adapters whose framework has no router of its own to mount them on
 * (node:http) or where Lookout serves them before the app's middleware (Express). `:param` segments match one
 * non-empty path segment; GET routes answer HEAD too. Matching is by exact segments, so `..` or encoded slashes
 * never reach a different route.
 *
 * @example
 * const router = createOpsRouter(lookout.routes)
 * router.match('GET', '/observability/alerts/history/acme') // { mounted, params: { tenant: 'acme' }, template }
 */
export function createOpsRouter(routes: readonly MountedOpsRoute[]): {
  match(method: string | undefined, path: string): OpsMatch | undefined
  /** True when some route has this path template or matches the path (for 405 answers). */
  readonly size: number
} {
  const compiled: Compiled[] = routes.map((mounted) => ({
    mounted,
    segments: mounted.route.path.split('/').slice(1),
    method: mounted.route.method,
  }))
  // Most requests are the app's: their first path segment, compared in place, rules them out without splitting.
  const firsts = [...new Set(compiled.map((c) => c.segments[0] ?? ''))]
  const prefilter = firsts.every((s) => !s.startsWith(':')) ? firsts.map((s) => `/${s}`) : undefined
  function mayMatch(path: string): boolean {
    if (prefilter === undefined) return true
    for (const prefix of prefilter) {
      if (path.startsWith(prefix) && (path.length === prefix.length || path.charCodeAt(prefix.length) === 47))
        return true
    }
    return false
  }
  return {
    size: compiled.length,
    match(method, path) {
      if (compiled.length === 0 || !mayMatch(path)) return undefined
      const m = method === 'HEAD' ? 'GET' : method
      const parts = path.split('/').slice(1)
      for (const c of compiled) {
        if (c.method !== m || c.segments.length !== parts.length) continue
        let params: Record<string, string> | undefined
        let ok = true
        for (let i = 0; i < parts.length; i++) {
          const seg = c.segments[i]!
          const part = parts[i]!
          if (seg.startsWith(':')) {
            if (part === '') {
              ok = false
              break
            }
            let value: string
            try {
              value = decodeURIComponent(part)
            } catch {
              ok = false
              break
            }
            params ??= {}
            params[seg.slice(1)] = value
          } else if (seg !== part) {
            ok = false
            break
          }
        }
        if (ok) return { mounted: c.mounted, params: params ?? {}, template: c.mounted.route.path }
      }
      return undefined
    },
  }
}
