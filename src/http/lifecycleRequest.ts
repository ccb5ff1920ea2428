import type { IncomingHttpHeaders } from 'node:http'
import { performance } from 'node:perf_hooks'
import type { RouteSeries } from '../metrics/httpMetrics.ts'

// Wall clock = monotonic + offset; the offset is re-read when older than a second, so clock adjustments (NTP)
// show up within a second, and requests do not pay a Date.now() each.
let offset = Date.now() - performance.now()
let offsetAt = performance.now()

function epochOf(monotonicMs: number): number {
  if (monotonicMs - offsetAt > 1000 || monotonicMs < offsetAt - 1000) {
    offsetAt = performance.now()
    offset = Date.now() - offsetAt
  }
  return offset + monotonicMs
}

/**
 * The one object a request carries through Lookout, from the adapter's first hook to its last. Every field is
 * declared up front (one hidden class for V8); feature slots (`traceId`, `span`, `context`, …) are filled by the
 * observers of the areas that are switched on.
 */
export class LifecycleRequest {
  /** Normalised method: a known HTTP method, or `_OTHER`. */
  method: string
  /** The method as received. */
  rawMethod: string
  /** Raw URL (path + query) as received. Never used as a label. */
  url: string
  /** Route template (`/users/:id`) or the unmatched constant; `''` until known. */
  route = ''
  /** Validated incoming request id, or a generated one. */
  requestId: string
  /** Tenant id from the tenant header (validated), if any. */
  tenant: string | undefined
  /** `performance.now()` at start. */
  readonly startTime: number
  /** Final status code (0 until finished). */
  status = 0
  /** Duration in seconds, set at finish. */
  durationSeconds = 0
  /** Request body bytes (from `content-length`; 0 when unknown). */
  requestBytes = 0
  /** Response body bytes (from `content-length`; 0 when unknown). */
  responseBytes = 0
  /** Error thrown by the handler, if any. */
  error: unknown = undefined
  /** The client went away before the response completed. */
  aborted = false
  /** Route is excluded from metrics, logs and traces (probes, /metrics). */
  excluded = false
  /** Finished already (finish is idempotent). */
  finished = false
  /** Bound metric series of (method, route[, tenant]). */
  series: RouteSeries | undefined = undefined
  /** Incoming headers (read-only use). */
  readonly headers: IncomingHttpHeaders
  /** Socket peer address. */
  readonly remoteAddress: string | undefined
  /** Client IP after trusted-proxy resolution (computed lazily by the core). */
  clientIp: string | undefined = undefined
  /** Trace id (32 hex) when a span exists. */
  traceId: string | undefined = undefined
  /** Span id (16 hex) when a span exists. */
  spanId: string | undefined = undefined
  /** The trace is sampled (exemplars are attached only then). */
  sampled = false
  /** The server span, owned by the tracing area. */
  span: unknown = undefined
  /** The request context store, owned by the context area. */
  context: unknown = undefined
  /** Response headers to set, as name/value pairs, collected at start. */
  responseHeaders: string[]

  constructor(
    method: string,
    rawMethod: string,
    url: string,
    headers: IncomingHttpHeaders,
    remoteAddress: string | undefined,
    requestId: string,
    tenant: string | undefined,
    startTime: number,
    requestIdHeader: string,
  ) {
    this.method = method
    this.rawMethod = rawMethod
    this.url = url
    this.headers = headers
    this.remoteAddress = remoteAddress
    this.requestId = requestId
    this.tenant = tenant
    this.startTime = startTime
    this.responseHeaders = [requestIdHeader, requestId]
  }

  /** Wall-clock start (ms since epoch), from the monotonic start and a wall-clock offset re-read each second. */
  get startEpochMs(): number {
    return epochOf(this.startTime)
  }

  /** The path without the query string. */
  get path(): string {
    const q = this.url.indexOf('?')
    return q === -1 ? this.url : this.url.slice(0, q)
  }
}
