import { type Conventions, HTTP_METRIC_NAMES } from '../metrics/conventions.ts'
import { formatValue } from '../metrics/metricFamily.ts'
import { excludeRoutesMatcher } from './lookoutRoutes.ts'
import { type Matcher, oneOf, regexEscape, selector } from './promql.ts'
import type { SloDefinition } from './sloModel.ts'

/** Which tenants a query covers: all, one, or all but some (the tenants whose override differs). */
export type TenantScope =
  | { readonly kind: 'all' }
  | { readonly kind: 'only'; readonly tenant: string }
  | { readonly kind: 'except'; readonly tenants: readonly string[] }

/** Options shared by the generator and the Prometheus source. */
export interface SliQueryOptions {
  /** Metric naming convention. Default `prometheus`. */
  readonly conventions?: Conventions
  /** Aggregate `by (tenant)`: the HTTP metrics carry the `tenant` label. Default `false`. */
  readonly tenantLabel?: boolean
  /** Extra equality matchers on every selector, e.g. `{ job: 'identity' }`. */
  readonly selector?: Readonly<Record<string, string>>
  /**
   * Routes no SLO counts (templates, a trailing `*` is a prefix); the in-process source skips the same ones.
   * Default none; `sloRuleOptions(config)` passes Lookout's own routes (`lookoutRoutes`).
   */
  readonly excludeRoutes?: readonly string[]
}

/** PromQL for one SLO's SLI. */
export interface SliQueries {
  /** Error ratio over a window (`5m`, `30d`): bad rate / total rate; 0 (not "no data", not NaN) without errors or traffic. */
  errorRatio(window: string): string
  /** Bad events in a window (`sum(increase(…))`). */
  badIncrease(window: string): string
  /** All events in a window. */
  totalIncrease(window: string): string
}

/**
 * Builds the SLI queries of an SLO under a metric convention (HTTP_METRIC_NAMES): availability counts statuses
 * in `errorStatuses` as bad; latency counts requests above the threshold (`_count − _bucket{le}`) as bad.
 *
 * @example
 * sliQueries(slo, { conventions: 'otel' }).errorRatio('5m')
 * // (sum(rate(http_server_request_duration_seconds_count{http_response_status_code=~"5.."}[5m])) or on() vector(0))
 * //   / sum(rate(http_server_request_duration_seconds_count[5m]))
 */
export function sliQueries(
  slo: SloDefinition,
  options: SliQueryOptions = {},
  scope: TenantScope = { kind: 'all' },
): SliQueries {
  const names = HTTP_METRIC_NAMES[options.conventions ?? 'prometheus']
  const l = names.labels
  const byTenant = options.tenantLabel === true
  const base: Matcher[] = Object.entries(options.selector ?? {}).map(([label, value]) => ({
    label,
    op: '=' as const,
    value,
  }))
  if (scope.kind === 'only') base.push(oneOf(l.tenant, [scope.tenant]))
  if (scope.kind === 'except' && scope.tenants.length > 0) base.push(oneOf(l.tenant, scope.tenants, true))
  if (slo.routes !== undefined) base.push(oneOf(l.route, slo.routes))
  const own = excludeRoutesMatcher(l.route, options.excludeRoutes ?? [])
  if (own !== undefined) base.push(own)
  if (slo.methods !== undefined) base.push(oneOf(l.method, slo.methods))
  const sum = (inner: string) => (byTenant ? `sum by (${l.tenant}) (${inner})` : `sum(${inner})`)

  let total: string
  let bad: ((fn: string, w: string) => string) | undefined
  let good: string | undefined
  if (slo.kind === 'availability') {
    total = selector(names.requestsSeries, base)
    const status: Matcher = {
      label: l.status,
      op: '=~',
      value: slo.errorStatuses.map((s) => (s.endsWith('xx') ? `${s[0]}..` : s)).join('|'),
    }
    const badSel = selector(names.requestsSeries, [...base, status])
    bad = (fn, w) => sum(`${fn}(${badSel}[${w}])`)
  } else {
    total = selector(`${names.duration}_count`, base)
    good = selector(`${names.duration}_bucket`, [...base, leMatcher(slo.thresholdSeconds!)])
  }
  const totalOf = (fn: string, w: string) => sum(`${fn}(${total}[${w}])`)
  const badOf = (fn: string, w: string) =>
    bad !== undefined ? bad(fn, w) : `(${totalOf(fn, w)} - ${sum(`${fn}(${good}[${w}])`)})`
  // No error series at all (no 5xx yet) is "no data", not 0: fill it so ratios and alerts see 0.
  const filled = (fn: string, w: string) =>
    bad === undefined
      ? badOf(fn, w)
      : byTenant
        ? `(${badOf(fn, w)} or 0 * ${totalOf(fn, w)})`
        : `(${badOf(fn, w)} or on() vector(0))`
  return {
    // An idle window (total rate 0) is ratio 0, not 0/0 = NaN: the division keeps windows with traffic only.
    errorRatio: (w) =>
      `(\n  ${filled('rate', w)}\n/\n  (${totalOf('rate', w)} > 0)\n)\nor\n0 * ${totalOf('rate', w)}`,
    badIncrease: (w) => filled('increase', w),
    totalIncrease: (w) => totalOf('increase', w),
  }
}

/**
 * The `le` matcher of a threshold. Integers match both spellings (`le="1"` from Lookout and prom-client,
 * `le="1.0"` from Prometheus 3's normalisation and OpenMetrics).
 *
 * @example
 * leMatcher(0.3) // { label: 'le', op: '=', value: '0.3' }
 * leMatcher(1) // { label: 'le', op: '=~', value: '1(\\.0)?' }
 */
export function leMatcher(threshold: number): Matcher {
  const text = formatValue(threshold)
  return Number.isInteger(threshold)
    ? { label: 'le', op: '=~', value: `${regexEscape(text)}(\\.0)?` }
    : { label: 'le', op: '=', value: text }
}
