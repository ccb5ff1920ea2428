import type { ResolvedConfig } from '../config/schema.ts'
import { resolveTracingSettings } from '../tracing/resolveTracingSettings.ts'
import { resolveOtlpLogSettings } from './resolveOtlpLogSettings.ts'
import { lokiPushUrl } from './startLokiShipping.ts'

/** One place a signal goes. */
export interface TelemetryDestination {
  /**
   * `otlp`, `console`, `memory` (an in-memory span exporter), `custom` (another span exporter object), `none`;
   * for metrics `prometheus` (scraped) or `otlp` (pushed); for logs `stdout`, `loki`, `otlp`, `custom` (a
   * destination stream passed to the logger) or `host` (the application's own logger).
   */
  readonly exporter: string
  /** OTLP transport: `http/protobuf`, `http/json` or `grpc`. */
  readonly protocol?: string
  /** Where it goes: a URL without credentials, query or fragment, or a path on the application's port. */
  readonly endpoint?: string
}

/** Where traces, metrics and logs leave this instance, as the start-up line states it. */
export interface TelemetrySummary {
  readonly traces: {
    readonly exporters: readonly TelemetryDestination[]
    /**
     * `parentbased_traceidratio 0.1`, `parentbased_always_on`, …; `off` when tracing is off; `not recording: …`
     * when spans have no destination (no exporter, no console), so only trace ids are made.
     */
    readonly sampler: string
  }
  readonly metrics: readonly TelemetryDestination[]
  readonly logs: readonly TelemetryDestination[]
}

/** How the logger writes its lines: Lookout's stdout stream, a destination given to it, or the host's logger. */
export type PrimaryLogDestination = 'stdout' | 'custom' | 'host'

const RATIO_SAMPLERS = new Set(['traceidratio', 'parentbased_traceidratio'])
/** The sampler as stated when spans have nowhere to go: none is recorded, requests still get trace ids. */
const NOT_RECORDED = 'not recording: no span destination'

/**
 * Describes every exporter of the instance — traces (exporter, protocol, endpoint, sampler), metrics (the scrape
 * route or listener, OTLP push) and logs (stdout, Loki, OTLP) — from the resolved config. Endpoints are shown
 * without user info, query or fragment (where credentials could sit); headers never appear. Pure.
 *
 * @example
 * describeTelemetry(resolveConfig({ tracing: { endpoint: 'http://c:4318', sampleRate: 0.1 } }), 'stdout').traces
 * // { exporters: [{ exporter: 'otlp', protocol: 'http/protobuf', endpoint: 'http://c:4318/v1/traces' }],
 * //   sampler: 'parentbased_traceidratio 0.1' }
 */
export function describeTelemetry(config: ResolvedConfig, primary: PrimaryLogDestination): TelemetrySummary {
  const tracing = resolveTracingSettings(config)
  const exporters: TelemetryDestination[] = []
  if (tracing.otlp !== undefined)
    exporters.push({
      exporter: 'otlp',
      protocol: tracing.otlp.protocol,
      endpoint: safeEndpoint(tracing.otlp.url),
    })
  if (tracing.console) exporters.push({ exporter: 'console' })
  const extra = config.tracing.spanExporter as object | undefined
  if (tracing.enabled && extra !== undefined)
    exporters.push({ exporter: extra.constructor?.name === 'InMemorySpanExporter' ? 'memory' : 'custom' })
  // The console's trace view records spans in process: a destination the exporter list does not name.
  const recorded = exporters.length > 0 || config.console.enabled
  if (exporters.length === 0) exporters.push({ exporter: 'none' })
  const sampler = !tracing.enabled
    ? 'off'
    : !recorded
      ? NOT_RECORDED
      : RATIO_SAMPLERS.has(tracing.sampler)
        ? `${tracing.sampler} ${tracing.ratio}`
        : tracing.sampler

  const metrics: TelemetryDestination[] = []
  if (config.metrics.enabled) {
    const m = config.metrics
    metrics.push({
      exporter: 'prometheus',
      endpoint:
        m.port === undefined
          ? `${config.http.routePrefix}${m.path}`
          : safeEndpoint(`http://${m.host.includes(':') ? `[${m.host}]` : m.host}:${m.port}${m.path}`),
    })
  }
  if (tracing.metricsPush !== undefined)
    metrics.push({ exporter: 'otlp', protocol: 'http/json', endpoint: safeEndpoint(tracing.metricsPush.url) })
  if (metrics.length === 0) metrics.push({ exporter: 'none' })

  const logs: TelemetryDestination[] = [{ exporter: primary }]
  // Loki and OTLP attach to the fan-out stream of Lookout's own logger only.
  if (primary !== 'host') {
    const loki = config.logging.loki
    if (loki.url !== undefined && loki.minLevel !== 'silent')
      logs.push({ exporter: 'loki', endpoint: safeEndpoint(lokiPushUrl(loki.url)) })
    const otlp = resolveOtlpLogSettings(config)
    if (otlp !== undefined)
      logs.push({ exporter: 'otlp', protocol: otlp.protocol, endpoint: safeEndpoint(otlp.url) })
  }
  return { traces: { exporters, sampler }, metrics, logs }
}

/**
 * The summary as one line of text.
 *
 * @example
 * formatTelemetry(summary)
 * // 'traces → otlp http/protobuf http://c:4318/v1/traces (sampler parentbased_traceidratio 0.1); metrics → prometheus /metrics; logs → stdout'
 */
export function formatTelemetry(summary: TelemetrySummary): string {
  const list = (ds: readonly TelemetryDestination[]) =>
    ds.map((d) => [d.exporter, d.protocol, d.endpoint].filter((x) => x !== undefined).join(' ')).join(', ')
  return `traces → ${list(summary.traces.exporters)} (sampler ${summary.traces.sampler}); metrics → ${list(summary.metrics)}; logs → ${list(summary.logs)}`
}

/** The URL without user info, query or fragment; `[invalid URL]` when it does not parse. */
function safeEndpoint(url: string): string {
  try {
    const u = new URL(url)
    u.username = ''
    u.password = ''
    u.search = ''
    u.hash = ''
    return u.toString()
  } catch {
    return '[invalid URL]'
  }
}
