import {
  type Context,
  context,
  createContextKey,
  type TextMapPropagator,
  type TextMapSetter,
} from '@opentelemetry/api'

/** Context key under which a traced request carries its id to outbound calls. */
export const REQUEST_ID_CONTEXT_KEY = createContextKey('lookout.request_id')

/** What the server span's context carries for outbound injection. */
export interface OutboundRequestId {
  /** Header name (lower case), e.g. `x-request-id`. */
  readonly header: string
  readonly requestId: string
}

/**
 * The request id of the request being handled, when called inside one (tracing on).
 *
 * @example
 * await fetch(url, { headers: { 'x-correlation-id': currentRequestId() ?? '' } })
 */
export function currentRequestId(): string | undefined {
  const value = context.active().getValue(REQUEST_ID_CONTEXT_KEY) as OutboundRequestId | undefined
  return value?.requestId
}

/**
 * A propagator that injects the current request id (default header `X-Request-Id`) beside `traceparent`, so
 * downstream logs join up even when the trace was not sampled. Inject-only: incoming ids are read by the
 * lifecycle core. The official undici and http instrumentations call the global propagator for every outbound
 * request, so composing this one into it covers fetch, undici and `node:http`.
 *
 * @example
 * new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new RequestIdPropagator()] })
 */
export class RequestIdPropagator implements TextMapPropagator {
  inject(ctx: Context, carrier: unknown, setter: TextMapSetter): void {
    const value = ctx.getValue(REQUEST_ID_CONTEXT_KEY) as OutboundRequestId | undefined
    if (value !== undefined) setter.set(carrier, value.header, value.requestId)
  }
  extract(ctx: Context): Context {
    return ctx
  }
  fields(): string[] {
    return []
  }
}
