import type { InstrumentHooks } from '../metrics/instrument.ts'
import type { Redactor } from '../redact/createRedactor.ts'
import type { LookoutLogger } from './createLogger.ts'

/**
 * Instrument hooks that write one event line per `instrument()` call: `event_type`, `operation`, `status`,
 * `duration_seconds`, the preset's dimension values (`reason`, `grant_type`, `resource`, …) and the call's attributes (redacted by the logger like any field); `warn` with the error
 * when the call threw, `info` otherwise. Written inside the call's context, so request ids and trace ids follow.
 *
 * @example
 * lookout.instrumentation.use(createInstrumentLogHooks(logger, redactor))
 */
export function createInstrumentLogHooks(logger: LookoutLogger, redactor: Redactor): InstrumentHooks {
  return {
    onEnd(call, outcome) {
      const line: Record<string, unknown> = {
        ...(call.attributes ?? {}),
        ...outcome.labels,
        event_type: call.eventType,
        operation: call.operation,
        status: outcome.status,
        duration_seconds: Math.round(outcome.durationSeconds * 1e6) / 1e6,
      }
      if (outcome.error !== undefined) {
        line.err = redactor.redact(outcome.error)
        logger.warn(line, `${call.eventType} ${call.operation} ${outcome.status}`)
      } else logger.info(line, `${call.eventType} ${call.operation} ${outcome.status}`)
    },
  }
}
