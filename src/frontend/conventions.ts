/**
 * Every name the front-end area emits or serves, in one place: metric and label names, label values, routes.
 * Dashboards and rules read these same constants.
 */

/** Metric names of the front-end area. */
export const FRONTEND_METRIC_NAMES = Object.freeze({
  /** Tunnel requests by outcome (see {@link TUNNEL_OUTCOMES}). */
  tunnelRequests: 'lookout_sentry_tunnel_requests_total',
  /** Lightweight error reports by app (allow-listed, else `other`) and kind. */
  frontendErrors: 'lookout_frontend_errors_total',
  /** Server-side forwarding of error reports to Sentry, by outcome (`sent`, `failed`, `dropped`). */
  reportForwards: 'lookout_sentry_report_forwards_total',
  /** Accepted public events, by event and the catalog's label keys. */
  publicEvents: 'lookout_public_events_total',
  /** Refused public events, by reason (see {@link EVENT_REJECT_REASONS}). */
  publicEventsRejected: 'lookout_public_events_rejected_total',
})

/** Label names of the front-end metrics. */
export const FRONTEND_LABELS = Object.freeze({
  outcome: 'outcome',
  app: 'app',
  kind: 'kind',
  event: 'event',
  reason: 'reason',
})

/** Outcomes of `lookout_sentry_tunnel_requests_total`. */
export const TUNNEL_OUTCOMES = Object.freeze([
  /** Upstream answered 2xx. */
  'forwarded',
  /** Upstream answered 429. */
  'upstream_rate_limited',
  /** Upstream answered another 4xx/5xx (status passed back). */
  'upstream_error',
  /** Upstream answered 3xx: never followed; the client gets 502. */
  'upstream_redirect',
  /** No answer within the upstream timeout: 504. */
  'upstream_timeout',
  /** Connection refused/reset, DNS failure: 502. */
  'upstream_unreachable',
  /** Too many forwards already in flight: 503. */
  'overloaded',
  /** Content type other than text/plain, application/x-sentry-envelope, application/octet-stream: 415. */
  'unsupported_media_type',
  /** Empty body, header line missing/too long/not JSON, or no `dsn`: 400. */
  'invalid_envelope',
  /** DSN not on the allow-list (or not a DSN at all): 403. */
  'dsn_rejected',
] as const)

export type TunnelOutcome = (typeof TUNNEL_OUTCOMES)[number]

/** Reasons of `lookout_public_events_rejected_total`. */
export const EVENT_REJECT_REASONS = Object.freeze([
  'unsupported_media_type',
  'invalid_json',
  'invalid_body',
  'batch_too_large',
  'invalid_event',
  'pii_key',
  'pii_value',
  'unknown_event',
  'unknown_label',
  'label_value_not_allowed',
  'value_out_of_range',
] as const)

export type EventRejectReason = (typeof EVENT_REJECT_REASONS)[number]

/** Kinds of lightweight error reports (`kind` in the body; default `error`). */
export const REPORT_KINDS = Object.freeze([
  'error',
  'unhandledrejection',
  'resource',
  'network',
  'csp',
  'console',
  'other',
] as const)

export type ReportKind = (typeof REPORT_KINDS)[number]

/** Levels of lightweight error reports (Sentry's levels). */
export const REPORT_LEVELS = Object.freeze(['fatal', 'error', 'warning', 'info', 'debug'] as const)

export type ReportLevel = (typeof REPORT_LEVELS)[number]

/** The `app` label value of reports from apps that are not on the allow-list. */
export const OTHER_APP = 'other'

/** Outcomes of `lookout_sentry_report_forwards_total`. */
export const REPORT_FORWARD_OUTCOMES = Object.freeze(['sent', 'failed', 'dropped'] as const)

/** Routes of the front-end area (the events path is configurable; this is its default). */
export const FRONTEND_ROUTES = Object.freeze({
  sentryConfig: '/observability/sentry/config',
  sentryEnvelope: '/observability/sentry/envelope',
  sentryReport: '/observability/sentry/report',
  publicEvents: '/api/v1/metrics',
})

/** Response headers of the upstream passed back to the browser SDK by the tunnel. */
export const PASSED_BACK_HEADERS = Object.freeze(['retry-after', 'x-sentry-rate-limits'] as const)

/** Content types the tunnel accepts (`''` = no Content-Type, which `fetch` sends for binary bodies). */
export const ENVELOPE_CONTENT_TYPES: ReadonlySet<string> = new Set([
  'application/x-sentry-envelope',
  'text/plain',
  'application/octet-stream',
  '',
])
