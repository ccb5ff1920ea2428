import { randomBytes } from 'node:crypto'
import type { ReportKind, ReportLevel } from './conventions.ts'
import { dsnToString, type ParsedDsn } from './parseDsn.ts'

/** A validated, already redacted lightweight error report. */
export interface FrontendReport {
  readonly message: string
  readonly stack?: string | undefined
  readonly url?: string | undefined
  readonly release?: string | undefined
  readonly level: ReportLevel
  readonly kind: ReportKind
  /** The `app` label value (allow-listed name or `other`). */
  readonly app: string
  readonly tags: Readonly<Record<string, string>>
}

/**
 * Turns a report into a Sentry envelope (header line, one `event` item with its byte `length`, payload) for the
 * server DSN. Pure apart from the generated event id (pass `eventId`/`now` in tests).
 *
 * @example
 * const bytes = buildReportEnvelope(report, { dsn: parseDsn(serverDsn)!, environment: 'production' })
 */
export function buildReportEnvelope(
  report: FrontendReport,
  options: {
    readonly dsn: ParsedDsn
    readonly environment: string
    readonly eventId?: string
    readonly now?: Date
  },
): Buffer {
  const eventId = options.eventId ?? randomBytes(16).toString('hex')
  const now = options.now ?? new Date()
  const event: Record<string, unknown> = {
    event_id: eventId,
    timestamp: now.getTime() / 1000,
    platform: 'javascript',
    level: report.level,
    logger: 'lookout.frontend_report',
    message: { formatted: report.message },
    environment: options.environment,
    tags: { ...report.tags, app: report.app, kind: report.kind },
  }
  if (report.release !== undefined) event.release = report.release
  if (report.url !== undefined) event.request = { url: report.url }
  if (report.stack !== undefined) event.extra = { stack: report.stack }
  const payload = Buffer.from(JSON.stringify(event), 'utf8')
  const header = JSON.stringify({
    event_id: eventId,
    sent_at: now.toISOString(),
    dsn: dsnToString(options.dsn),
    sdk: { name: 'lookout.frontend_report', version: '1' },
  })
  const itemHeader = JSON.stringify({
    type: 'event',
    length: payload.length,
    content_type: 'application/json',
  })
  return Buffer.concat([Buffer.from(`${header}\n${itemHeader}\n`, 'utf8'), payload, Buffer.from('\n')])
}
