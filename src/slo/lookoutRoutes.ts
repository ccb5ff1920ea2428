import type { ResolvedConfig } from '../config/schema.ts'
import { STATUS_ROUTES } from '../status/conventions.ts'
import { type Matcher, regexEscape } from './promql.ts'

/**
 * Lookout's own routes, which no SLO counts in either source: everything under `/observability/` (operator APIs,
 * the Sentry tunnel, profiling, the Alertmanager receiver), the public status JSON and the status page, behind
 * `http.routePrefix` when set. Patterns
 * are route templates; a trailing `*` is a prefix. Probes and the metrics path are never measured at all.
 *
 * @example
 * lookoutRoutes(config) // ['/observability/*', '/public/status', '/public/status/incidents', '/status']
 */
export function lookoutRoutes(config: ResolvedConfig): string[] {
  const prefix = config.http.routePrefix
  return [
    `${prefix}/observability/*`,
    `${prefix}${STATUS_ROUTES.publicStatus}`,
    `${prefix}${STATUS_ROUTES.publicIncidents}`,
    `${prefix}${config.status.page.path}`,
  ]
}

/**
 * The PromQL matcher leaving routes out (`route!~"/observability/.*|/public/status|…"`); `undefined` for none.
 *
 * @example
 * excludeRoutesMatcher('route', ['/observability/*', '/status']) // { label: 'route', op: '!~', value: '/observability/.*|/status' }
 */
export function excludeRoutesMatcher(label: string, patterns: readonly string[]): Matcher | undefined {
  if (patterns.length === 0) return undefined
  const alternatives = patterns.map((p) =>
    p.endsWith('*') ? `${regexEscape(p.slice(0, -1))}.*` : regexEscape(p),
  )
  return { label, op: '!~', value: alternatives.join('|') }
}
