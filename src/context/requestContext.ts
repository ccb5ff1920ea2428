import { AsyncLocalStorage } from 'node:async_hooks'
import { type Context, ROOT_CONTEXT } from '@opentelemetry/api'
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
 * What the process-wide AsyncLocalStorage holds in one async scope: the request's store (`undefined` outside
 * any request) and the OpenTelemetry context of the scope, so one entry per request serves both.
 */
export interface ContextScope {
  /** The request (or `runWithContext`) store whose fields log lines carry. */
  readonly store: ContextStore | undefined
  /** The OpenTelemetry context active in this scope (what `context.active()` returns). */
  readonly otel: Context
}

/**
 * The mutable store of one request (or one `runWithContext` scope), which is also the scope it is entered as.
 * Trace ids are read lazily from the lifecycle request, because the tracing observer may set them after this
 * store is created.
 */
export class ContextStore implements ContextScope {
  /** The lifecycle request this store belongs to (absent for background scopes). */
  readonly req: LifecycleRequest | undefined
  requestId: string | undefined
  tenantId: string | undefined
  userId: string | undefined
  /** Extra app bindings, already redacted. */
  bindings: Record<string, unknown> | undefined = undefined
  /** Redacts a value once when it is bound (never per log line). */
  readonly redact: (value: unknown) => unknown
  /**
   * The OpenTelemetry context the request runs in (its server span), entered together with the store; set before
   * the store is entered, never while it is.
   */
  otel: Context

  constructor(
    req: LifecycleRequest | undefined,
    requestId: string | undefined,
    tenantId: string | undefined,
    redact: (value: unknown) => unknown,
    otel: Context = ROOT_CONTEXT,
  ) {
    this.req = req
    this.requestId = requestId
    this.tenantId = tenantId
    this.userId = undefined
    this.redact = redact
    this.otel = otel
  }

  /** The store is its own scope. */
  get store(): ContextStore {
    return this
  }
}

/** A scope entered by `context.with()`: another OpenTelemetry context over the same (shared, mutable) store. */
export class OtelScope implements ContextScope {
  readonly store: ContextStore | undefined
  readonly otel: Context

  constructor(store: ContextStore | undefined, otel: Context) {
    this.store = store
    this.otel = otel
  }
}

/**
 * The process-wide AsyncLocalStorage carrying {@link ContextScope}s: Lookout's request stores and, through
 * Lookout's context manager, OpenTelemetry's context. One for the process (stores are per request, so several
 * Lookout instances can share it).
 */
export const contextStorage = new AsyncLocalStorage<ContextScope>()

/** The store of the current scope, or `undefined` outside any request or `runWithContext` scope. */
export function currentStore(): ContextStore | undefined {
  return contextStorage.getStore()?.store
}
