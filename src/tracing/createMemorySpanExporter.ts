import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base'

/** An in-memory span exporter for your own tests (the OTel SDK's, with a finder). */
export interface MemorySpanExporter extends InMemorySpanExporter {
  /** Finished spans with this name. */
  spansNamed(name: string): ReadableSpan[]
}

/**
 * Creates an in-memory span exporter: pass it as `tracing.spanExporter`, call `lookout.tracing.flush()`, then
 * read `getFinishedSpans()`.
 *
 * @example
 * const spans = createMemorySpanExporter()
 * const lookout = createLookout({ tracing: { spanExporter: spans } })
 * // … exercise the app …
 * await lookout.tracing.flush()
 * spans.spansNamed('GET /users/:id')[0].attributes['http.response.status_code'] // 200
 */
export function createMemorySpanExporter(): MemorySpanExporter {
  const exporter = new InMemorySpanExporter() as MemorySpanExporter
  exporter.spansNamed = (name) => exporter.getFinishedSpans().filter((s) => s.name === name)
  return exporter
}
