import type { Context } from '@opentelemetry/api'
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base'
import { HTTP_SPAN_ATTRIBUTES as A } from '../tracing/conventions.ts'

/** One span as the console shows it (attributes were redacted when the span was recorded). */
export interface ConsoleSpan {
  readonly spanId: string
  readonly parentSpanId: string | undefined
  readonly name: string
  readonly kind: number
  /** Start, ms since the epoch. */
  readonly startMs: number
  readonly durationMs: number
  /** 0 unset, 1 ok, 2 error (OTel `SpanStatusCode`). */
  readonly status: number
  readonly statusMessage: string | undefined
  readonly attributes: Readonly<Record<string, unknown>>
  readonly events: readonly {
    readonly name: string
    readonly timeMs: number
    readonly attributes: Readonly<Record<string, unknown>>
  }[]
}

/** The summary of one trace the list shows, taken from its local root span. */
export interface TraceSummary {
  readonly traceId: string
  readonly name: string
  readonly route: string | undefined
  readonly method: string | undefined
  readonly status: number | undefined
  readonly error: boolean
  readonly tenant: string | undefined
  readonly requestId: string | undefined
  readonly startMs: number
  readonly durationMs: number
  readonly spans: number
}

/** Filters of {@link TraceBuffer.list}; every one optional. */
export interface TraceFilter {
  readonly route?: string | undefined
  readonly status?: number | undefined
  /** `true`: only traces with an error span or a 5xx. */
  readonly error?: boolean | undefined
  readonly minDurationMs?: number | undefined
  readonly tenant?: string | undefined
  readonly traceId?: string | undefined
  readonly requestId?: string | undefined
  readonly limit: number
}

/** Bounds of a {@link TraceBuffer}. */
export interface TraceBufferOptions {
  readonly maxTraces: number
  readonly maxBytes: number
  readonly maxSpansPerTrace: number
  /** Called with the buffer (`traces` or `spans`) and how many were dropped. */
  readonly onDrop: (buffer: 'traces' | 'spans', count: number) => void
  /** Routes left out of the list (Lookout's own: the console's polling is not the service's traffic). */
  readonly isOwnRoute?: (route: string) => boolean
}

/** The recent finished spans of this process, grouped by trace and bounded by count and bytes. */
export interface TraceBuffer {
  /** The span processor that feeds the buffer (sampled spans and kept error spans). */
  readonly processor: SpanProcessor
  /** Adds one ended span (what the processor does). */
  add(span: ReadableSpan): void
  /** Newest first. */
  list(filter: TraceFilter): TraceSummary[]
  /** One trace's spans in start order, or `undefined`. */
  get(traceId: string): { readonly summary: TraceSummary; readonly spans: readonly ConsoleSpan[] } | undefined
  readonly size: number
  readonly bytes: number
}

interface Entry {
  readonly traceId: string
  spans: ConsoleSpan[]
  bytes: number
  root: ConsoleSpan | undefined
  error: boolean
}

const hrMs = (t: readonly [number, number]) => t[0] * 1000 + t[1] / 1e6

function toConsoleSpan(span: ReadableSpan): ConsoleSpan {
  const parent = span.parentSpanContext
  return {
    spanId: span.spanContext().spanId,
    parentSpanId: parent?.spanId,
    name: span.name,
    kind: span.kind,
    startMs: hrMs(span.startTime),
    durationMs: hrMs(span.duration),
    status: span.status.code,
    statusMessage: span.status.message,
    attributes: span.attributes,
    events: span.events.map((e) => ({ name: e.name, timeMs: hrMs(e.time), attributes: e.attributes ?? {} })),
  }
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined)

function summarise(e: Entry): TraceSummary {
  const root = e.root ?? e.spans[0]!
  const a = root.attributes
  const status = typeof a[A.status] === 'number' ? (a[A.status] as number) : undefined
  return {
    traceId: e.traceId,
    name: root.name,
    route: str(a[A.route]),
    method: str(a[A.method]),
    status,
    error: e.error || (status !== undefined && status >= 500),
    tenant: str(a[A.tenant]),
    requestId: str(a[A.requestId]),
    startMs: root.startMs,
    durationMs: root.durationMs,
    spans: e.spans.length,
  }
}

/**
 * Creates the console's trace buffer. A span is kept when it ends; spans of one trace are grouped, and the trace's
 * summary comes from its local root (the span without a local parent) once that has ended. The oldest traces are
 * evicted when either bound is passed; each eviction and each span over `maxSpansPerTrace` is counted.
 *
 * @example
 * const traces = createTraceBuffer({ maxTraces: 1000, maxBytes: 8 << 20, maxSpansPerTrace: 256, onDrop })
 * new BasicTracerProvider({ spanProcessors: [traces.processor] })
 */
export function createTraceBuffer(options: TraceBufferOptions): TraceBuffer {
  const traces = new Map<string, Entry>()
  let bytes = 0

  const evict = () => {
    let dropped = 0
    for (const [id, e] of traces) {
      if (traces.size <= options.maxTraces && bytes <= options.maxBytes) break
      traces.delete(id)
      bytes -= e.bytes
      dropped++
    }
    if (dropped > 0) options.onDrop('traces', dropped)
  }

  const buffer: TraceBuffer = {
    processor: {
      onStart(_span: Span, _context: Context) {},
      onEnd(span: ReadableSpan) {
        try {
          buffer.add(span)
        } catch {
          // A span the console cannot read is not the request's problem.
        }
      },
      forceFlush: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
    },
    add(span) {
      const traceId = span.spanContext().traceId
      let e = traces.get(traceId)
      const isRoot = span.parentSpanContext === undefined || span.parentSpanContext.isRemote === true
      // The local root is kept past the cap: the trace's summary comes from it.
      if (e !== undefined && e.spans.length >= options.maxSpansPerTrace && !isRoot) {
        options.onDrop('spans', 1)
        return
      }
      const s = toConsoleSpan(span)
      const size = JSON.stringify(s).length
      if (e === undefined) {
        e = { traceId, spans: [], bytes: 0, root: undefined, error: false }
        traces.set(traceId, e)
      } else {
        // Most recently active traces are evicted last.
        traces.delete(traceId)
        traces.set(traceId, e)
      }
      e.spans.push(s)
      e.bytes += size
      bytes += size
      if (s.status === 2) e.error = true
      if (isRoot) e.root = s
      evict()
    },
    list(f) {
      const out: TraceSummary[] = []
      const all = [...traces.values()]
      for (let i = all.length - 1; i >= 0 && out.length < f.limit; i--) {
        const e = all[i]!
        if (e.root === undefined) continue
        if (f.traceId !== undefined && e.traceId !== f.traceId) continue
        const s = summarise(e)
        if (s.route !== undefined && options.isOwnRoute?.(s.route) === true) continue
        if (f.route !== undefined && s.route !== f.route) continue
        if (f.status !== undefined && s.status !== f.status) continue
        if (f.error === true && !s.error) continue
        if (f.minDurationMs !== undefined && s.durationMs < f.minDurationMs) continue
        if (f.tenant !== undefined && s.tenant !== f.tenant) continue
        if (f.requestId !== undefined && s.requestId !== f.requestId) continue
        out.push(s)
      }
      return out.sort((a, b) => b.startMs - a.startMs)
    },
    get(traceId) {
      const e = traces.get(traceId)
      if (e === undefined || e.root === undefined) return undefined
      return { summary: summarise(e), spans: [...e.spans].sort((a, b) => a.startMs - b.startMs) }
    },
    get size() {
      return traces.size
    },
    get bytes() {
      return bytes
    },
  }
  return buffer
}
