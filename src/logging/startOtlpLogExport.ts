import type pino from 'pino'
import type { ResolvedConfig } from '../config/schema.ts'
import type { MetricRegistry } from '../metrics/metricRegistry.ts'
import { createResource } from '../tracing/createTracing.ts'
import { LOG_EVENTS, LOGGING_METRIC_NAMES, OTLP_LOG_DROP_REASONS, OTLP_LOG_SCOPE } from './conventions.ts'
import { type LookoutLogger, loggerInternals } from './createLogger.ts'
import {
  createOtlpLogExporter,
  type OtlpLogExporter,
  type OtlpLogExporterEvent,
} from './createOtlpLogExporter.ts'
import type { OtlpLogSettings } from './resolveOtlpLogSettings.ts'
import type { OtlpLogRecordContext } from './toOtlpLogRecord.ts'

/** A running OTLP log export attached to the logger's fan-out stream. */
export interface OtlpLogExport {
  readonly exporter: OtlpLogExporter
  /** Detaches from the logger and exports what is queued within `shutdownTimeoutMs`. Idempotent. */
  stop(): Promise<void>
}

/**
 * Registers the OTLP log counters (once, at install time) and returns the handler that feeds them:
 * `lookout_log_records_dropped_total{reason}` and `lookout_log_records_exported_total`.
 */
export function createOtlpLogCounters(registry: MetricRegistry): (event: OtlpLogExporterEvent) => void {
  const dropped = registry.counter({
    name: LOGGING_METRIC_NAMES.recordsDropped,
    help: 'Log records that did not reach the OTLP logs endpoint, by reason (queue_full, rejected, retries_exhausted, shutdown)',
    labelNames: ['reason'],
  })
  const exported = registry
    .counter({
      name: LOGGING_METRIC_NAMES.recordsExported,
      help: 'Log records accepted by the OTLP logs endpoint',
    })
    .labels()
  const byReason = new Map(OTLP_LOG_DROP_REASONS.map((reason) => [reason, dropped.labels(reason)]))
  return (event) => {
    if (event.type === 'exported') exported.inc(event.records)
    else if (event.type === 'dropped') byReason.get(event.reason)?.inc(event.records)
  }
}

/**
 * Starts exporting the logger's lines as OTLP log records: the exporter joins the logger's fan-out stream at
 * `settings.minLevel`, so it receives each line as written — redacted, with the request's `trace_id`/`span_id` —
 * and the records carry the same resource as the spans. The endpoint going down / coming back is logged once per
 * transition. Returns `undefined` when the logger was supplied by the host (no fan-out stream to join).
 *
 * @example
 * const running = startOtlpLogExport(config, settings, logger, createOtlpLogCounters(registry))
 * await running?.stop()
 */
export function startOtlpLogExport(
  config: ResolvedConfig,
  settings: OtlpLogSettings,
  logger: LookoutLogger,
  onEvent: (event: OtlpLogExporterEvent) => void,
): OtlpLogExport | undefined {
  const multistream = loggerInternals(logger)?.multistream
  if (multistream === undefined) return undefined
  const o = config.logging.otlp
  const records: OtlpLogRecordContext = {
    resource: createResource(config) as unknown as OtlpLogRecordContext['resource'],
    scope: { name: OTLP_LOG_SCOPE, version: config.version },
    baseFields: {
      service: config.service,
      version: config.version,
      environment: config.environment,
      hostname: config.instance,
    },
  }
  const exporter = createOtlpLogExporter(
    {
      url: settings.url,
      protocol: settings.protocol,
      headers: settings.headers,
      timeoutMs: settings.timeoutMs,
      compression: settings.compression,
      maxQueueSize: o.maxQueueSize,
      maxQueueChars: o.maxQueueChars,
      maxExportBatchSize: o.maxExportBatchSize,
      scheduledDelayMs: o.scheduledDelayMs,
      maxRetries: o.maxRetries,
      retryBaseMs: o.retryBaseMs,
      retryMaxMs: o.retryMaxMs,
      shutdownTimeoutMs: o.shutdownTimeoutMs,
      records,
    },
    (event) => {
      onEvent(event)
      if (event.type === 'down')
        logger.warn(
          { event: LOG_EVENTS.otlpLogsDown, error: event.error },
          'OTLP log export failing; queueing and retrying',
        )
      else if (event.type === 'up') logger.info({ event: LOG_EVENTS.otlpLogsUp }, 'OTLP log export recovered')
    },
  )
  multistream.add({ level: settings.minLevel as pino.Level, stream: exporter })
  const id = (multistream as unknown as { lastId: number }).lastId
  let stopped: Promise<void> | undefined
  return {
    exporter,
    stop() {
      stopped ??= (async () => {
        multistream.remove(id)
        await exporter.close()
      })()
      return stopped
    },
  }
}
