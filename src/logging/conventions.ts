/**
 * Names the logging area emits: metrics, event names and Loki stream labels. Dashboards and docs read these.
 */
export const LOGGING_METRIC_NAMES = Object.freeze({
  /** Loki batches dropped, by reason: `queue_full`, `rejected` (4xx), `retries_exhausted`, `shutdown`. */
  batchesDropped: 'lookout_log_batches_dropped_total',
  /** Log entries inside the dropped batches, by reason. */
  entriesDropped: 'lookout_log_entries_dropped_total',
  /** Loki batches accepted (2xx). */
  batchesSent: 'lookout_log_batches_sent_total',
  /**
   * Lines Lookout's stdout stream did not write, by reason: `backlog` (more were waiting than its bound while
   * stdout's reader lagged), `write_failed` (stdout failed, e.g. EPIPE).
   */
  linesDropped: 'lookout_log_lines_dropped_total',
  /** Request-log lines not written because sampling (`logging.requestLog.sampleRatio` < 1) left them out. */
  linesSampledOut: 'lookout_log_lines_sampled_out_total',
  /**
   * Log records that did not reach the OTLP logs endpoint, by reason: `queue_full`, `rejected` (a 4xx other than
   * 429), `retries_exhausted`, `shutdown`.
   */
  recordsDropped: 'lookout_log_records_dropped_total',
  /** Log records the OTLP logs endpoint accepted (2xx). */
  recordsExported: 'lookout_log_records_exported_total',
})

/** Reasons a batch is dropped. */
export const LOKI_DROP_REASONS = Object.freeze([
  'queue_full',
  'rejected',
  'retries_exhausted',
  'shutdown',
] as const)

/** A drop reason. */
export type LokiDropReason = (typeof LOKI_DROP_REASONS)[number]

/** Reasons an OTLP log record is dropped (the same as a Loki batch's). */
export const OTLP_LOG_DROP_REASONS = LOKI_DROP_REASONS

/** An OTLP log record drop reason. */
export type OtlpLogDropReason = (typeof OTLP_LOG_DROP_REASONS)[number]

/** Instrumentation scope of the OTLP log records Lookout exports. */
export const OTLP_LOG_SCOPE = 'lookout'

/** `event` field values of the lines Lookout writes itself. */
export const LOG_EVENTS = Object.freeze({
  request: 'request',
  startup: 'startup',
  shutdown: 'shutdown',
  lokiDown: 'loki_unreachable',
  lokiUp: 'loki_recovered',
  otlpLogsDown: 'otlp_logs_unreachable',
  otlpLogsUp: 'otlp_logs_recovered',
  /** A client address spent its allowance of requests without a valid operator key (once per throttling episode). */
  operatorAuthThrottled: 'operator_auth_throttled',
  /**
   * A minute in which the process counted at least `operator.rateLimit.invalidKey.burst` requests with a missing or
   * wrong operator key, from any number of addresses: counts by route and of addresses, never an address or a key.
   */
  operatorAuthFailures: 'operator_auth_failures',
})

/** Stream labels always set on Loki streams (plus configured ones). Never ids. */
export const LOKI_BASE_LABELS = Object.freeze(['service', 'environment', 'level'] as const)

/** Fields copied from each line into Loki structured metadata. */
export const LOKI_METADATA_FIELDS = Object.freeze(['trace_id', 'span_id', 'request_id'] as const)

/** Name of the thread-stream event the Loki worker posts to the main thread. */
export const LOKI_WORKER_EVENT = 'lookout:loki'

/**
 * `code` of the message the main thread posts to the Loki worker on stop: ship what you hold now (the worker
 * answers with a `drained` event). Sent before `end()`, because thread-stream's `end()` blocks the main thread
 * (`Atomics.wait`, up to 10 s, then it destroys the stream) until the worker's destination has closed.
 */
export const LOKI_DRAIN_MESSAGE = 'lookout:loki:drain'
