import { getDefaultRedactor } from '../redact/defaultRedactor.ts'
import { applyBindings } from './bindContext.ts'
import { type ContextBindings, ContextStore, contextStorage } from './requestContext.ts'

/**
 * Runs `fn` in a fresh context scope (for background jobs, queue consumers, scripts): log lines inside carry the
 * given fields. Nested inside a request, the new scope starts from a copy of the request's fields.
 *
 * @example
 * await runWithContext({ tenantId: 'acme', job: 'nightly-report' }, () => buildReport())
 */
export function runWithContext<T>(fields: ContextBindings, fn: () => T): T {
  const scope = contextStorage.getStore()
  const parent = scope?.store
  const redact = parent?.redact ?? ((v: unknown) => getDefaultRedactor().redact(v))
  // The OpenTelemetry context in force carries over (the active span stays the parent of new spans).
  const store = new ContextStore(parent?.req, parent?.requestId, parent?.tenantId, redact, scope?.otel)
  if (parent !== undefined) {
    store.userId = parent.userId
    if (parent.bindings !== undefined) store.bindings = { ...parent.bindings }
  }
  applyBindings(store, fields)
  return contextStorage.run(store, fn)
}
