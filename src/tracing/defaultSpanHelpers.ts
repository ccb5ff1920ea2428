import { type Span, trace } from '@opentelemetry/api'
import { getDefaultRedactor } from '../redact/index.ts'
import { createSpanHelpers, type SpanAttributeInput, type SpanHelpers } from './spanHelpers.ts'

let current: SpanHelpers | undefined
let fallback: SpanHelpers | undefined

/** Makes an instance's helpers the ones behind the standalone exports (the most recently installed wins). */
export function setDefaultSpanHelpers(helpers: SpanHelpers): void {
  current = helpers
}

function helpers(): SpanHelpers {
  if (current !== undefined) return current
  // No Lookout instance yet: the global tracer (lookout/register's, or a no-op) and the default redactor.
  fallback ??= createSpanHelpers(trace.getTracer('lookout'), getDefaultRedactor())
  return fallback
}

/**
 * Runs `fn` in a child span of the active one; see {@link SpanHelpers.withSpan}. Uses the tracer of the most
 * recently created Lookout instance (or `lookout/register`'s).
 *
 * @example
 * import { withSpan } from 'lookout'
 * await withSpan('send_welcome_mail', () => mailer.send(to), { 'mail.template': 'welcome' })
 */
export function withSpan<T>(name: string, fn: (span: Span) => T, attributes?: SpanAttributeInput): T {
  return helpers().withSpan(name, fn, attributes)
}

/**
 * Adds redacted attributes to the active span.
 *
 * @example
 * addSpanAttributes({ 'order.items': 3 })
 */
export function addSpanAttributes(attributes: SpanAttributeInput): void {
  helpers().addSpanAttributes(attributes)
}

/**
 * Records an exception (message redacted) on the active span and marks it failed.
 *
 * @example
 * try { risky() } catch (err) { recordException(err); throw err }
 */
export function recordException(error: unknown): void {
  helpers().recordException(error)
}
