import type { ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer'

/** The record type the OTLP logs serializers take (the SDK's `ReadableLogRecord`). */
export type OtlpLogRecord = Parameters<(typeof ProtobufLogsSerializer)['serializeRequest']>[0][number]

/**
 * pino level → OTel severity number and text (the data model's short names: TRACE=1, DEBUG=5, INFO=9, WARN=13,
 * ERROR=17, FATAL=21).
 */
export const OTEL_SEVERITY: Readonly<Record<string, { readonly number: number; readonly text: string }>> =
  Object.freeze({
    trace: { number: 1, text: 'TRACE' },
    debug: { number: 5, text: 'DEBUG' },
    info: { number: 9, text: 'INFO' },
    warn: { number: 13, text: 'WARN' },
    error: { number: 17, text: 'ERROR' },
    fatal: { number: 21, text: 'FATAL' },
  })

/** What every record of one exporter shares. */
export interface OtlpLogRecordContext {
  /** The OTel resource (the same object the trace exporter uses). */
  readonly resource: OtlpLogRecord['resource']
  readonly scope: OtlpLogRecord['instrumentationScope']
  /**
   * Base fields the resource already carries (`service`, `version`, `environment`, `hostname` with the values
   * Lookout's logger writes): left out of the attributes when the line holds exactly that value.
   */
  readonly baseFields: Readonly<Record<string, string>>
}

const HEX_TRACE_ID = /^[0-9a-f]{32}$/
const HEX_SPAN_ID = /^[0-9a-f]{16}$/
/** Fields that become the record's own fields, not attributes. */
const RECORD_FIELDS = new Set(['level', 'time', 'msg', 'trace_id', 'span_id'])

/**
 * Turns one serialised log line (JSON as Lookout's logger wrote it — already redacted) into an OTel log record:
 * `level` → severity number and text, `time` → timestamp, `msg` → body, `trace_id`/`span_id` → the record's
 * trace context, `err: {type, message, stack}` → `exception.type/message/stacktrace`, every other field an
 * attribute (nested objects as maps). Base fields the resource already states are left out. A line that is not
 * JSON becomes an INFO record with the text as its body.
 *
 * @example
 * toOtlpLogRecord('{"level":"warn","time":"2026-01-01T00:00:00.000Z","msg":"slow","route":"/a"}', ctx, Date.now())
 * // { severityNumber: 13, severityText: 'WARN', body: 'slow', attributes: { route: '/a' }, … }
 */
export function toOtlpLogRecord(line: string, ctx: OtlpLogRecordContext, observedMs: number): OtlpLogRecord {
  let fields: Record<string, unknown>
  try {
    const parsed: unknown = JSON.parse(line)
    fields =
      parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : { msg: line.trimEnd() }
  } catch {
    fields = { msg: line.trimEnd() }
  }
  const severity =
    OTEL_SEVERITY[typeof fields.level === 'string' ? fields.level : 'info'] ?? OTEL_SEVERITY.info!
  const time =
    typeof fields.time === 'string'
      ? Date.parse(fields.time)
      : typeof fields.time === 'number'
        ? fields.time
        : Number.NaN
  const ms = Number.isFinite(time) ? time : observedMs
  const attributes: Record<string, unknown> = {}
  for (const key in fields) {
    if (RECORD_FIELDS.has(key)) continue
    const value = fields[key]
    if (value === undefined || value === null) continue
    if (ctx.baseFields[key] !== undefined && ctx.baseFields[key] === value) continue
    if (key === 'err' && typeof value === 'object' && !Array.isArray(value)) {
      const err = value as Record<string, unknown>
      if (typeof err.type === 'string') attributes['exception.type'] = err.type
      if (typeof err.message === 'string') attributes['exception.message'] = err.message
      if (typeof err.stack === 'string') attributes['exception.stacktrace'] = err.stack
      continue
    }
    attributes[key] = value
  }
  const traceId = typeof fields.trace_id === 'string' ? fields.trace_id : ''
  const spanId = typeof fields.span_id === 'string' ? fields.span_id : ''
  const record = {
    hrTime: hrTime(ms),
    hrTimeObserved: hrTime(observedMs),
    severityNumber: severity.number,
    severityText: severity.text,
    body:
      typeof fields.msg === 'string'
        ? fields.msg
        : fields.msg === undefined
          ? ''
          : JSON.stringify(fields.msg),
    attributes,
    droppedAttributesCount: 0,
    resource: ctx.resource,
    instrumentationScope: ctx.scope,
    ...(HEX_TRACE_ID.test(traceId)
      ? {
          spanContext: {
            traceId,
            spanId: HEX_SPAN_ID.test(spanId) ? spanId : '',
            traceFlags: 0,
          },
        }
      : {}),
  }
  return record as unknown as OtlpLogRecord
}

function hrTime(ms: number): [number, number] {
  const seconds = Math.floor(ms / 1000)
  return [seconds, Math.round((ms - seconds * 1000) * 1_000_000)]
}
