import { ALERTING_LABELS, ALERTING_METRIC_NAMES, type Severity } from '../alerting/conventions.ts'
import { HEALTH_METRIC_NAMES } from '../health/conventions.ts'
import { LOGGING_METRIC_NAMES } from '../logging/conventions.ts'
import { LOOKOUT_METRIC_NAMES, type OperatorAuthFailureReason } from '../metrics/conventions.ts'
import { DOMAIN_METRIC_NAMES, INSTRUMENT_PRESETS } from '../metrics/instrumentPresets.ts'
import { SLO_LABELS } from '../slo/conventions.ts'
import type { AlertingRule, RuleGroup } from '../slo/generateSloRules.ts'
import { TRACING_METRIC_NAMES } from '../tracing/conventions.ts'
import { PROMETHEUS_SERIES } from './externalMetricNames.ts'
import type { GenerateModel } from './generateModel.ts'
import { DOMAIN_LABELS, queryKit, serverErrors } from './queryKit.ts'

/**
 * One service alert as data: the signal (a PromQL expression that has data whenever the service is scraped),
 * the comparison that makes it an alert, and its metadata. The rule's `expr` is `signal comparison threshold`;
 * the end-to-end test evaluates the signal to prove the alert can ever see data.
 */
export interface ServiceAlertSpec {
  readonly alert: string
  readonly signal: string
  readonly comparison: '>' | '<'
  readonly threshold: number
  readonly for: string
  readonly severity: Severity
  readonly summary: string
  readonly description: string
}

/**
 * The service alerts of a model: 5xx ratio, p95 latency (and p99 when `latencyP99Seconds` is set), failed-login
 * spike, account-lockout spike, operator-key failure spike, slow database queries, a failing health check, scrape
 * target down, cardinality overflow, dropped spans, dropped log batches, lines and records, and dead-lettered alert
 * deliveries. Thresholds and windows come from `generate.alerts`; with
 * `metrics.tenantLabel` the HTTP alerts are per tenant (the `tenant` label routes them in Lookout's receiver).
 *
 * @example
 * serviceAlertSpecs(model).map((a) => a.alert)
 */
export function serviceAlertSpecs(model: GenerateModel): ServiceAlertSpec[] {
  const q = queryKit(model, false)
  const n = model.names
  const a = model.settings.alerts
  const w = a.window
  const byTenant = model.config.metrics.tenantLabel ? [n.labels.tenant] : []
  const total = q.sumBy(byTenant, `rate(${q.sel(n.requestsSeries)}[${w}])`)
  const bad = q.sumBy(byTenant, `rate(${q.sel(n.requestsSeries, [serverErrors(model)])}[${w}])`)
  const filled = byTenant.length > 0 ? `(${bad} or 0 * ${total})` : `(${bad} or on() vector(0))`
  const forTenant = byTenant.length > 0 ? ' for tenant {{ $labels.tenant }}' : ''
  const auth = `${INSTRUMENT_PRESETS.auth.name}_total`
  const dbBuckets = `${INSTRUMENT_PRESETS.db.name}_duration_seconds_bucket`
  const increase = (metric: string, by: readonly string[], extra = [] as Parameters<typeof q.sel>[1]) =>
    q.sumBy(by, `increase(${q.sel(metric, extra)}[${a.dropWindow}])`)
  const service = model.config.service
  // Throttled requests are left out: their keys were never compared, and the address's guesses were counted already.
  const guessed: readonly OperatorAuthFailureReason[] = ['invalid', 'missing']
  const guesses = q.sel(LOOKOUT_METRIC_NAMES.operatorAuthFailures, [
    { label: DOMAIN_LABELS.reason, op: '=~', value: guessed.join('|') },
  ])
  // The p99 alert exists only when its threshold is configured: p99 on a low-traffic service pages on one request.
  const p99: ServiceAlertSpec[] =
    a.latencyP99Seconds === undefined
      ? []
      : [
          {
            alert: 'LookoutHighLatencyP99',
            signal: `histogram_quantile(0.99, ${q.sumBy(['le', ...byTenant], `rate(${q.sel(`${n.duration}_bucket`)}[${w}])`)})`,
            comparison: '>',
            threshold: a.latencyP99Seconds,
            for: a.for,
            severity: 'warning',
            summary: `${service}: p99 latency above ${a.latencyP99Seconds}s${forTenant}`,
            description: `p99 request duration over ${w} is {{ $value | humanizeDuration }}.`,
          },
        ]
  return [
    ...p99,
    {
      alert: 'LookoutHighErrorRate',
      signal: `${filled}\n/\n${total}`,
      comparison: '>',
      threshold: a.errorRatio,
      for: a.for,
      severity: 'critical',
      summary: `${service}: more than ${a.errorRatio * 100}% of requests fail with 5xx${forTenant}`,
      description: `5xx share over ${w} is {{ $value | humanizePercentage }}.`,
    },
    {
      alert: 'LookoutHighLatency',
      signal: `histogram_quantile(0.95, ${q.sumBy(['le', ...byTenant], `rate(${q.sel(`${n.duration}_bucket`)}[${w}])`)})`,
      comparison: '>',
      threshold: a.latencyP95Seconds,
      for: a.for,
      severity: 'warning',
      summary: `${service}: p95 latency above ${a.latencyP95Seconds}s${forTenant}`,
      description: `p95 request duration over ${w} is {{ $value | humanizeDuration }}.`,
    },
    {
      alert: 'LookoutAuthFailureSpike',
      signal: q.sumBy(
        [],
        `rate(${q.sel(auth, [{ label: DOMAIN_LABELS.status, op: '=', value: 'failure' }])}[${w}])`,
      ),
      comparison: '>',
      threshold: a.authFailuresPerSecond,
      for: a.for,
      severity: 'warning',
      summary: `${service}: more than ${a.authFailuresPerSecond} failed logins per second`,
      description: `Failed authentications over ${w}: {{ $value | humanize }}/s (credential stuffing?).`,
    },
    {
      alert: 'LookoutAccountLockoutSpike',
      signal: q.sumBy(
        [],
        `increase(${q.sel(DOMAIN_METRIC_NAMES.securityEvents, [{ label: DOMAIN_LABELS.eventType, op: '=', value: 'account_locked' }])}[${a.lockoutWindow}])`,
      ),
      comparison: '>',
      threshold: a.lockouts,
      for: '0s',
      severity: 'warning',
      summary: `${service}: more than ${a.lockouts} accounts locked in ${a.lockoutWindow}`,
      description: 'Accounts locked after repeated failed logins: {{ $value | humanize }}.',
    },
    {
      alert: 'LookoutOperatorAuthFailureSpike',
      // Every route counts, public ones too: a wrong key sent to a public route is still a guess.
      signal: q.sumBy([], `increase(${guesses}[${w}])`),
      comparison: '>',
      threshold: a.operatorAuthFailures,
      for: '0s',
      severity: 'warning',
      summary: `${service}: more than ${a.operatorAuthFailures} requests with a missing or wrong operator key in ${w}`,
      description: `{{ $value | humanize }} requests, all routes and instances together, came without an operator key or with one that matches none: someone may be guessing keys (or a client such as Alertmanager holds an old one). \`${q.sumBy(['route', DOMAIN_LABELS.reason], `increase(${guesses}[${w}])`)}\` shows where they went: operator routes, or public ones such as the status page, where a wrong key may be a stale one or the application's own bearer token. The \`operator_auth_throttled\` log lines name the throttled client addresses, and an instance that counts at least \`operator.rateLimit.invalidKey.burst\` of these in a minute logs one \`operator_auth_failures\` line for it (failures by route and the number of client addresses, none named), so guessing spread over addresses that are never throttled shows in the logs too; slower guessing shows only in the counter. Rotate the operator keys if one may have leaked.`,
    },
    {
      alert: 'LookoutSlowDatabase',
      signal: `histogram_quantile(0.95, ${q.sumBy(['le', DOMAIN_LABELS.operation], `rate(${q.sel(dbBuckets)}[${w}])`)})`,
      comparison: '>',
      threshold: a.slowDbP95Seconds,
      for: a.for,
      severity: 'warning',
      summary: `${service}: database {{ $labels.operation }} p95 above ${a.slowDbP95Seconds}s`,
      description: 'p95 query duration is {{ $value | humanizeDuration }}.',
    },
    {
      alert: 'LookoutHealthCheckFailing',
      signal: q.agg('min', [HEALTH_METRIC_NAMES.checkLabel], q.sel(HEALTH_METRIC_NAMES.checkStatus)),
      comparison: '<',
      threshold: 0.5,
      for: a.for,
      severity: 'critical',
      summary: `${service}: health check {{ $labels.check }} is failing`,
      description: 'The check reports fail (0) on at least one instance.',
    },
    {
      alert: 'LookoutTargetDown',
      signal: q.sel(PROMETHEUS_SERIES.up),
      comparison: '<',
      threshold: 1,
      for: a.for,
      severity: 'critical',
      summary: `${service}: {{ $labels.instance }} cannot be scraped`,
      description: 'Prometheus failed to scrape the target (down, or the metrics token is wrong).',
    },
    {
      alert: 'LookoutCardinalityOverflow',
      signal: increase(LOOKOUT_METRIC_NAMES.cardinalityOverflow, [DOMAIN_LABELS.metric]),
      comparison: '>',
      threshold: 0,
      for: '0s',
      severity: 'warning',
      summary: `${service}: metric {{ $labels.metric }} hit its series budget`,
      description: `{{ $value | humanize }} label sets folded into __overflow__ in ${a.dropWindow}.`,
    },
    {
      alert: 'LookoutSpansDropped',
      signal: increase(TRACING_METRIC_NAMES.spansDropped, [DOMAIN_LABELS.reason]),
      comparison: '>',
      threshold: 0,
      for: '0s',
      severity: 'warning',
      summary: `${service}: spans dropped ({{ $labels.reason }})`,
      description: `{{ $value | humanize }} spans never reached the collector in ${a.dropWindow}.`,
    },
    {
      alert: 'LookoutLogBatchesDropped',
      signal: increase(LOGGING_METRIC_NAMES.batchesDropped, [DOMAIN_LABELS.reason]),
      comparison: '>',
      threshold: 0,
      for: '0s',
      severity: 'warning',
      summary: `${service}: Loki log batches dropped ({{ $labels.reason }})`,
      description: `{{ $value | humanize }} log batches never reached Loki in ${a.dropWindow}.`,
    },
    {
      alert: 'LookoutLogLinesDropped',
      signal: increase(LOGGING_METRIC_NAMES.linesDropped, [DOMAIN_LABELS.reason]),
      comparison: '>',
      threshold: 0,
      for: '0s',
      severity: 'warning',
      summary: `${service}: log lines dropped before stdout ({{ $labels.reason }})`,
      description: `{{ $value | humanize }} log lines were not written to stdout in ${a.dropWindow} (backlog: stdout's reader fell behind; write_failed: stdout failed).`,
    },
    {
      alert: 'LookoutLogRecordsDropped',
      signal: increase(LOGGING_METRIC_NAMES.recordsDropped, [DOMAIN_LABELS.reason]),
      comparison: '>',
      threshold: 0,
      for: '0s',
      severity: 'warning',
      summary: `${service}: log records dropped before the OTLP collector ({{ $labels.reason }})`,
      description: `{{ $value | humanize }} log records never reached the OTLP log collector in ${a.dropWindow}.`,
    },
    {
      alert: 'LookoutAlertDeliveryDeadLetters',
      signal: increase(
        ALERTING_METRIC_NAMES.deliveries,
        [ALERTING_LABELS.channel],
        [{ label: ALERTING_LABELS.outcome, op: '=', value: 'dead' }],
      ),
      comparison: '>',
      threshold: 0,
      for: '0s',
      severity: 'critical',
      summary: `${service}: alert deliveries to {{ $labels.channel }} dead-lettered`,
      description: `{{ $value | humanize }} deliveries gave up after every retry in ${a.dropWindow}; see alert history.`,
    },
  ]
}

/** The rule text of one spec. */
export function serviceAlertExpr(spec: ServiceAlertSpec): string {
  return `${spec.signal} ${spec.comparison} ${spec.threshold}`
}

/**
 * The service alerts as one Prometheus rule group (`lookout-service-<service>`); every alert carries `service`
 * and `severity` labels.
 *
 * @example
 * sloRulesToYaml({ groups: [serviceAlertGroup(model)], warnings: [] })
 */
export function serviceAlertGroup(model: GenerateModel): RuleGroup {
  const rules: AlertingRule[] = serviceAlertSpecs(model).map((s) => ({
    alert: s.alert,
    expr: serviceAlertExpr(s),
    for: s.for,
    labels: { [SLO_LABELS.service]: model.config.service, [SLO_LABELS.severity]: s.severity },
    annotations: { summary: s.summary, description: s.description },
  }))
  return { name: `lookout-service-${model.config.service}`, rules }
}
