/**
 * Field names of the JSON lines Lookout writes (every line: `msg`; request log: src/logging/requestLogObserver.ts;
 * instrument events with the preset's dimension values: src/logging/instrumentLogHooks.ts; context:
 * src/context/getContext.ts) and span attribute keys of the `instrument()` spans (src/tracing/instrumentSpans.ts)
 * that the generated LogQL/TraceQL read.
 */
export const LOG_FIELDS = Object.freeze({
  message: 'msg',
  event: 'event',
  route: 'route',
  method: 'method',
  status: 'status',
  durationMs: 'duration_ms',
  tenantId: 'tenant_id',
  traceId: 'trace_id',
  eventType: 'event_type',
  operation: 'operation',
  durationSeconds: 'duration_seconds',
  reason: 'reason',
  grantType: 'grant_type',
  resource: 'resource',
  action: 'action',
})

/** Span attribute keys of the auth preset's spans (`auth.login`). */
export const AUTH_SPAN_ATTRIBUTES = Object.freeze({ type: 'auth.type', status: 'auth.status' })

/** Resource attribute of every span naming the service (OTel semantic conventions). */
export const SERVICE_NAME_ATTRIBUTE = 'service.name'
