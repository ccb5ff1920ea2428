import { ALERTING_LABELS, ALERTING_METRIC_NAMES } from '../../alerting/conventions.ts'
import { HEALTH_METRIC_NAMES } from '../../health/conventions.ts'
import { LOGGING_METRIC_NAMES } from '../../logging/conventions.ts'
import { LOOKOUT_METRIC_NAMES } from '../../metrics/conventions.ts'
import { DOMAIN_METRIC_NAMES, INSTRUMENT_PRESETS } from '../../metrics/instrumentPresets.ts'
import { SLO_LABELS, SLO_RULE_NAMES } from '../../slo/conventions.ts'
import { selector } from '../../slo/promql.ts'
import { TRACING_METRIC_NAMES } from '../../tracing/conventions.ts'
import type { DashboardSpec, PanelSpec, VariableSpec } from '../dashboardSpec.ts'
import { PROMETHEUS_SERIES, RUNTIME_METRIC_NAMES } from '../externalMetricNames.ts'
import type { GenerateModel } from '../generateModel.ts'
import { DASHBOARD_VARS, DOMAIN_LABELS, queryKit, serverErrors } from '../queryKit.ts'
import { dashboardUid } from './dashboardUid.ts'
import { prometheusVariables } from './variables.ts'

const RI = DASHBOARD_VARS.rateInterval
const RANGE = DASHBOARD_VARS.range

/**
 * The API overview dashboard (the twelve standard panels and more): traffic, latency percentiles, in-flight,
 * errors, top routes, health checks, process resources, event loop, domain metrics (auth, DB, dependencies,
 * security events), alerts, SLO budgets and Lookout's own telemetry health. Variables: datasource, tenant (when
 * the HTTP metrics carry it) and route.
 *
 * @example
 * const spec = apiOverviewDashboard(model)
 * spec.rows[0].panels[0].queries[0].expr // sum by (route) (rate(http_requests_total{…}[$__rate_interval]))
 */
export function apiOverviewDashboard(model: GenerateModel): DashboardSpec {
  const q = queryKit(model, true)
  const n = model.names
  const l = n.labels
  const err = serverErrors(model)
  const total = (by: readonly string[], fn = 'rate', w: string = RI) =>
    q.sumBy(by, `${fn}(${q.http(n.requestsSeries)}[${w}])`)
  const errors = (by: readonly string[], fn = 'rate', w: string = RI) =>
    q.sumBy(by, `${fn}(${q.http(n.requestsSeries, [err])}[${w}])`)
  const quantile = (p: number) =>
    `histogram_quantile(${p}, ${q.sumBy(['le'], `rate(${q.http(`${n.duration}_bucket`)}[${RI}])`)})`
  const preset = (key: keyof typeof INSTRUMENT_PRESETS) => INSTRUMENT_PRESETS[key].name
  const presetQuantile = (key: keyof typeof INSTRUMENT_PRESETS, pct: number, by: readonly string[]) =>
    `histogram_quantile(${pct}, ${q.sumBy(['le', ...by], `rate(${q.sel(`${preset(key)}_duration_seconds_bucket`)}[${RI}])`)})`
  let id = 0
  const p = (spec: Omit<PanelSpec, 'id' | 'language'> & { language?: PanelSpec['language'] }): PanelSpec => ({
    id: ++id,
    language: 'promql',
    ...spec,
  })

  const traffic = [
    p({
      title: 'Request rate',
      description: 'Requests per second by route (probes and /metrics excluded).',
      type: 'timeseries',
      unit: 'reqps',
      queries: [{ refId: 'A', expr: total([l.route]), legend: `{{${l.route}}}` }],
    }),
    p({
      title: 'Latency p50 / p95 / p99',
      description: `Request duration percentiles from ${n.duration}.`,
      type: 'timeseries',
      unit: 's',
      queries: [
        { refId: 'A', expr: quantile(0.5), legend: 'p50' },
        { refId: 'B', expr: quantile(0.95), legend: 'p95' },
        { refId: 'C', expr: quantile(0.99), legend: 'p99' },
      ],
    }),
    p({
      title: 'In-flight requests',
      description: 'Requests being served right now.',
      type: 'timeseries',
      unit: 'short',
      width: 8,
      queries: [{ refId: 'A', expr: q.sumBy([], q.http(n.inFlight)), legend: 'in flight' }],
    }),
    p({
      title: 'Error rate (5xx)',
      description: 'Share of requests answered with a 5xx status.',
      type: 'timeseries',
      unit: 'percentunit',
      width: 8,
      min: 0,
      queries: [
        { refId: 'A', expr: `(${errors([])} or on() vector(0))\n/\n${total([])}`, legend: '5xx ratio' },
      ],
    }),
    p({
      title: 'Requests by status',
      description: 'Requests per second by status code.',
      type: 'timeseries',
      unit: 'reqps',
      width: 8,
      queries: [{ refId: 'A', expr: total([l.status]), legend: `{{${l.status}}}` }],
    }),
    p({
      title: 'Top routes by traffic',
      description: 'The ten busiest routes over the selected time range.',
      type: 'table',
      unit: 'short',
      queries: [
        {
          refId: 'A',
          expr: `topk(10, ${total([l.route], 'increase', RANGE)})`,
          legend: `{{${l.route}}}`,
          instant: true,
        },
      ],
    }),
    p({
      title: 'Top routes by errors',
      description: 'The ten routes with most 5xx answers over the selected time range.',
      type: 'table',
      unit: 'short',
      queries: [
        {
          refId: 'A',
          expr: `topk(10, ${errors([l.route], 'increase', RANGE)})`,
          legend: `{{${l.route}}}`,
          instant: true,
        },
      ],
    }),
  ]

  const health = [
    p({
      title: 'Health status',
      description: 'Latest result of every health check: 1 pass, 0.5 warn, 0 fail.',
      type: 'stat',
      min: 0,
      max: 1,
      thresholds: [
        { value: null, color: 'red' },
        { value: 0.5, color: 'orange' },
        { value: 1, color: 'green' },
      ],
      queries: [
        {
          refId: 'A',
          expr: q.agg('min', [HEALTH_METRIC_NAMES.checkLabel], q.sel(HEALTH_METRIC_NAMES.checkStatus)),
          legend: `{{${HEALTH_METRIC_NAMES.checkLabel}}}`,
          instant: true,
        },
      ],
    }),
    p({
      title: 'Health-check latency',
      description: 'Duration of the latest run of each check.',
      type: 'timeseries',
      unit: 's',
      queries: [
        {
          refId: 'A',
          expr: q.agg('max', [HEALTH_METRIC_NAMES.checkLabel], q.sel(HEALTH_METRIC_NAMES.checkDuration)),
          legend: `{{${HEALTH_METRIC_NAMES.checkLabel}}}`,
        },
      ],
    }),
  ]

  const runtime = [
    p({
      title: 'Process CPU',
      description: 'CPU seconds per second used by each instance (1 = one core).',
      type: 'timeseries',
      unit: 'percentunit',
      width: 8,
      queries: [
        {
          refId: 'A',
          expr: `rate(${q.sel(RUNTIME_METRIC_NAMES.cpuSeconds)}[${RI}])`,
          legend: '{{instance}}',
        },
      ],
    }),
    p({
      title: 'Process memory',
      description: 'Resident set size and V8 heap in use.',
      type: 'timeseries',
      unit: 'bytes',
      width: 8,
      queries: [
        { refId: 'A', expr: q.sel(RUNTIME_METRIC_NAMES.residentMemory), legend: 'rss {{instance}}' },
        { refId: 'B', expr: q.sel(RUNTIME_METRIC_NAMES.heapUsed), legend: 'heap {{instance}}' },
      ],
    }),
    p({
      title: 'Event-loop lag',
      description: 'p99 event-loop delay and event-loop utilisation.',
      type: 'timeseries',
      unit: 's',
      width: 8,
      queries: [
        { refId: 'A', expr: q.sel(RUNTIME_METRIC_NAMES.eventLoopLagP99), legend: 'p99 lag {{instance}}' },
        {
          refId: 'B',
          expr: q.sel(RUNTIME_METRIC_NAMES.eventLoopUtilization),
          legend: 'utilisation {{instance}}',
        },
      ],
    }),
  ]

  const domain = [
    p({
      title: 'Security events',
      description:
        'Security events per second by type and severity (failed logins, lockouts, invalid tokens …).',
      type: 'timeseries',
      unit: 'ops',
      queries: [
        {
          refId: 'A',
          expr: q.sumBy(
            [DOMAIN_LABELS.eventType, DOMAIN_LABELS.severity],
            `rate(${q.sel(DOMAIN_METRIC_NAMES.securityEvents)}[${RI}])`,
          ),
          legend: `{{${DOMAIN_LABELS.eventType}}} ({{${DOMAIN_LABELS.severity}}})`,
        },
      ],
    }),
    p({
      title: 'Authentication outcomes',
      description: 'Auth operations per second by operation and status (success, failure, locked).',
      type: 'timeseries',
      unit: 'ops',
      queries: [
        {
          refId: 'A',
          expr: q.sumBy(
            [DOMAIN_LABELS.operation, DOMAIN_LABELS.status],
            `rate(${q.sel(`${preset('auth')}_total`)}[${RI}])`,
          ),
          legend: `{{${DOMAIN_LABELS.operation}}} {{${DOMAIN_LABELS.status}}}`,
        },
      ],
    }),
    p({
      title: 'Failed logins by reason',
      description:
        'Auth operations that did not succeed, per second, by reason (invalid_credentials, locked, …).',
      type: 'timeseries',
      unit: 'ops',
      queries: [
        {
          refId: 'A',
          expr: q.sumBy(
            [DOMAIN_LABELS.reason],
            `rate(${q.sel(`${preset('auth')}_total`, [{ label: DOMAIN_LABELS.status, op: '!=', value: 'success' }])}[${RI}])`,
          ),
          legend: `{{${DOMAIN_LABELS.reason}}}`,
        },
      ],
    }),
    p({
      title: 'Auth latency p95 / p99',
      description: 'Duration percentiles of authentication operations (login, verify, mfa …), by operation.',
      type: 'timeseries',
      unit: 's',
      queries: [0.95, 0.99].map((pct, i) => ({
        refId: String.fromCharCode(65 + i),
        expr: presetQuantile('auth', pct, [DOMAIN_LABELS.operation]),
        legend: `p${Math.round(pct * 100)} {{${DOMAIN_LABELS.operation}}}`,
      })),
    }),
    p({
      title: 'Active sessions',
      description: 'Sessions open now (created minus ended), summed over instances.',
      type: 'timeseries',
      unit: 'short',
      width: 8,
      min: 0,
      queries: [
        { refId: 'A', expr: q.sumBy([], q.sel(DOMAIN_METRIC_NAMES.sessionsActive)), legend: 'active' },
      ],
    }),
    p({
      title: 'Active tokens by type',
      description:
        'Valid tokens (unexpired, unrevoked) by type, as the app reports its token store through activeTokens(); the largest report over instances, since replicas share one store.',
      type: 'timeseries',
      unit: 'short',
      width: 8,
      min: 0,
      queries: [
        {
          refId: 'A',
          expr: `max by (${DOMAIN_LABELS.tokenType}) (${q.sel(DOMAIN_METRIC_NAMES.tokensActive)})`,
          legend: `{{${DOMAIN_LABELS.tokenType}}}`,
        },
      ],
    }),
    p({
      title: 'Sessions created and ended',
      description:
        'Sessions created per second, and ended per second by reason (logout, expired, idle, revoked …).',
      type: 'timeseries',
      unit: 'ops',
      width: 8,
      queries: [
        {
          refId: 'A',
          expr: q.sumBy([], `rate(${q.sel(DOMAIN_METRIC_NAMES.sessionsCreated)}[${RI}])`),
          legend: 'created',
        },
        {
          refId: 'B',
          expr: q.sumBy(
            [DOMAIN_LABELS.reason],
            `rate(${q.sel(DOMAIN_METRIC_NAMES.sessionsDestroyed)}[${RI}])`,
          ),
          legend: `ended {{${DOMAIN_LABELS.reason}}}`,
        },
      ],
    }),
    p({
      title: 'Session binding failures by reason',
      description:
        'Requests whose session did not match its binding, per second, by reason (ip_mismatch, tenant_mismatch …).',
      type: 'timeseries',
      unit: 'ops',
      width: 8,
      queries: [
        {
          refId: 'A',
          expr: q.sumBy(
            [DOMAIN_LABELS.reason],
            `rate(${q.sel(DOMAIN_METRIC_NAMES.sessionBindingFailures)}[${RI}])`,
          ),
          legend: `{{${DOMAIN_LABELS.reason}}}`,
        },
      ],
    }),
    p({
      title: 'Token operations by grant type',
      description: 'Token issues, refreshes and validations per second by operation, grant type and status.',
      type: 'timeseries',
      unit: 'ops',
      queries: [
        {
          refId: 'A',
          expr: q.sumBy(
            [DOMAIN_LABELS.operation, DOMAIN_LABELS.grantType, DOMAIN_LABELS.status],
            `rate(${q.sel(`${preset('token')}_total`)}[${RI}])`,
          ),
          legend: `{{${DOMAIN_LABELS.operation}}} {{${DOMAIN_LABELS.grantType}}} {{${DOMAIN_LABELS.status}}}`,
        },
      ],
    }),
    p({
      title: 'Authorization check p95 by resource',
      description: 'p95 duration of authorization checks, by resource.',
      type: 'timeseries',
      unit: 's',
      queries: [
        {
          refId: 'A',
          expr: presetQuantile('authz', 0.95, [DOMAIN_LABELS.resource]),
          legend: `{{${DOMAIN_LABELS.resource}}}`,
        },
      ],
    }),
    p({
      title: 'Authorization allow ratio by resource',
      description: 'Share of authorization checks allowed, per resource.',
      type: 'timeseries',
      unit: 'percentunit',
      min: 0,
      max: 1,
      queries: [
        {
          refId: 'A',
          expr: `${q.sumBy([DOMAIN_LABELS.resource], `rate(${q.sel(`${preset('authz')}_total`, [{ label: DOMAIN_LABELS.decision, op: '=', value: 'allow' }])}[${RI}])`)} / ${q.sumBy([DOMAIN_LABELS.resource], `rate(${q.sel(`${preset('authz')}_total`)}[${RI}])`)}`,
          legend: `{{${DOMAIN_LABELS.resource}}}`,
        },
      ],
    }),
    p({
      title: 'Database query p95',
      description: 'p95 duration of instrumented database queries by operation.',
      type: 'timeseries',
      unit: 's',
      width: 8,
      queries: [
        {
          refId: 'A',
          expr: `histogram_quantile(0.95, ${q.sumBy(['le', DOMAIN_LABELS.operation], `rate(${q.sel(`${preset('db')}_duration_seconds_bucket`)}[${RI}])`)})`,
          legend: `{{${DOMAIN_LABELS.operation}}}`,
        },
      ],
    }),
    p({
      title: 'Dependency calls',
      description:
        'Calls to external dependencies per second by dependency and status (success, failure, timeout, circuit_open).',
      type: 'timeseries',
      unit: 'ops',
      width: 8,
      queries: [
        {
          refId: 'A',
          expr: q.sumBy(
            [DOMAIN_LABELS.dependency, DOMAIN_LABELS.status],
            `rate(${q.sel(`${preset('dependency')}_total`)}[${RI}])`,
          ),
          legend: `{{${DOMAIN_LABELS.dependency}}} {{${DOMAIN_LABELS.status}}}`,
        },
      ],
    }),
    p({
      title: 'Circuit breakers',
      description: 'State of each circuit breaker: 0 closed, 1 open, 2 half-open.',
      type: 'timeseries',
      unit: 'short',
      width: 8,
      min: 0,
      max: 2,
      queries: [
        {
          refId: 'A',
          expr: q.agg('max', [DOMAIN_LABELS.breaker], q.sel(DOMAIN_METRIC_NAMES.circuitState)),
          legend: `{{${DOMAIN_LABELS.breaker}}}`,
        },
      ],
    }),
  ]

  const alerts = [
    p({
      title: 'Alerts fired',
      description: 'Alerts Lookout routed (after cooldown) by severity.',
      type: 'timeseries',
      unit: 'short',
      width: 8,
      queries: [
        {
          refId: 'A',
          expr: q.sumBy([ALERTING_LABELS.severity], `increase(${q.sel(ALERTING_METRIC_NAMES.fired)}[${RI}])`),
          legend: `{{${ALERTING_LABELS.severity}}}`,
        },
      ],
    }),
    p({
      title: 'Firing Prometheus alerts',
      description: 'Alerts of the generated rules that are firing now.',
      type: 'table',
      width: 8,
      queries: [
        {
          refId: 'A',
          expr: q.agg(
            'count',
            [PROMETHEUS_SERIES.alertName, SLO_LABELS.severity],
            selector(PROMETHEUS_SERIES.alerts, [
              { label: SLO_LABELS.service, op: '=', value: model.config.service },
              { label: PROMETHEUS_SERIES.alertState, op: '=', value: 'firing' },
            ]),
          ),
          legend: '{{alertname}} ({{severity}})',
          instant: true,
        },
      ],
    }),
    p({
      title: 'SLO error budget remaining',
      description: 'Share of each SLO’s error budget left over its period (recorded by the SLO rules).',
      type: 'stat',
      unit: 'percentunit',
      width: 8,
      thresholds: [
        { value: null, color: 'red' },
        { value: 0.25, color: 'orange' },
        { value: 0.5, color: 'green' },
      ],
      queries: [
        {
          refId: 'A',
          expr: q.agg(
            'min',
            [SLO_LABELS.slo],
            selector(SLO_RULE_NAMES.periodBudgetRemaining, [
              { label: SLO_LABELS.service, op: '=', value: model.config.service },
            ]),
          ),
          legend: `{{${SLO_LABELS.slo}}}`,
          instant: true,
        },
      ],
    }),
  ]

  const internals = [
    p({
      title: 'Telemetry dropped',
      description:
        'Spans, Loki log batches, stdout log lines and OTLP log records Lookout could not deliver (queue full, exporter down, stdout backlog …).',
      type: 'timeseries',
      unit: 'short',
      width: 8,
      queries: [
        {
          refId: 'A',
          expr: q.sumBy(
            [DOMAIN_LABELS.reason],
            `increase(${q.sel(TRACING_METRIC_NAMES.spansDropped)}[${RI}])`,
          ),
          legend: 'spans {{reason}}',
        },
        {
          refId: 'B',
          expr: q.sumBy(
            [DOMAIN_LABELS.reason],
            `increase(${q.sel(LOGGING_METRIC_NAMES.batchesDropped)}[${RI}])`,
          ),
          legend: 'log batches {{reason}}',
        },
        {
          refId: 'C',
          expr: q.sumBy(
            [DOMAIN_LABELS.reason],
            `increase(${q.sel(LOGGING_METRIC_NAMES.linesDropped)}[${RI}])`,
          ),
          legend: 'stdout log lines {{reason}}',
        },
        {
          refId: 'D',
          expr: q.sumBy(
            [DOMAIN_LABELS.reason],
            `increase(${q.sel(LOGGING_METRIC_NAMES.recordsDropped)}[${RI}])`,
          ),
          legend: 'OTLP log records {{reason}}',
        },
      ],
    }),
    p({
      title: 'Alert deliveries',
      description: 'Alert deliveries by channel and outcome (delivered, retry, dead).',
      type: 'timeseries',
      unit: 'short',
      width: 8,
      queries: [
        {
          refId: 'A',
          expr: q.sumBy(
            [ALERTING_LABELS.channel, ALERTING_LABELS.outcome],
            `increase(${q.sel(ALERTING_METRIC_NAMES.deliveries)}[${RI}])`,
          ),
          legend: `{{${ALERTING_LABELS.channel}}} {{${ALERTING_LABELS.outcome}}}`,
        },
      ],
    }),
    p({
      title: 'Cardinality overflow',
      description: 'Label sets folded into __overflow__ because a metric hit its series budget.',
      type: 'timeseries',
      unit: 'short',
      width: 8,
      queries: [
        {
          refId: 'A',
          expr: q.sumBy(
            [DOMAIN_LABELS.metric],
            `increase(${q.sel(LOOKOUT_METRIC_NAMES.cardinalityOverflow)}[${RI}])`,
          ),
          legend: `{{${DOMAIN_LABELS.metric}}}`,
        },
      ],
    }),
  ]

  const variables: VariableSpec[] = prometheusVariables(model)
  return {
    uid: dashboardUid(model.config.service, 'api'),
    title: `${model.config.service} / API overview`,
    description: `Traffic, latency, errors, health, runtime and domain metrics of ${model.config.service} (generated by Lookout).`,
    tags: ['lookout', model.config.service, 'api'],
    file: `${model.config.service}-api-overview.json`,
    from: 'now-1h',
    variables,
    rows: [
      { title: 'Traffic', panels: traffic },
      { title: 'Health', panels: health },
      { title: 'Runtime', panels: runtime },
      { title: 'Domain', panels: domain },
      { title: 'Alerts and SLOs', panels: alerts },
      { title: 'Lookout telemetry', panels: internals },
    ],
  }
}
