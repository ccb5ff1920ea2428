import { LOG_EVENTS, LOGGING_METRIC_NAMES, LOKI_BASE_LABELS } from '../../logging/conventions.ts'
import { INSTRUMENT_PRESETS } from '../../metrics/instrumentPresets.ts'
import { promString } from '../../slo/promql.ts'
import { DATASOURCE_VARIABLES, type DashboardSpec, type PanelSpec } from '../dashboardSpec.ts'
import type { GenerateModel } from '../generateModel.ts'
import { LOG_FIELDS } from '../logFields.ts'
import { DASHBOARD_VARS, queryKit } from '../queryKit.ts'
import { dashboardUid } from './dashboardUid.ts'

const [SERVICE, , LEVEL] = LOKI_BASE_LABELS
const IV = DASHBOARD_VARS.interval
const RANGE = DASHBOARD_VARS.range

/**
 * LogQL building blocks for a model: the service's stream selector and the pipelines the logs dashboard reads.
 * Numeric filters (`status >= 500`, `duration_ms > …`) always follow a filter that keeps only the lines that carry
 * the field as a number, so no line reaches them with a string there.
 *
 * @example
 * logQueries(model).stream // {service="identity-service"}
 */
export function logQueries(model: GenerateModel) {
  const stream = `{${SERVICE}=${promString(model.config.service)}}`
  const errorStream = `{${SERVICE}=${promString(model.config.service)}, ${LEVEL}=~"error|fatal"}`
  const warnStream = `{${SERVICE}=${promString(model.config.service)}, ${LEVEL}="warn"}`
  const { auth, token, authz } = INSTRUMENT_PRESETS
  const f = LOG_FIELDS
  const slowMs = Math.round(model.settings.alerts.latencyP95Seconds * 1000)
  const is = (field: string, value: string) => `${field}=${promString(value)}`
  const oneOf = (field: string, values: readonly string[]) => `${field}=~${promString(values.join('|'))}`
  const [authOk] = auth.statuses
  const [tokenOk] = token.statuses
  const authFailed = auth.statuses.filter((s) => s === 'failure' || s === 'locked')
  const tokenFailed = token.statuses.filter((s) => s === 'invalid' || s === 'expired')
  const json = `${stream} | json`
  const requests = `${json} | ${is(f.event, LOG_EVENTS.request)}`
  const events = `${json} | ${f.eventType}!=""`
  return {
    stream,
    errorStream,
    slowMs,
    /** Every line parsed as JSON. */
    json,
    /** The request log's lines. */
    requests,
    /** `instrument()`'s event lines (one per instrumented call). */
    events,
    /** `instrument()` event lines of calls that threw (written at warn with the error). */
    thrown: `${warnStream} | json | ${f.eventType}!=""`,
    /** Auth event lines that did not succeed (failure, locked, error …). */
    authFailures: `${json} | ${is(f.eventType, auth.eventType)} | ${f.status}!=${promString(authOk!)}`,
    /** Auth event lines of a locked account. */
    lockouts: `${json} | ${is(f.eventType, auth.eventType)} | ${is(f.status, 'locked')}`,
    /** Token event lines that did not succeed (invalid, expired, error). */
    tokenFailures: `${json} | ${is(f.eventType, token.eventType)} | ${f.status}!=${promString(tokenOk!)}`,
    /** Authorization checks that denied. */
    authzDenials: `${json} | ${is(f.eventType, authz.eventType)} | ${is(f.status, 'deny')}`,
    security:
      `${json} | (${is(f.eventType, auth.eventType)} and ${oneOf(f.status, authFailed)})` +
      ` or (${is(f.eventType, token.eventType)} and ${oneOf(f.status, tokenFailed)})` +
      ` or (${is(f.eventType, authz.eventType)} and ${is(f.status, 'deny')})`,
    slow: `${requests} | ${f.durationMs} > ${slowMs}`,
    /** Instrumented calls slower than the same threshold. */
    slowEvents: `${events} | ${f.durationSeconds} > ${slowMs / 1000}`,
  }
}

/**
 * The logs dashboard (Loki) at an on-call's depth: volume by level, route and status, the most frequent messages,
 * request-log lines left out by sampling; error lines, 5xx by route, 4xx by status, failed operations; auth
 * failures by reason, lockouts, token failures, authorization denials, security lines; slow requests and
 * operations, and request duration percentiles from the request log. Every line carries `trace_id` in
 * structured metadata; the Loki datasource's derived field links it to Tempo.
 *
 * @example
 * logsDashboard(model).rows[0].panels.map((p) => p.title)
 */
export function logsDashboard(model: GenerateModel): DashboardSpec {
  const lq = logQueries(model)
  const f = LOG_FIELDS
  const q = queryKit(model, false)
  let id = 0
  const p = (spec: Omit<PanelSpec, 'id' | 'language'> & { language?: PanelSpec['language'] }): PanelSpec => ({
    id: ++id,
    language: 'logql',
    ...spec,
  })
  const count = (by: readonly string[], pipeline: string, window: string = IV) =>
    q.sumBy(by, `count_over_time(${pipeline} [${window}])`)
  const legend = (labels: readonly string[]) => labels.map((l) => `{{${l}}}`).join(' ')
  const series = (title: string, description: string, by: readonly string[], pipeline: string, width = 12) =>
    p({
      title,
      description,
      type: 'timeseries',
      unit: 'short',
      width,
      queries: [{ refId: 'A', expr: count(by, pipeline), legend: by.length > 0 ? legend(by) : 'lines' }],
    })
  const lines = (title: string, description: string, expr: string, width = 12) =>
    p({ title, description, type: 'logs', width, height: 10, queries: [{ refId: 'A', expr }] })

  const volume = [
    series('Log volume by level', 'Lines per interval by level.', [LEVEL], lq.stream, 24),
    series('Request lines by route', 'Request-log lines per interval, by route.', [f.route], lq.requests),
    series(
      'Request lines by status',
      'Request-log lines per interval, by status code.',
      [f.status],
      lq.requests,
    ),
    p({
      title: 'Top messages',
      description: 'The ten most frequent messages over the selected time range.',
      type: 'table',
      unit: 'short',
      queries: [
        {
          refId: 'A',
          expr: `topk(10, ${count([f.message], lq.json, RANGE)})`,
          legend: `{{${f.message}}}`,
          instant: true,
        },
      ],
    }),
    p({
      language: 'promql',
      title: 'Request lines sampled out',
      description:
        'Request-log lines left out by sampling (logging.requestLog.sampleRatio < 1); errors and slow requests are always written. No series while every line is written.',
      type: 'timeseries',
      unit: 'short',
      queries: [
        {
          refId: 'A',
          expr: q.sumBy(
            [],
            `increase(${q.sel(LOGGING_METRIC_NAMES.linesSampledOut)}[${DASHBOARD_VARS.rateInterval}])`,
          ),
          legend: 'sampled out',
        },
      ],
    }),
  ]

  const errors = [
    lines('Errors', 'Lines at level error or fatal (5xx request lines, failed areas).', lq.errorStream, 24),
    series(
      '5xx lines by route',
      'Request lines with a 5xx status per interval, by route.',
      [f.route],
      `${lq.requests} | ${f.status} >= 500`,
    ),
    series(
      '4xx lines by status',
      'Request lines with a 4xx status per interval, by status code (401, 403, 404, 422, 429 …).',
      [f.status],
      `${lq.requests} | ${f.status} >= 400 and ${f.status} < 500`,
    ),
    series(
      'Failed operations',
      'Instrumented calls that threw (database, dependencies, auth …), by event type and the status they recorded.',
      [f.eventType, f.status],
      lq.thrown,
      24,
    ),
  ]

  const security = [
    series(
      'Auth failures by reason',
      'Authentication lines that did not succeed, by reason (invalid_credentials, unknown_user, locked …).',
      [f.reason],
      lq.authFailures,
    ),
    series(
      'Lockouts',
      'Authentication attempts against a locked account, by operation.',
      [f.operation],
      lq.lockouts,
    ),
    series(
      'Token failures',
      'Token operations that did not succeed, by operation, grant type and status.',
      [f.operation, f.grantType, f.status],
      lq.tokenFailures,
    ),
    series(
      'Authorization denials by resource',
      'Authorization checks that denied, by resource and action.',
      [f.resource, f.action],
      lq.authzDenials,
    ),
    lines(
      'Security events',
      'Failed and locked logins, invalid or expired tokens, denied authorization checks.',
      lq.security,
    ),
    lines('Lockout lines', 'Each attempt against a locked account, with its context ids.', lq.lockouts),
  ]

  const latency = [
    lines(
      `Slow requests (> ${lq.slowMs} ms)`,
      'Request lines slower than the latency alert threshold.',
      lq.slow,
    ),
    lines(
      `Slow operations (> ${lq.slowMs / 1000} s)`,
      'Instrumented calls (database, dependencies, auth …) slower than the same threshold.',
      lq.slowEvents,
    ),
    series(
      'Slow requests by route',
      'Request lines slower than the latency alert threshold, per interval, by route.',
      [f.route],
      lq.slow,
    ),
    p({
      title: 'Request duration p95 from the request log',
      description: 'p95 of duration_ms over the request lines per interval, by route.',
      type: 'timeseries',
      unit: 'ms',
      queries: [
        {
          refId: 'A',
          expr: `quantile_over_time(0.95, ${lq.requests} | unwrap ${f.durationMs} | __error__="" [${IV}]) by (${f.route})`,
          legend: `{{${f.route}}}`,
        },
      ],
    }),
  ]

  const service = model.config.service
  return {
    uid: dashboardUid(service, 'logs'),
    title: `${service} / Logs`,
    description: `Log volume, errors, auth and security lines, and slow requests of ${service} in Loki (generated by Lookout).`,
    tags: ['lookout', service, 'logs'],
    file: `${service}-logs.json`,
    from: 'now-1h',
    variables: [
      { name: DATASOURCE_VARIABLES.loki, label: 'Loki', kind: 'datasource', datasource: 'loki' },
      {
        name: DATASOURCE_VARIABLES.prometheus,
        label: 'Prometheus',
        kind: 'datasource',
        datasource: 'prometheus',
      },
    ],
    rows: [
      { title: 'Volume', panels: volume },
      { title: 'Errors', panels: errors },
      { title: 'Auth and security', panels: security },
      { title: 'Latency', panels: latency },
    ],
  }
}
