/**
 * Every name the tracing area emits, in one place: its own metrics, the span attribute keys of the HTTP server
 * span (OTel HTTP semantic conventions) and the domain presets' keys.
 */

/** Metrics of the span pipeline. */
export const TRACING_METRIC_NAMES = Object.freeze({
  /** Spans that never reached the exporter: queue full, export failed or timed out, shut down. Label `reason`. */
  spansDropped: 'lookout_spans_dropped_total',
  /** Spans handed to the exporter successfully. */
  spansExported: 'lookout_spans_exported_total',
  /** Export calls that failed (collector down, timeout, rejected). */
  exportFailures: 'lookout_span_export_failures_total',
  /** OTLP metric pushes that failed. */
  metricExportFailures: 'lookout_otlp_metric_export_failures_total',
})

/** Values of the `reason` label of `lookout_spans_dropped_total`. */
export const SPAN_DROP_REASONS = Object.freeze(['queue_full', 'export_failed', 'shutdown'] as const)
export type SpanDropReason = (typeof SPAN_DROP_REASONS)[number]

/** Attribute keys of the HTTP server span. */
export const HTTP_SPAN_ATTRIBUTES = Object.freeze({
  method: 'http.request.method',
  methodOriginal: 'http.request.method_original',
  route: 'http.route',
  status: 'http.response.status_code',
  urlPath: 'url.path',
  urlQuery: 'url.query',
  urlScheme: 'url.scheme',
  urlFull: 'url.full',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  clientAddress: 'client.address',
  protocolVersion: 'network.protocol.version',
  userAgent: 'user_agent.original',
  errorType: 'error.type',
  requestBodySize: 'http.request.body.size',
  responseBodySize: 'http.response.body.size',
  requestId: 'lookout.request_id',
  tenant: 'lookout.tenant_id',
  keptError: 'lookout.sampling.kept_error',
})

/** Response header carrying the trace id. */
export const TRACE_ID_HEADER = 'x-trace-id'

/** Instrumentation scope name of Lookout's own spans. */
export const TRACER_NAME = 'lookout'
