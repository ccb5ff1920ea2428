import type { Attributes } from '@opentelemetry/api'
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base'
import { REDACTION_MARKERS } from '../redact/markers.ts'
import type { SpanRedactor } from './spanRedactor.ts'

/** The span being ended by Lookout with attributes it redacted itself, and those attributes; both unset otherwise. */
export interface PreRedactedSpan {
  span: object | undefined
  attributes: Attributes | undefined
}

/**
 * A span processor that runs first and redacts every attribute of every ended span (and of its events) in place,
 * before any exporter or in-process buffer sees it — so spans from instrumentations Lookout does not own (database
 * drivers, outbound libraries) follow the same rules as Lookout's own. `redactor` is read per span because
 * `lookout/register` starts tracing before the instance whose configured redactor then applies.
 *
 * `preRedacted` names the span Lookout is ending at that moment and the attributes it gave it with values it had
 * already redacted (the server span's): a value still identical to the one given there is not scanned again; one
 * the app set over it is. It is set around that span's synchronous `end()` only: kept per span (a WeakMap), it
 * would be an ephemeron table that every minor GC processes, large at high span rates.
 *
 * @example
 * const preRedacted: PreRedactedSpan = { span: undefined, attributes: undefined }
 * new BasicTracerProvider({ spanProcessors: [createRedactingSpanProcessor(() => redactor, preRedacted), batch] })
 */
export function createRedactingSpanProcessor(
  redactor: () => SpanRedactor,
  preRedacted?: PreRedactedSpan,
): SpanProcessor {
  return {
    onStart() {},
    onEnd(span: ReadableSpan) {
      const current = redactor()
      const given =
        preRedacted !== undefined && preRedacted.span === span ? preRedacted.attributes : undefined
      redactAttributes(span.attributes, current, given)
      for (const event of span.events)
        if (event.attributes) redactAttributes(event.attributes, current, undefined)
    },
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  }
}

function redactAttributes(
  attributes: Attributes,
  redactor: SpanRedactor,
  alreadyRedacted: Attributes | undefined,
): void {
  // The SDK hands processors the span's own attribute object: writing it is what later processors export.
  const writable = attributes as Record<string, Attributes[string]>
  for (const key of Object.keys(writable)) {
    const value = writable[key]
    if (redactor.isSensitiveKey?.(key) === true) {
      writable[key] = REDACTION_MARKERS.key
    } else if (typeof value === 'string') {
      if (alreadyRedacted !== undefined && alreadyRedacted[key] === value) continue
      const redacted = redactor.redactString(value)
      if (redacted !== value) writable[key] = redacted
    } else if (Array.isArray(value) && value.some((item) => typeof item === 'string')) {
      writable[key] = value.map((item) =>
        typeof item === 'string' ? redactor.redactString(item) : item,
      ) as Attributes[string]
    }
  }
}
