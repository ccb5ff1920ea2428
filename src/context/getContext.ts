import { trace } from '@opentelemetry/api'
import { type ContextStore, currentStore, type RequestContext } from './requestContext.ts'

/**
 * The current request context (request id, tenant, user, trace and span ids, app bindings), or `undefined`
 * outside any request or `runWithContext` scope.
 *
 * @example
 * const ctx = getContext()
 * await audit.write({ actor: ctx?.user_id, request: ctx?.request_id })
 */
export function getContext(): RequestContext | undefined {
  const store = currentStore()
  if (store === undefined) {
    const ids = activeSpanIds()
    return ids === undefined ? undefined : { trace_id: ids[0], span_id: ids[1] }
  }
  return contextFields(store)
}

/**
 * The log fields of a store, as a fresh object (pino's mixin merges into it). The active OTel span wins over the
 * request's server span so lines inside `instrument()` child spans carry the child's span id (pass
 * `useActiveSpan = false` when writing about the request from outside its context, e.g. at finish).
 */
export function contextFields(store: ContextStore, useActiveSpan = true): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  if (store.requestId !== undefined) out.request_id = store.requestId
  if (store.tenantId !== undefined) out.tenant_id = store.tenantId
  if (store.userId !== undefined) out.user_id = store.userId
  const ids = useActiveSpan ? activeSpanIds() : undefined
  if (ids !== undefined) {
    out.trace_id = ids[0]
    out.span_id = ids[1]
  } else if (store.req?.traceId !== undefined) {
    out.trace_id = store.req.traceId
    if (store.req.spanId !== undefined) out.span_id = store.req.spanId
  }
  const b = store.bindings
  if (b !== undefined) for (const k in b) out[k] = b[k]
  return out
}

/** Fields for a log line written now: the context's, or only the active span's ids outside a request. */
export function currentLogFields(): Record<string, unknown> {
  const store = currentStore()
  if (store !== undefined) return contextFields(store)
  const ids = activeSpanIds()
  return ids === undefined ? {} : { trace_id: ids[0], span_id: ids[1] }
}

const INVALID_TRACE = '00000000000000000000000000000000'

/** The trace and span ids of the active OpenTelemetry span, or `undefined` when there is none (or it is invalid). */
export function activeSpanIds(): [string, string] | undefined {
  const span = trace.getActiveSpan()
  if (span === undefined) return undefined
  const sc = span.spanContext()
  if (sc.traceId === INVALID_TRACE) return undefined
  return [sc.traceId, sc.spanId]
}
