import { z } from 'zod'
import { json } from '../http/opsResponses.ts'
import type { OpsRoute } from '../http/opsRoute.ts'
import { parseJsonBody } from '../http/parseJsonBody.ts'
import type { LookoutLogger } from '../logging/createLogger.ts'
import type { CounterChild } from '../metrics/counterFamily.ts'
import type { FrontendReport } from './buildReportEnvelope.ts'
import {
  FRONTEND_ROUTES,
  OTHER_APP,
  REPORT_KINDS,
  REPORT_LEVELS,
  type ReportKind,
  type ReportLevel,
} from './conventions.ts'
import type { Cors } from './createCors.ts'
import type { ReportForwarder } from './createReportForwarder.ts'
import type { FrontendRedactor } from './frontendRedactor.ts'

/** Body of `POST /observability/sentry/report`. Unknown keys are refused (422). */
export const reportBodySchema = z
  .object({
    message: z.string().min(1).max(4000),
    stack: z.string().max(32_000).optional(),
    url: z.string().max(4096).optional(),
    release: z.string().max(200).optional(),
    level: z.enum(REPORT_LEVELS).default('error'),
    /** What kind of failure: `error` (default), `unhandledrejection`, `resource`, `network`, `csp`, … */
    kind: z.enum(REPORT_KINDS).default('error'),
    /** Which front end; reported as itself only when on `frontend.report.apps`. */
    app: z.string().max(64).optional(),
    tags: z
      .record(
        z
          .string()
          .regex(/^[a-zA-Z][a-zA-Z0-9_.:-]{0,31}$/, 'a tag key: a letter, then letters, digits, _ . : -'),
        z.string().max(200),
      )
      .refine((t) => Object.keys(t).length <= 20, 'at most 20 tags')
      .optional(),
  })
  .strict()

/** Options of {@link createSentryReportRoute}. */
export interface SentryReportOptions {
  readonly redactor: FrontendRedactor
  readonly logger: LookoutLogger
  /** App names reported as themselves; others become `other`. */
  readonly apps: readonly string[]
  readonly bodyLimit: number
  readonly rateLimit: { readonly perMinute: number; readonly burst?: number | undefined }
  readonly cors: Cors
  /** `lookout_frontend_errors_total{app,kind}` child for a label pair. */
  readonly count: (app: string, kind: ReportKind) => CounterChild
  /** Forwarding to Sentry, when a server DSN is configured. */
  readonly forwarder?: ReportForwarder | undefined
}

const LOG_LEVEL: Readonly<Record<ReportLevel, 'warn' | 'info'>> = {
  fatal: 'warn',
  error: 'warn',
  warning: 'warn',
  info: 'info',
  debug: 'info',
}

/**
 * `POST /observability/sentry/report`: a lightweight error report for apps that do not run the Sentry SDK.
 * Validated (422 with each problem), redacted by the shared redactor (query strings and fragments are dropped
 * from `url` first; a tag key the redactor would change is renamed `redacted_<n>`), logged as one `frontend_error` event, counted in `lookout_frontend_errors_total{app,kind}`,
 * and forwarded to Sentry off the request path when a server DSN is set. Answers 202.
 *
 * @example
 * lookout.addRoute(createSentryReportRoute({ redactor, logger, apps: ['web'], bodyLimit: 65_536,
 *   rateLimit: { perMinute: 60 }, cors, count: (app, kind) => errors.labels(app, kind) }))
 */
export function createSentryReportRoute(options: SentryReportOptions): OpsRoute {
  const { redactor, logger, cors, count, forwarder } = options
  const apps = new Set(options.apps)
  return {
    method: 'POST',
    path: FRONTEND_ROUTES.sentryReport,
    scope: { kind: 'public' },
    bodyLimit: options.bodyLimit,
    rateLimit: options.rateLimit,
    description: 'Lightweight front-end error report (redacted, logged, counted)',
    handler: function sentryReport(req) {
      const parsed = parseJsonBody(req, reportBodySchema, ['application/json', 'text/plain'])
      if (!parsed.ok) return cors.apply(req, parsed.response)
      const body = parsed.value
      const app = body.app !== undefined && apps.has(body.app) ? body.app : OTHER_APP
      const report: FrontendReport = {
        message: redactor.redactString(body.message),
        stack: body.stack === undefined ? undefined : redactor.redactString(body.stack),
        url: body.url === undefined ? undefined : redactor.redactString(stripQuery(body.url)),
        release: body.release === undefined ? undefined : redactor.redactString(body.release),
        level: body.level,
        kind: body.kind,
        app,
        tags: redactTags(redactor, body.tags),
      }
      count(app, body.kind).inc()
      logger[LOG_LEVEL[body.level]](
        {
          event: 'frontend_error',
          app,
          kind: body.kind,
          report_level: body.level,
          report: {
            message: report.message,
            stack: report.stack,
            url: report.url,
            release: report.release,
            tags: report.tags,
          },
        },
        'front-end error report',
      )
      forwarder?.send(report)
      return cors.apply(req, json(202, { accepted: true }))
    },
  }
}

/** Drops the query string and fragment (tokens and emails live there), keeping origin and path. */
function stripQuery(url: string): string {
  const cut = url.search(/[?#]/)
  return cut === -1 ? url : url.slice(0, cut)
}

function redactTags(
  redactor: FrontendRedactor,
  tags: Readonly<Record<string, string>> | undefined,
): Record<string, string> {
  const out: Record<string, string> = Object.create(null)
  if (tags === undefined) return out
  // Key-based redaction first (a tag named `email` or `token` loses its value), then value patterns.
  const byKey = redactor.redact({ ...tags }) as Record<string, unknown>
  let renamed = 0
  for (const key of Object.keys(tags)) {
    const value = byKey?.[key]
    // A key is client text too: one that holds something the redactor would hide is replaced by a neutral name.
    const safeKey = redactor.redactString(key) === key ? key : `redacted_${++renamed}`
    out[safeKey] = redactor.redactString(typeof value === 'string' ? value : String(value ?? ''))
  }
  return out
}
