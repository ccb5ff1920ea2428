import { type Matcher, selector } from '../slo/promql.ts'
import { PROMETHEUS_SERIES } from './externalMetricNames.ts'
import type { GenerateModel } from './generateModel.ts'

/** Label names of `instrument()`'s preset metrics and the other domain metrics (see src/metrics/instrument.ts). */
export const DOMAIN_LABELS = Object.freeze({
  operation: 'operation',
  status: 'status',
  eventType: 'event_type',
  severity: 'severity',
  breaker: 'breaker',
  reason: 'reason',
  metric: 'metric',
  dependency: 'dependency',
  resource: 'resource',
  decision: 'decision',
  grantType: 'grant_type',
  tokenType: 'token_type',
})

/** Template variables of the generated dashboards (Grafana substitutes them; the e2e test does too). */
export const DASHBOARD_VARS = Object.freeze({
  tenant: '$tenant',
  route: '$route',
  instance: '$instance',
  rateInterval: '$__rate_interval',
  range: '$__range',
  interval: '$__interval',
})

/** Builds selectors for one model: every selector carries the job matcher and `slo.prometheusSelector`. */
export interface QueryKit {
  /** `name{job="…",<selector>,<extra>}`. */
  sel(name: string, extra?: readonly Matcher[]): string
  /** Like {@link sel}, plus the dashboard's `$tenant`/`$route` matchers for HTTP series. */
  http(name: string, extra?: readonly Matcher[]): string
  /** `sum by (labels) (inner)` or `sum(inner)`. */
  sumBy(labels: readonly string[], inner: string): string
  /** `<fn> by (labels) (inner)` or `<fn>(inner)` for `min`, `max`, `count`, … */
  agg(fn: string, labels: readonly string[], inner: string): string
  /** The base matchers (job and configured selector). */
  readonly base: readonly Matcher[]
}

/**
 * The selector helpers for a model. `variables` adds `tenant=~"$tenant"` (when the HTTP metrics carry a
 * tenant) and `route=~"$route"` to HTTP selectors — dashboards use them, rules do not.
 *
 * @example
 * const q = queryKit(model, true)
 * q.http(model.names.requestsSeries) // http_requests_total{job="identity",tenant=~"$tenant",route=~"$route"}
 */
export function queryKit(model: GenerateModel, variables: boolean): QueryKit {
  const base: Matcher[] = [{ label: PROMETHEUS_SERIES.job, op: '=', value: model.job }]
  for (const [label, value] of Object.entries(model.config.slo.prometheusSelector)) {
    if (label !== PROMETHEUS_SERIES.job) base.push({ label, op: '=', value })
  }
  const l = model.names.labels
  const vars: Matcher[] = []
  if (variables) {
    if (model.config.metrics.tenantLabel)
      vars.push({ label: l.tenant, op: '=~', value: DASHBOARD_VARS.tenant })
    vars.push({ label: l.route, op: '=~', value: DASHBOARD_VARS.route })
  }
  return {
    base,
    sel: (name, extra = []) => selector(name, [...base, ...extra]),
    http: (name, extra = []) => selector(name, [...base, ...vars, ...extra]),
    sumBy: (labels, inner) => agg('sum', labels, inner),
    agg,
  }
}

function agg(fn: string, labels: readonly string[], inner: string): string {
  return labels.length === 0 ? `${fn}(${inner})` : `${fn} by (${labels.join(', ')}) (${inner})`
}

/** `status=~"5.."` under the model's conventions. */
export function serverErrors(model: GenerateModel): Matcher {
  return { label: model.names.labels.status, op: '=~', value: '5..' }
}
