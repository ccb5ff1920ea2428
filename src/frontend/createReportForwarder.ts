import type { CounterChild } from '../metrics/counterFamily.ts'
import { buildReportEnvelope, type FrontendReport } from './buildReportEnvelope.ts'
import type { SentryForwarder } from './createSentryForwarder.ts'
import { envelopeUrlOf, type ParsedDsn } from './parseDsn.ts'

/** Options of {@link createReportForwarder}. */
export interface ReportForwarderOptions {
  /** The server DSN (from configuration). */
  readonly dsn: ParsedDsn
  readonly environment: string
  readonly forwarder: SentryForwarder
  /** Sends in flight at once; reports beyond it are dropped and counted. */
  readonly maxInFlight: number
  /** Pre-bound `lookout_sentry_report_forwards_total` children. */
  readonly count: {
    readonly sent: CounterChild
    readonly failed: CounterChild
    readonly dropped: CounterChild
  }
  /** Told once per failure burst (the first failure after a success); must not throw. */
  readonly onFailure?: (status: number, outcome: string) => void
}

/** Forwards redacted reports to Sentry off the request path. */
export interface ReportForwarder {
  /** Queues one report; returns at once. Never throws. */
  send(report: FrontendReport): void
  /** Resolves when every send in flight has finished. */
  idle(): Promise<void>
}

/**
 * Sends lightweight error reports to Sentry as envelopes, fire-and-forget: bounded in flight (beyond it the
 * report is dropped and counted), outcome counted, failures reported once per burst.
 *
 * @example
 * const reports = createReportForwarder({ dsn: parseDsn(serverDsn)!, environment: 'production', forwarder,
 *   maxInFlight: 16, count: { sent, failed, dropped } })
 * reports.send(report)
 */
export function createReportForwarder(options: ReportForwarderOptions): ReportForwarder {
  const url = envelopeUrlOf(options.dsn)
  const auth = {
    'x-sentry-auth': `Sentry sentry_version=7, sentry_key=${options.dsn.publicKey}, sentry_client=lookout/1`,
  }
  const pending = new Set<Promise<void>>()
  let failing = false
  return {
    send(report) {
      if (pending.size >= options.maxInFlight) {
        options.count.dropped.inc()
        return
      }
      const p = (async () => {
        try {
          const bytes = buildReportEnvelope(report, { dsn: options.dsn, environment: options.environment })
          const result = await options.forwarder.forward(url, bytes, auth)
          if (result.outcome === 'forwarded') {
            options.count.sent.inc()
            failing = false
          } else {
            options.count.failed.inc()
            if (!failing) {
              try {
                options.onFailure?.(result.status, result.outcome)
              } catch {
                // A failing reporter must not turn into an unhandled rejection.
              }
            }
            failing = true
          }
        } catch {
          options.count.failed.inc()
        }
      })()
      pending.add(p)
      void p.finally(() => pending.delete(p))
    },
    async idle() {
      while (pending.size > 0) await Promise.allSettled([...pending])
    },
  }
}
