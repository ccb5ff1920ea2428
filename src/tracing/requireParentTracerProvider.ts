import {
  type Context,
  context,
  INVALID_SPAN_CONTEXT,
  type Span,
  type SpanOptions,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api'

/**
 * A tracer provider whose tracers start a span only under a parent span (otherwise a non-recording one), for
 * instrumentations without a `requireParentSpan` option: a driver's start-up queries, pool pings and migrations
 * outside a request then never become root traces, as with every other Lookout client span.
 *
 * @example
 * mysql2Instrumentation.setTracerProvider(requireParentTracerProvider(provider))
 */
export function requireParentTracerProvider(provider: TracerProvider): TracerProvider {
  return {
    getTracer(name, version, options) {
      const tracer = provider.getTracer(name, version, options)
      const startSpan = (
        spanName: string,
        spanOptions?: SpanOptions,
        ctx: Context = context.active(),
      ): Span =>
        trace.getSpan(ctx) === undefined
          ? trace.wrapSpanContext(INVALID_SPAN_CONTEXT)
          : tracer.startSpan(spanName, spanOptions, ctx)
      const startActiveSpan = (spanName: string, ...rest: unknown[]): unknown => {
        const fn = rest[rest.length - 1] as (span: Span) => unknown
        const spanOptions = rest.length >= 2 ? (rest[0] as SpanOptions | undefined) : undefined
        const ctx = rest.length >= 3 ? (rest[1] as Context) : context.active()
        const span = startSpan(spanName, spanOptions, ctx)
        return context.with(trace.setSpan(ctx, span), fn, undefined, span)
      }
      return { startSpan, startActiveSpan } as Tracer
    },
  }
}
