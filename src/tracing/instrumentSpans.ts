import { context, type Span, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api'
import type { InstrumentCall, InstrumentHooks } from '../metrics/instrument.ts'
import { endWhenSettled } from './endWhenSettled.ts'
import { recordExceptionOn } from './recordException.ts'
import { toSpanAttributes } from './spanHelpers.ts'
import type { SpanRedactor } from './spanRedactor.ts'

/** Attribute key prefix per `instrument()` event type (the domain span attribute names). */
const PREFIX: Readonly<Record<string, { op: string; status: string; duration: string }>> = Object.freeze({
  auth: { op: 'auth.type', status: 'auth.status', duration: 'auth.duration_seconds' },
  'user.operation': {
    op: 'user.operation.type',
    status: 'user.operation.status',
    duration: 'user.operation.duration_seconds',
  },
  token: {
    op: 'token.operation.type',
    status: 'token.operation.status',
    duration: 'token.operation.duration_seconds',
  },
  authz: { op: 'authz.action', status: 'authz.decision', duration: 'authz.duration_seconds' },
  db: { op: 'db.operation.name', status: 'db.operation.status', duration: 'db.operation.duration_seconds' },
})

function keysOf(eventType: string): { op: string; status: string; duration: string } {
  return (
    PREFIX[eventType] ?? {
      op: `${eventType}.operation`,
      status: `${eventType}.status`,
      duration: `${eventType}.duration_seconds`,
    }
  )
}

/**
 * The `instrument()` hook that gives every instrumented call a child span named `<event_type>.<operation>`
 * (`auth.login`, `db.select`) with the preset's attributes (`auth.type`, `auth.status`,
 * `auth.duration_seconds`, …) and the call's own attributes, redacted. A thrown error is recorded (redacted) and
 * marks the span failed; a classified outcome such as `failure` or `deny` is an attribute, not a span error.
 * Under an unsampled parent no span context is entered at all.
 *
 * @example
 * lookout.instrumentation.use(createInstrumentSpanHooks(tracer, redactor))
 */
export function createInstrumentSpanHooks(tracer: Tracer, redactor: SpanRedactor): InstrumentHooks {
  const ours = new WeakSet<Span>()
  return {
    around<T>(call: InstrumentCall, run: () => T): T {
      let span: Span
      try {
        const keys = keysOf(call.eventType)
        span = tracer.startSpan(`${call.eventType}.${call.operation}`)
        if (!span.isRecording()) return run()
        span.setAttribute(keys.op, call.operation)
        if (call.attributes !== undefined) span.setAttributes(toSpanAttributes(call.attributes, redactor))
        ours.add(span)
      } catch {
        return run()
      }
      const s = span
      return context.with(trace.setSpan(context.active(), s), () => endWhenSettled(s, run))
    },
    onEnd(call, outcome) {
      const span = trace.getActiveSpan()
      if (span === undefined || !ours.has(span)) return
      const keys = keysOf(call.eventType)
      span.setAttribute(keys.status, outcome.status)
      span.setAttribute(keys.duration, outcome.durationSeconds)
      if (call.eventType === 'authz') span.setAttribute('authz.granted', outcome.status === 'allow')
      if (outcome.error !== undefined) recordExceptionOn(span, outcome.error, redactor)
      else if (outcome.status === 'error') span.setStatus({ code: SpanStatusCode.ERROR })
    },
  }
}
