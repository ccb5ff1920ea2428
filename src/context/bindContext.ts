import { type ContextBindings, type ContextStore, currentStore } from './requestContext.ts'

/**
 * Adds fields to the current request context: every later log line of this request (and of anything it awaits,
 * schedules or emits) carries them. Values are redacted once, here. Outside a request it does nothing and
 * returns `false`.
 *
 * `tenantId` → `tenant_id`, `userId` → `user_id`; other keys are kept as given.
 *
 * @example
 * app.addHook('preHandler', async (req) => { bindContext({ tenantId: req.user.tenant, userId: req.user.id }) })
 */
export function bindContext(fields: ContextBindings): boolean {
  const store = currentStore()
  if (store === undefined) return false
  applyBindings(store, fields)
  return true
}

/** Applies bindings to a store (redacting each value once). */
export function applyBindings(store: ContextStore, fields: ContextBindings): void {
  for (const key of Object.keys(fields)) {
    const value = fields[key]
    if (value === undefined) continue
    if (key === 'tenantId' || key === 'tenant_id') store.tenantId = String(store.redact(String(value)))
    else if (key === 'userId' || key === 'user_id') store.userId = String(store.redact(String(value)))
    else if (key === 'requestId' || key === 'request_id')
      store.requestId = String(store.redact(String(value)))
    else {
      store.bindings ??= {}
      store.bindings[key] = (store.redact({ [key]: value }) as Record<string, unknown>)[key]
    }
  }
}
