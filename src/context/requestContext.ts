import { AsyncLocalStorage } from 'node:async_hooks'
import type { LifecycleRequest } from '../http/lifecycleRequest.ts'

/** Fields app code may bind (`bindContext`). Extra keys become log fields as given. */
export interface ContextBindings {
  readonly tenantId?: string
  readonly userId?: string | number
  readonly [key: string]: unknown
}

/** A snapshot of the current context, as log lines carry it. */
export interface RequestContext {
  readonly request_id?: string
  readonly tenant_id?: string
  readonly user_id?: string
  readonly trace_id?: string
  readonly span_id?: string
  readonly [key: string]: unknown
}

/**
 * The mutable store of one request (or one `runWithContext` scope). Trace ids are read lazily from the
 * lifecycle request, because the tracing observer may set them after this store is created.
 */
export class ContextStore {
  /** The lifecycle request this store belongs to (absent for background scopes). */
  readonly req: LifecycleRequest | undefined
  requestId: string | undefined
  tenantId: string | undefined
  userId: string | undefined
  /** Extra app bindings, already redacted. */
  bindings: Record<string, unknown> | undefined = undefined
  /** Redacts a value once when it is bound (never per log line). */
  readonly redact: (value: unknown) => unknown

  constructor(
    req: LifecycleRequest | undefined,
    requestId: string | undefined,
    tenantId: string | undefined,
    redact: (value: unknown) => unknown,
  ) {
    this.req = req
    this.requestId = requestId
    this.tenantId = tenantId
    this.userId = undefined
    this.redact = redact
  }
}

/**
 * The process-wide AsyncLocalStorage carrying {@link ContextStore}s. One for the process (stores are per
 * request, so several Lookout instances can share it).
 */
export const contextStorage = new AsyncLocalStorage<ContextStore>()
