import {
  type Attributes,
  type Context,
  context,
  defaultTextMapGetter,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
} from '@opentelemetry/api'
import type { LifecycleRequest } from '../http/lifecycleRequest.ts'
import type { RequestObserver } from '../http/requestObserver.ts'
import { HTTP_SPAN_ATTRIBUTES as A, TRACE_ID_HEADER } from './conventions.ts'
import type { TracingRuntime } from './createTracing.ts'
import { errorTypeOf, toSpanException } from './recordException.ts'
import { redactQuery } from './redactQuery.ts'
import { ServerSpanContext } from './serverSpanContext.ts'
import type { SpanRedactor } from './spanRedactor.ts'

/** Inputs of {@link createServerSpanObserver}. */
export interface ServerSpanObserverOptions {
  readonly runtime: TracingRuntime
  readonly redactor: SpanRedactor
  /** Client IP after trusted-proxy resolution. */
  readonly clientIp: (req: LifecycleRequest) => string | undefined
  /** Route (or path) excluded from tracing on top of `req.excluded`. */
  readonly isExcluded: (routeOrPath: string) => boolean
  /** Any tracing-only exclusions configured (skips the check entirely when false). */
  readonly hasExclusions: boolean
  /** Route value of unmatched requests (never put in a span name or `http.route`). */
  readonly unmatchedRoute: string
  /** Trust `X-Forwarded-Proto` for `url.scheme` (a proxy list is configured). */
  readonly trustForwardedProto: boolean
  /** Header that carries the request id on outbound calls, or `undefined` to not inject it. */
  readonly outboundRequestIdHeader: string | undefined
  /**
   * The request context observer enters `req.otelContext` with the request's store (one async context entry per
   * request), so this observer does not wrap. Default `false`: it enters the span's context itself.
   */
  readonly contextEntersSpan?: boolean
}

/**
 * The HTTP SERVER span of every request, created by Lookout from the lifecycle core (not by patching http), so
 * ESM and bundled apps are traced the same way:
 *
 * - `onStart`: honours an incoming `traceparent`/`tracestate`/`baggage`, starts the span (`{method} {route}`
 *   when the route is known, else `{method}`), fills `req.traceId/spanId/sampled/span` (exemplars and log
 *   correlation read them) and adds `X-Trace-Id` to the response headers;
 * - the rest of the request runs inside the span's context (`req.otelContext`), so outbound calls and
 *   `withSpan()` become children: entered by the request context with its store, or by this observer's `wrap`
 *   when there is no request context;
 * - `onFinish`: final name, OTel HTTP semantic-convention attributes, status (5xx error, 4xx unset), the handler's exception
 *   with a redacted message, end.
 *
 * An unsampled request allocates no span object of the SDK and no attributes: a root is decided on its trace id
 * first (`runtime.recordsRoot`), and a non-recording span carries only the ids, for propagation and logs.
 *
 * @example
 * lookout.core.addObserver(createServerSpanObserver({ runtime, redactor, clientIp, isExcluded, … }))
 */
export function createServerSpanObserver(options: ServerSpanObserverOptions): RequestObserver {
  const { runtime, redactor, clientIp, isExcluded, hasExclusions, unmatchedRoute, trustForwardedProto } =
    options
  const idHeader = options.outboundRequestIdHeader
  const tracer = runtime.tracer
  const propagator = runtime.propagator
  const propagates = propagator.fields().length > 0
  const errorTracer = runtime.errorTracer
  const recordsRoot = runtime.recordsRoot
  const preRedacted = runtime.preRedacted
  const startOptions = { kind: SpanKind.SERVER }
  // Parents of unsampled requests, kept only when a 5xx may still be recorded (keepErrors).
  const parents = errorTracer === undefined ? undefined : new WeakMap<LifecycleRequest, Context>()
  function spanName(method: string, route: string): string {
    const m = method === '_OTHER' ? 'HTTP' : method
    return route === '' || route === unmatchedRoute ? m : `${m} ${route}`
  }

  let lastHost = ''
  let lastHostRedacted = ''
  let lastIp = ''
  let lastIpRedacted = ''
  let lastUa = ''
  let lastUaRedacted = ''

  function attributesOf(req: LifecycleRequest): Attributes {
    const headers = req.headers
    const url = req.url
    const q = url.indexOf('?')
    const path = q === -1 ? url : url.slice(0, q)
    // Assigned one by one (constant keys: each store stays a fast transition), not a literal with computed keys.
    const attrs: Attributes = {}
    attrs[A.method] = req.method
    attrs[A.urlPath] = redactor.redactString(path)
    attrs[A.urlScheme] = scheme(headers['x-forwarded-proto'])
    attrs[A.status] = req.status
    attrs[A.protocolVersion] = headers[':method'] === undefined ? '1.1' : '2'
    if (req.method === '_OTHER') attrs[A.methodOriginal] = redactor.redactString(req.rawMethod)
    if (q !== -1 && q < url.length - 1) attrs[A.urlQuery] = redactQuery(url.slice(q + 1), redactor)
    if (req.route !== '' && req.route !== unmatchedRoute) attrs[A.route] = req.route
    const host = headers.host ?? headers[':authority']
    if (typeof host === 'string' && host !== '') {
      const { address, port } = splitHost(host)
      // Client-supplied (Host header), and the same on nearly every request: redacted once per distinct value.
      if (address !== lastHost) {
        lastHost = address
        lastHostRedacted = redactor.redactString(address)
      }
      attrs[A.serverAddress] = lastHostRedacted
      if (port !== undefined) attrs[A.serverPort] = port
    }
    const ip = clientIp(req)
    if (ip !== undefined) {
      // Consecutive requests often come from the same peer and client: redacted once per run of equal values.
      if (ip !== lastIp) {
        lastIp = ip
        lastIpRedacted = redactor.redactString(ip)
      }
      attrs[A.clientAddress] = lastIpRedacted
    }
    const ua = headers['user-agent']
    if (typeof ua === 'string') {
      if (ua !== lastUa) {
        lastUa = ua
        lastUaRedacted = redactor.redactString(ua)
      }
      attrs[A.userAgent] = lastUaRedacted
    }
    if (req.requestBytes > 0) attrs[A.requestBodySize] = req.requestBytes
    if (req.responseBytes > 0) attrs[A.responseBodySize] = req.responseBytes
    // Client-supplied ids and tenant values go through the redactor, as on the log line.
    attrs[A.requestId] = req.requestIdGenerated ? req.requestId : redactor.redactString(req.requestId)
    if (req.tenant !== undefined) attrs[A.tenant] = redactor.redactString(req.tenant)
    return attrs
  }

  function scheme(forwarded: string | string[] | undefined): string {
    if (trustForwardedProto && typeof forwarded === 'string') {
      const first = forwarded.split(',')[0]!.trim().toLowerCase()
      if (first === 'https' || first === 'http') return first
    }
    return 'http'
  }

  /** Names the span and sets its attributes, status and exception; returns the attributes (already redacted). */
  function complete(span: Span, req: LifecycleRequest): Attributes {
    span.updateName(spanName(req.method, req.route))
    const attrs = attributesOf(req)
    span.setAttributes(attrs)
    const status = req.status
    const error = req.error
    if (error !== undefined) span.recordException(toSpanException(error, redactor))
    if (status >= 500) {
      span.setAttribute(A.errorType, error === undefined ? String(status) : errorTypeOf(error))
      span.setStatus({ code: SpanStatusCode.ERROR })
    } else if (req.aborted) {
      span.setAttribute(A.errorType, 'aborted')
    }
    return attrs
  }

  /** Ends the span; the redacting processor, called within `end()`, does not scan `attrs` again. */
  function endPreRedacted(span: Span, attrs: Attributes): void {
    preRedacted.span = span
    preRedacted.attributes = attrs
    try {
      span.end()
    } finally {
      preRedacted.span = undefined
      preRedacted.attributes = undefined
    }
  }

  const observer: RequestObserver = {
    name: 'tracing',
    onStart(req) {
      if (req.excluded) return
      if (hasExclusions && isExcluded(req.route === '' ? req.path : req.route)) return
      const headers = req.headers
      // Fast path: no propagation headers → a root span, no extraction.
      const parent =
        propagates && (headers.traceparent !== undefined || headers.baggage !== undefined)
          ? propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter)
          : ROOT_CONTEXT
      let span: Span
      if (parent === ROOT_CONTEXT && recordsRoot !== undefined) {
        // A root is decided on its trace id before any span is built: an unsampled one is only its ids.
        const traceId = runtime.newTraceId()
        const spanId = runtime.newSpanId()
        if (recordsRoot(traceId)) {
          const next = runtime.nextIds
          next.traceId = traceId
          next.spanId = spanId
          next.rootRecorded = true
          span = tracer.startSpan(spanName(req.method, req.route), startOptions, parent)
          // Normally taken by the SDK already; never left for another span.
          next.traceId = undefined
          next.spanId = undefined
          next.rootRecorded = false
        } else span = trace.wrapSpanContext({ traceId, spanId, traceFlags: TraceFlags.NONE })
      } else span = tracer.startSpan(spanName(req.method, req.route), startOptions, parent)
      const sc = span.spanContext()
      req.span = span
      req.traceId = sc.traceId
      req.spanId = sc.spanId
      req.sampled = (sc.traceFlags & TraceFlags.SAMPLED) !== 0
      if (req.responseHeaders === undefined) req.responseHeaders = [TRACE_ID_HEADER, sc.traceId]
      else req.responseHeaders.push(TRACE_ID_HEADER, sc.traceId)
      req.otelContext = new ServerSpanContext(parent, span, idHeader, req.requestId)
      if (parents !== undefined && !req.sampled && parent !== ROOT_CONTEXT) parents.set(req, parent)
    },
    onFinish(req) {
      const span = req.span as Span | undefined
      if (span === undefined) return
      // A route excluded only once known: the span is dropped (never ended → never exported).
      if (hasExclusions && isExcluded(req.route)) return
      if (span.isRecording()) {
        endPreRedacted(span, complete(span, req))
        return
      }
      if (errorTracer !== undefined && req.status >= 500) keepError(req)
    },
  }
  if (options.contextEntersSpan === true) return observer
  return {
    ...observer,
    wrap(req, next) {
      const ctx = req.otelContext as Context | undefined
      if (ctx === undefined) next()
      else context.with(ctx, next)
    },
  }

  /** Records the 5xx server span of an unsampled request under the trace/span ids its logs already carry. */
  function keepError(req: LifecycleRequest): void {
    const parent = parents?.get(req) ?? ROOT_CONTEXT
    if (parent === ROOT_CONTEXT) runtime.nextIds.traceId = req.traceId
    runtime.nextIds.spanId = req.spanId
    const span = errorTracer!.startSpan(
      spanName(req.method, req.route),
      { kind: SpanKind.SERVER, startTime: req.startEpochMs },
      parent,
    )
    runtime.nextIds.traceId = undefined
    runtime.nextIds.spanId = undefined
    const attrs = complete(span, req)
    span.setAttribute(A.keptError, true)
    endPreRedacted(span, attrs)
  }
}

function splitHost(host: string): { address: string; port: number | undefined } {
  if (host.startsWith('[')) {
    const end = host.indexOf(']')
    const address = end === -1 ? host : host.slice(1, end)
    const port = end !== -1 && host[end + 1] === ':' ? Number(host.slice(end + 2)) : undefined
    return { address, port: port !== undefined && Number.isInteger(port) ? port : undefined }
  }
  const colon = host.lastIndexOf(':')
  if (colon === -1) return { address: host, port: undefined }
  const port = Number(host.slice(colon + 1))
  return { address: host.slice(0, colon), port: Number.isInteger(port) && port > 0 ? port : undefined }
}
