import { type Exception, type Span, SpanStatusCode, trace } from '@opentelemetry/api'
import type { SpanRedactor } from './spanRedactor.ts'

/**
 * Turns anything thrown into the OTel exception shape with its message and stack passed through the redactor
 * (an exception message is where emails and tokens leak most often). Never throws.
 *
 * @example
 * toSpanException(new Error('no user alice@example.com'), redactor).message // 'no user [REDACTED_EMAIL]'
 */
export function toSpanException(
  error: unknown,
  redactor: SpanRedactor,
): Exception & { name: string; message: string } {
  try {
    if (error instanceof Error) {
      const out: { name: string; message: string; stack?: string; code?: string } = {
        name: error.name || error.constructor?.name || 'Error',
        message: redactor.redactString(String(error.message ?? '')),
      }
      if (typeof error.stack === 'string') out.stack = redactor.redactString(error.stack)
      const code = (error as { code?: unknown }).code
      if (typeof code === 'string') out.code = code
      return out
    }
    return { name: typeof error, message: redactor.redactString(String(error)) }
  } catch {
    return { name: 'Error', message: '[unprintable error]' }
  }
}

/** The error type for `error.type`: the exception's class name, else `_OTHER`. */
export function errorTypeOf(error: unknown): string {
  if (error instanceof Error) return error.constructor?.name || error.name || '_OTHER'
  return '_OTHER'
}

/**
 * Records an exception on a span (default: the active one) with a redacted message, sets `error.type`, and
 * marks the span as failed. A no-op when there is no recording span.
 *
 * @example
 * try { await charge() } catch (err) { recordException(err); throw err }
 */
export function recordExceptionOn(span: Span | undefined, error: unknown, redactor: SpanRedactor): void {
  try {
    const target = span ?? trace.getActiveSpan()
    if (target === undefined || !target.isRecording()) return
    const exception = toSpanException(error, redactor)
    target.recordException(exception)
    target.setAttribute('error.type', errorTypeOf(error))
    target.setStatus({ code: SpanStatusCode.ERROR, message: exception.message ?? '' })
  } catch {
    // Telemetry never reaches the caller.
  }
}
