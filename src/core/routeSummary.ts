import type { ResolvedConfig } from '../config/schema.ts'
import type { OpsRoute } from '../http/opsRoute.ts'

/** How one mounted route is protected, as the start-up summary states it. */
export type RouteProtection =
  | 'operator key'
  | 'operator key for the tenant'
  | 'metrics token'
  | 'ip allow-list'
  | 'metrics token + ip allow-list'
  | 'open'

/** One line of the start-up summary. */
export interface RouteSummaryEntry {
  readonly method: string
  readonly path: string
  readonly protection: RouteProtection
}

/** The start-up summary: every route Lookout mounted, and what is open in production that should not be. */
export interface RouteSummary {
  readonly routes: readonly RouteSummaryEntry[]
  /** Non-empty only when `environment` is `production`: open routes exposing host or dependency details. */
  readonly warnings: readonly string[]
}

/**
 * Summarises the mounted ops routes (paths as mounted, each with its protection) and, in production, warns about
 * `/metrics` and detailed health answered without credentials on the application's port.
 *
 * @example
 * const { routes, warnings } = summarizeRoutes(config, lookout.routes.map((r) => r.route))
 */
export function summarizeRoutes(config: ResolvedConfig, mounted: readonly OpsRoute[]): RouteSummary {
  // Routes are listed as mounted, after any route prefix (http.routePrefix).
  const prefix = (config.http as { readonly routePrefix?: string }).routePrefix ?? ''
  const metricsPath =
    config.metrics.enabled && config.metrics.port === undefined
      ? `${prefix}${config.metrics.path}`
      : undefined
  const detailed = new Set(
    config.health.enabled ? config.health.paths.detailed.map((p) => `${prefix}${p}`) : [],
  )
  const routes = mounted.map((r): RouteSummaryEntry => {
    let protection: RouteProtection =
      r.scope.kind === 'global'
        ? 'operator key'
        : r.scope.kind === 'tenant'
          ? 'operator key for the tenant'
          : 'open'
    if (r.scope.kind === 'public' && r.path === metricsPath) {
      const token = config.metrics.token !== undefined
      const allow = config.metrics.allow !== undefined && config.metrics.allow.length > 0
      protection =
        token && allow
          ? 'metrics token + ip allow-list'
          : token
            ? 'metrics token'
            : allow
              ? 'ip allow-list'
              : 'open'
    }
    return { method: r.method, path: r.path, protection }
  })
  const warnings: string[] = []
  if (config.environment === 'production') {
    const open = (path: string) => routes.some((r) => r.path === path && r.protection === 'open')
    if (metricsPath !== undefined && open(metricsPath))
      warnings.push(
        `${metricsPath} is open on the application's port: set metrics.token (LOOKOUT_METRICS_TOKEN), metrics.allow or metrics.port`,
      )
    const openDetailed = [...detailed].filter(open)
    if (openDetailed.length > 0)
      warnings.push(
        `detailed health (${openDetailed.join(', ')}) is open on the application's port: it lists dependencies and their errors; set health.paths.detailed to [] or keep the port private`,
      )
  }
  return { routes, warnings }
}

/** `GET /metrics (open), GET /health/live (open), …` — the summary as one log message. */
export function formatRouteSummary(summary: RouteSummary): string {
  if (summary.routes.length === 0) return 'Lookout mounted no routes'
  return `Lookout mounted ${summary.routes.length} routes: ${summary.routes
    .map((r) => `${r.method} ${r.path} (${r.protection})`)
    .join(', ')}`
}
