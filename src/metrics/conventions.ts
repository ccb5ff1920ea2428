/**
 * Every metric and label name Lookout emits for HTTP traffic, in one place. Generated dashboards and rules
 * read these same constants, so the two conventions stay consistent end to end.
 */

/** Which naming convention: the common Prometheus names or the OpenTelemetry semantic names. */
export type Conventions = 'prometheus' | 'otel'

/** Names of the HTTP RED metrics and their labels under one convention. */
export interface HttpMetricNames {
  /** Request counter family name (prometheus only; `undefined` under otel, which counts via the histogram). */
  readonly requests: string | undefined
  /** Duration histogram (seconds). */
  readonly duration: string
  /** In-flight gauge. */
  readonly inFlight: string
  /** Request body size histogram (bytes). */
  readonly requestSize: string
  /** Response body size histogram (bytes). */
  readonly responseSize: string
  /** The series that counts requests, for PromQL: `rate(<requestsSeries>[5m])`. */
  readonly requestsSeries: string
  readonly labels: {
    readonly method: string
    readonly route: string
    readonly status: string
    readonly tenant: string
  }
}

/** The HTTP RED metric names and labels under each `metrics.conventions` setting. */
export const HTTP_METRIC_NAMES: Readonly<Record<Conventions, HttpMetricNames>> = Object.freeze({
  prometheus: Object.freeze({
    requests: 'http_requests_total',
    duration: 'http_request_duration_seconds',
    inFlight: 'http_requests_in_flight',
    requestSize: 'http_request_size_bytes',
    responseSize: 'http_response_size_bytes',
    requestsSeries: 'http_requests_total',
    labels: Object.freeze({ method: 'method', route: 'route', status: 'status', tenant: 'tenant' }),
  }),
  otel: Object.freeze({
    requests: undefined,
    duration: 'http_server_request_duration_seconds',
    inFlight: 'http_server_active_requests',
    requestSize: 'http_server_request_body_size_bytes',
    responseSize: 'http_server_response_body_size_bytes',
    requestsSeries: 'http_server_request_duration_seconds_count',
    labels: Object.freeze({
      method: 'http_request_method',
      route: 'http_route',
      status: 'http_response_status_code',
      tenant: 'tenant',
    }),
  }),
})

/** prom-client's default duration buckets (seconds), used with `prometheus` conventions. */
export const PROMETHEUS_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
])

/** The OTel semantic-convention buckets for `http.server.request.duration` (seconds). */
export const OTEL_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
])

/** Body size buckets (bytes): 64 B to 4 MiB in ×4 steps. */
export const SIZE_BUCKETS: readonly number[] = Object.freeze([
  64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304,
])

/** Status label of a request whose client went away before the response was complete (nginx's 499). */
export const ABORTED_STATUS = '499'

/** Label value a series folds into when the cardinality budget is exhausted. */
export const OVERFLOW_VALUE = '__overflow__'

/** Tenant label value for tenants beyond the admitted count, and for requests without a tenant. */
export const OTHER_TENANT = 'other'
export const NO_TENANT = 'none'

/** Lookout's own operational metrics. */
export const LOOKOUT_METRIC_NAMES = Object.freeze({
  cardinalityOverflow: 'lookout_cardinality_overflow_total',
  scrapeDuration: 'lookout_metrics_scrape_duration_seconds',
  scrapeDenied: 'lookout_metrics_scrape_denied_total',
  hostCpu: 'lookout_host_cpu_utilization_ratio',
  hostMemory: 'lookout_host_memory_utilization_ratio',
  hostDisk: 'lookout_host_disk_utilization_ratio',
  rateLimited: 'lookout_rate_limited_total',
  operatorAuthFailures: 'lookout_operator_auth_failures_total',
  startTime: 'lookout_process_start_time_seconds',
})

/**
 * Reasons of `lookout_operator_auth_failures_total{route,reason}`: `missing` (an operator route without a key, or
 * with a malformed header), `invalid` (a key that matches none), `throttled` (a request whose key was not compared
 * because its address had spent its `operator.rateLimit.invalidKey` allowance). `route` is the template of the ops
 * route as mounted (with `http.routePrefix`), as in `lookout_rate_limited_total{route}`: operator routes have a
 * series per reason, public routes that read a key only `invalid` and `throttled` (a request without a key is no
 * failure there), and routes guarded by a credential of their own (`/metrics`) none.
 */
export const OPERATOR_AUTH_FAILURE_REASONS = Object.freeze(['missing', 'invalid', 'throttled'] as const)

/** A reason of `lookout_operator_auth_failures_total`. */
export type OperatorAuthFailureReason = (typeof OPERATOR_AUTH_FAILURE_REASONS)[number]

/** Label of `lookout_host_disk_utilization_ratio`: the configured path (`metrics.diskPath`). */
export const HOST_DISK_LABEL = 'mountpoint'

/** Name and labels of the build-info series (always 1) under one convention. */
export interface BuildInfoNames {
  readonly metric: string
  readonly labels: { readonly version: string; readonly commit: string; readonly runtime: string }
}

/**
 * The build-info series under each `metrics.conventions` setting: `lookout_build_info{version,commit,node_version}`,
 * or OTel's resource series `target_info{service_version,vcs_ref_head_revision,process_runtime_version}`.
 */
export const BUILD_INFO_NAMES: Readonly<Record<Conventions, BuildInfoNames>> = Object.freeze({
  prometheus: Object.freeze({
    metric: 'lookout_build_info',
    labels: Object.freeze({ version: 'version', commit: 'commit', runtime: 'node_version' }),
  }),
  otel: Object.freeze({
    metric: 'target_info',
    labels: Object.freeze({
      version: 'service_version',
      commit: 'vcs_ref_head_revision',
      runtime: 'process_runtime_version',
    }),
  }),
})

/** `commit` label value when no commit is configured. */
export const UNKNOWN_COMMIT = 'unknown'

/**
 * Label names refused at registration: each would create one series per user/request/session.
 * Compared after lower-casing and removing `_`/`-`.
 */
export const FORBIDDEN_LABELS: ReadonlySet<string> = new Set([
  'userid',
  'user',
  'username',
  'requestid',
  'sessionid',
  'session',
  'traceid',
  'spanid',
  'email',
  'emailaddress',
  'path',
  'url',
  'rawpath',
  'ip',
  'clientip',
  'token',
  'correlationid',
])
