import {
  type Attributes,
  type AttributeValue,
  context,
  type Span,
  type Tracer,
  trace,
} from '@opentelemetry/api'
import { endWhenSettled } from './endWhenSettled.ts'
import { recordExceptionOn } from './recordException.ts'
import type { SpanRedactor } from './spanRedactor.ts'

/** Attribute input: primitives or arrays of them; `undefined`/`null` are skipped. */
export type SpanAttributeInput = Readonly<
  Record<string, string | number | boolean | readonly string[] | readonly number[] | undefined | null>
>

/** The span helpers, bound to one tracer and one redactor. */
export interface SpanHelpers {
  /**
   * Runs `fn` inside a child span of the active one (sync or async); the span ends when `fn` returns or its
   * promise settles, and records a thrown/rejected error (message redacted) before re-throwing it.
   *
   * @example
   * const user = await lookout.tracing.withSpan('load_user', () => repo.find(id), { 'user.id': id })
   */
  withSpan<T>(name: string, fn: (span: Span) => T, attributes?: SpanAttributeInput): T
  /**
   * Adds attributes to the active span (every value redacted; sensitive keys replaced). No-op outside a span.
   *
   * @example
   * lookout.tracing.addSpanAttributes(spanPresets.auth({ type: 'login', status: 'success', userId }))
   */
  addSpanAttributes(attributes: SpanAttributeInput): void
  /**
   * Records an exception on the active span with a redacted message and marks it failed.
   *
   * @example
   * try { await charge() } catch (err) { lookout.tracing.recordException(err); throw err }
   */
  recordException(error: unknown): void
}

/**
 * Turns helper input into span attributes: `undefined`/`null` dropped, strings through the redactor, values of
 * sensitive keys (password, token …) replaced by `[REDACTED]`, arrays redacted item by item.
 *
 * @example
 * toSpanAttributes({ 'user.email': 'a@b.co', password: 'x' }, redactor)
 * // { 'user.email': '[REDACTED_EMAIL]', password: '[REDACTED]' }
 */
export function toSpanAttributes(input: SpanAttributeInput, redactor: SpanRedactor): Attributes {
  const out: Attributes = {}
  for (const key of Object.keys(input)) {
    const value = input[key]
    if (value === undefined || value === null) continue
    if (redactor.isSensitiveKey?.(lastSegment(key)) === true) {
      out[key] = '[REDACTED]'
      continue
    }
    out[key] = redactValue(value, redactor)
  }
  return out
}

function lastSegment(key: string): string {
  const dot = key.lastIndexOf('.')
  return dot === -1 ? key : key.slice(dot + 1)
}

function redactValue(
  value: string | number | boolean | readonly string[] | readonly number[],
  redactor: SpanRedactor,
): AttributeValue {
  if (typeof value === 'string') return redactor.redactString(value)
  if (Array.isArray(value)) {
    return value.map((v) => (typeof v === 'string' ? redactor.redactString(v) : v)) as AttributeValue
  }
  return value as AttributeValue
}

/**
 * Creates the span helpers over a tracer and the shared redactor.
 *
 * @example
 * const helpers = createSpanHelpers(tracer, redactor)
 * helpers.withSpan('rebuild_index', () => rebuild())
 */
export function createSpanHelpers(tracer: Tracer, redactor: SpanRedactor): SpanHelpers {
  return {
    withSpan(name, fn, attributes) {
      let span: Span
      try {
        span = tracer.startSpan(
          name,
          attributes ? { attributes: toSpanAttributes(attributes, redactor) } : {},
        )
      } catch {
        return fn(trace.wrapSpanContext(trace.getActiveSpan()?.spanContext() ?? INVALID))
      }
      return context.with(trace.setSpan(context.active(), span), () => runInSpan(span, fn, redactor))
    },
    addSpanAttributes(attributes) {
      try {
        const span = trace.getActiveSpan()
        if (span === undefined || !span.isRecording()) return
        span.setAttributes(toSpanAttributes(attributes, redactor))
      } catch {
        // telemetry
      }
    },
    recordException(error) {
      recordExceptionOn(undefined, error, redactor)
    },
  }
}

const INVALID = { traceId: '00000000000000000000000000000000', spanId: '0000000000000000', traceFlags: 0 }

function runInSpan<T>(span: Span, fn: (span: Span) => T, redactor: SpanRedactor): T {
  return endWhenSettled(
    span,
    () => fn(span),
    (error) => recordExceptionOn(span, error, redactor),
  )
}
