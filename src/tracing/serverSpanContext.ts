import { type Context, type Span, trace } from '@opentelemetry/api'
import { type OutboundRequestId, REQUEST_ID_CONTEXT_KEY } from './requestIdPropagator.ts'

/** The key `trace.setSpan` stores a span under, read once through the public API. */
const SPAN_KEY: symbol = (() => {
  let key: symbol | undefined
  const probe: Context = {
    getValue: () => undefined,
    setValue(k) {
      key = k
      return probe
    },
    deleteValue: () => probe,
  }
  trace.setSpan(probe, trace.wrapSpanContext({ traceId: '', spanId: '', traceFlags: 0 }))
  return key ?? Symbol.for('OpenTelemetry Context Key SPAN')
})()

/**
 * The OpenTelemetry context a request runs in, as one object: its server span and the request id outbound calls
 * carry, over the parent context (root, or the one extracted from `traceparent`). Reading a value is a key
 * comparison; setting one (a child span, suppression) links a new context to this one, so no map is copied per
 * request. It is its own {@link OutboundRequestId}.
 *
 * @example
 * context.with(new ServerSpanContext(ROOT_CONTEXT, span, 'x-request-id', req.requestId), handler)
 */
export class ServerSpanContext implements Context, OutboundRequestId {
  readonly parent: Context
  readonly span: Span
  /** Header the request id travels in on outbound calls; `undefined` = not injected. */
  readonly header: string
  readonly requestId: string

  constructor(parent: Context, span: Span, header: string | undefined, requestId: string) {
    this.parent = parent
    this.span = span
    this.header = header ?? ''
    this.requestId = requestId
  }

  getValue(key: symbol): unknown {
    if (key === SPAN_KEY) return this.span
    if (key === REQUEST_ID_CONTEXT_KEY && this.header !== '') return this
    return this.parent.getValue(key)
  }

  setValue(key: symbol, value: unknown): Context {
    return new LinkedContext(this, key, value)
  }

  deleteValue(key: symbol): Context {
    return new LinkedContext(this, key, undefined)
  }
}

/** One value over a parent context (what `setValue` on a {@link ServerSpanContext} and its descendants returns). */
class LinkedContext implements Context {
  readonly parent: Context
  readonly key: symbol
  readonly value: unknown

  constructor(parent: Context, key: symbol, value: unknown) {
    this.parent = parent
    this.key = key
    this.value = value
  }

  getValue(key: symbol): unknown {
    let ctx: Context = this
    while (ctx instanceof LinkedContext) {
      if (ctx.key === key) return ctx.value
      ctx = ctx.parent
    }
    return ctx.getValue(key)
  }

  setValue(key: symbol, value: unknown): Context {
    return new LinkedContext(this, key, value)
  }

  deleteValue(key: symbol): Context {
    return new LinkedContext(this, key, undefined)
  }
}
