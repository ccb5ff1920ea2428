import { createContextObserver } from '../context/contextObserver.ts'
import type { LookoutHost } from '../core/lookoutHost.ts'
import { processStartTimeSeconds } from '../metrics/buildInfo.ts'
import { UNKNOWN_COMMIT } from '../metrics/conventions.ts'
import { createRedactor, type Redactor } from '../redact/createRedactor.ts'
import { LOG_EVENTS, LOGGING_METRIC_NAMES } from './conventions.ts'
import { type LookoutLogger, loggerInternals } from './createLogger.ts'
import { describeTelemetry, formatTelemetry } from './describeTelemetry.ts'
import { createInstrumentLogHooks } from './instrumentLogHooks.ts'
import { createRequestLogObserver, type RequestLogSampling } from './requestLogObserver.ts'
import { resolveOtlpLogSettings } from './resolveOtlpLogSettings.ts'
import { createLokiCounters, type LokiShipping, startLokiShipping } from './startLokiShipping.ts'
import { createOtlpLogCounters, type OtlpLogExport, startOtlpLogExport } from './startOtlpLogExport.ts'

/** Named child loggers kept by `getLogger`. */
const MAX_CACHED_LOGGERS = 1000

/** What the logging area offers: the shared redactor and named child loggers. */
export interface LoggingApi {
  /** The instance's redactor (config `redact`), shared with tracing, alerting and error reports. */
  readonly redactor: Redactor
  /** A child logger with a `logger: name` field (cached per name). */
  getLogger(name: string): LookoutLogger
}

/** What logging needs from other areas. */
export interface LoggingDeps {
  /** The instance's redactor (see {@link instanceRedactor}). */
  readonly redactor: Redactor
}

/**
 * The redactor of an instance: the one inside a logger Lookout created (so logs and everything else agree),
 * or a new one from `config.redact`.
 */
export function instanceRedactor(logger: LookoutLogger, config: LookoutHost['config']): Redactor {
  return loggerInternals(logger)?.redactor ?? createRedactor(config.redact)
}

/**
 * Installs request context, the request log, instrument event lines, startup/shutdown events, Loki shipping and
 * OTLP log export;
 * returns the logging API.
 *
 * @example
 * const logging = installLogging(host, { redactor })
 */
export function installLogging(lookout: LookoutHost, { redactor }: LoggingDeps): LoggingApi {
  const { config, logger, core } = lookout
  const logging = config.logging
  const internals = loggerInternals(logger)
  const onLokiEvent = logging.loki.url !== undefined ? createLokiCounters(lookout.registry) : undefined
  const otlpSettings = resolveOtlpLogSettings(config)
  const onOtlpEvent = otlpSettings !== undefined ? createOtlpLogCounters(lookout.registry) : undefined
  const lines = internals?.lineDestination
  if (lines !== undefined) {
    // Read at scrape time: the stream counts its drops itself and stays free of metric code.
    const dropped = lookout.registry.counter({
      name: LOGGING_METRIC_NAMES.linesDropped,
      help: 'Log lines the stdout stream did not write, by reason (backlog: its bound was reached; write_failed: stdout failed)',
      labelNames: ['reason'],
    })
    const backlog = dropped.labels('backlog')
    const failed = dropped.labels('write_failed')
    lookout.registry.addCollector(() => {
      const d = lines.dropped
      backlog.value = d.backlog
      failed.value = d.writeFailed
    })
  }

  if (logging.context) core.addObserver(createContextObserver(redactor))
  if (logging.requestLog.enabled) {
    core.addObserver(
      createRequestLogObserver({
        logger,
        redactor,
        core,
        includeExcluded: logging.requestLog.includeExcluded,
        sampling: requestLogSampling(lookout),
      }),
    )
  }
  if (logging.events) lookout.instrumentation.use(createInstrumentLogHooks(logger, redactor))

  // Names come from code, but one built from data (a job id) must not grow the cache without bound: past the
  // limit a name gets a fresh child each time.
  const children = new Map<string, LookoutLogger>()
  const getLogger = (name: string): LookoutLogger => {
    let child = children.get(name)
    if (child === undefined) {
      child = logger.child({ logger: name })
      if (children.size < MAX_CACHED_LOGGERS) children.set(name, child)
    }
    return child
  }

  let shipping: LokiShipping | undefined
  let otlpExport: OtlpLogExport | undefined
  let startedAt = 0
  lookout.addArea({
    name: 'logging',
    start() {
      if (startedAt !== 0) return
      startedAt = Date.now()
      if (onLokiEvent !== undefined) {
        shipping = startLokiShipping(config, logger, onLokiEvent)
        if (shipping === undefined)
          logger.warn(
            { event: 'loki_not_attached' },
            'Loki shipping needs the logger Lookout creates; not shipping',
          )
      }
      if (otlpSettings !== undefined && onOtlpEvent !== undefined) {
        otlpExport = startOtlpLogExport(config, otlpSettings, logger, onOtlpEvent)
        if (otlpExport === undefined)
          logger.warn(
            { event: 'otlp_logs_not_attached' },
            'OTLP log export needs the logger Lookout creates; not exporting',
          )
      }
      // Lookout's own logger carries service/version/environment in its base fields; a logger the app passed in
      // may not. Repeat only what the logger does not already write (a JSON line with a key twice is ambiguous).
      const bound = typeof logger.bindings === 'function' ? logger.bindings() : {}
      const identity: Record<string, string> = {}
      if (bound.service === undefined) identity.service = config.service
      if (bound.version === undefined) identity.version = config.version
      if (bound.environment === undefined) identity.environment = config.environment
      const telemetry = describeTelemetry(
        config,
        internals === undefined ? 'host' : internals.writesStdout ? 'stdout' : 'custom',
      )
      logger.info(
        {
          event: LOG_EVENTS.startup,
          ...identity,
          commit: config.commit ?? UNKNOWN_COMMIT,
          start_time: new Date(processStartTimeSeconds() * 1000).toISOString(),
          node_version: process.version,
          features: enabledFeatures(config as unknown as Record<string, unknown>, otlpSettings !== undefined),
          telemetry,
        },
        `${config.service} ${config.version} starting (${config.environment}); ${formatTelemetry(telemetry)}`,
      )
    },
    async stop() {
      if (startedAt === 0 || startedAt === -1) return
      logger.info(
        { event: LOG_EVENTS.shutdown, uptime_seconds: Math.round((Date.now() - startedAt) / 1000) },
        `${config.service} shutting down`,
      )
      startedAt = -1
      await Promise.all([shipping?.stop(), otlpExport?.stop()])
      logger.flush?.()
    },
  })

  return { redactor, getLogger }
}

/** Request-log sampling from the config, with its counter; `undefined` when every line is written. */
function requestLogSampling(lookout: LookoutHost): RequestLogSampling | undefined {
  const { sampleRatio, slowMs, sampleClientErrors } = lookout.config.logging.requestLog
  if (sampleRatio >= 1) return undefined
  const sampledOut = lookout.registry
    .counter({
      name: LOGGING_METRIC_NAMES.linesSampledOut,
      help: 'Request-log lines not written because sampling left them out (errors and slow requests are always written)',
    })
    .labels()
  return { ratio: sampleRatio, slowMs, sampleClientErrors, onSampledOut: () => sampledOut.inc() }
}

/** Config sections switched on: `enabled: true`, plus log shipping (Loki, OTLP) and the request log. */
function enabledFeatures(config: Record<string, unknown>, otlpLogs: boolean): string[] {
  const out: string[] = []
  for (const [key, value] of Object.entries(config)) {
    if (value !== null && typeof value === 'object' && (value as { enabled?: unknown }).enabled === true)
      out.push(key)
  }
  const logging = config.logging as { loki: { url?: string }; requestLog: { enabled: boolean } }
  if (logging.requestLog.enabled) out.push('request_log')
  if (logging.loki.url !== undefined) out.push('loki')
  if (otlpLogs) out.push('otlp_logs')
  return out.sort()
}
