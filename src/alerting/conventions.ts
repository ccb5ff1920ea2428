/**
 * Every name the alerting area emits: metrics, label names, HTTP headers. Dashboards and docs read these.
 */
export const ALERTING_METRIC_NAMES = Object.freeze({
  /** Counter `{severity}`: alerts that passed the cooldown and were routed. */
  fired: 'lookout_alerts_fired_total',
  /** Counter: repeats suppressed by the cooldown (recorded in history, not delivered). */
  suppressed: 'lookout_alerts_suppressed_total',
  /** Counter `{channel,outcome}`; outcome `delivered` | `retry` | `dead`. */
  deliveries: 'lookout_alert_deliveries_total',
  /** Histogram `{channel}`: time of one delivery attempt, seconds. */
  deliveryDuration: 'lookout_alert_delivery_duration_seconds',
  /** Gauge: deliveries waiting or in flight in the outbox. */
  outboxPending: 'lookout_alert_outbox_pending',
})

/** Label names used on the alerting metrics. */
export const ALERTING_LABELS = Object.freeze({ severity: 'severity', channel: 'channel', outcome: 'outcome' })

/** Delivery outcomes as counted. */
export type DeliveryOutcomeLabel = 'delivered' | 'retry' | 'dead'

/** Buckets of the delivery duration histogram (seconds). */
export const DELIVERY_DURATION_BUCKETS = Object.freeze([0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30])

/** Headers of the signed generic webhook (see docs/alerting.md for verification). */
export const WEBHOOK_HEADERS = Object.freeze({
  /** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>` */
  signature: 'lookout-signature',
  /** Stable per delivery across retries: receivers dedupe on it. */
  delivery: 'lookout-delivery',
  /** `trigger` | `resolve` | `acknowledge` */
  action: 'lookout-action',
})

/** Header carrying an alert action's idempotency key on every channel request (the same on every attempt). */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key'

/** Severities Lookout routes on (PagerDuty's set). */
export const SEVERITIES = Object.freeze(['critical', 'error', 'warning', 'info'] as const)
/** One of {@link SEVERITIES}. */
export type Severity = (typeof SEVERITIES)[number]

/** What a masked secret reads as; sending it back in a PUT keeps the stored secret. */
export const SECRET_MASK = '********'
