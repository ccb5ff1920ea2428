import type { SpanProcessor } from '@opentelemetry/sdk-trace-base'
import type { LookoutHost } from '../core/lookoutHost.ts'
import { loggerInternals } from '../logging/createLogger.ts'
import { HistogramFamily } from '../metrics/histogramFamily.ts'
import { createConsolePageRoutes } from './consolePage.ts'
import { createConsoleRoutes } from './consoleRoutes.ts'
import { CONSOLE_BUFFERS, CONSOLE_METRIC_NAMES, type ConsoleBuffer } from './conventions.ts'
import { createLogBuffer, type LogBuffer } from './logBuffer.ts'
import { createRouteSeries, type RouteSeries } from './routeSeries.ts'
import { createTraceBuffer, type TraceBuffer } from './traceBuffer.ts'

/** `lookout.console`: the console's buffers (see docs/console.md); `undefined` when `console.enabled` is false. */
export interface ConsoleApi {
  /** Recent finished traces. */
  readonly traces: TraceBuffer
  /** Recent log lines; `undefined` when the logger was supplied by the host (its lines cannot be teed). */
  readonly logs: LogBuffer | undefined
  /** Per-route one-minute series; `undefined` when metrics are off. */
  readonly series: RouteSeries | undefined
  /** Per-route fine series (the last few minutes); `undefined` when metrics are off. */
  readonly fineSeries: RouteSeries | undefined
  /** The span processor tracing feeds. */
  readonly spanProcessor: SpanProcessor
  /** Takes one point of both series now (the timers do this every step). */
  sampleNow(): void
}

/** What the console needs from the composition root. */
export interface ConsoleDeps {
  /** Whether shutdown has begun: open live tails end then, so draining does not wait for them. */
  readonly stopping: () => boolean
}

/**
 * Installs the console from `config.console`: the trace buffer (handed to tracing as a span processor), a tee of
 * the logger's redacted lines, the route series sampled from the registry, `lookout_console_dropped_total`, the
 * JSON APIs under `/observability/console/api/*` and the page. Install it before tracing. Returns `undefined` —
 * and adds nothing — when the console is off.
 *
 * @example
 * const console = installConsole(host, { stopping: () => false })
 * const tracing = installTracing(host, { redactor, spanProcessors: console ? [console.spanProcessor] : [] })
 */
export function installConsole(lookout: LookoutHost, { stopping }: ConsoleDeps): ConsoleApi | undefined {
  const config = lookout.config.console
  if (!config.enabled) return undefined

  const dropped = lookout.registry.counter({
    name: CONSOLE_METRIC_NAMES.dropped,
    help: 'Entries the console buffers evicted or refused to stay within their bounds, by buffer',
    labelNames: ['buffer'],
  })
  const droppedBy = new Map(CONSOLE_BUFFERS.map((b) => [b, dropped.labels(b)] as const))
  const drop = (buffer: ConsoleBuffer, count: number) => droppedBy.get(buffer)?.inc(count)

  // Lookout's own routes (mounted by every area, some after this one): looked up when read, not now.
  const isOwnRoute = (route: string) => lookout.routes.some((m) => m.route.path === route)
  const traces = createTraceBuffer({ ...config.traces, onDrop: drop, isOwnRoute })

  const setLineTap = loggerInternals(lookout.logger)?.setLineTap
  let logs: LogBuffer | undefined
  if (setLineTap !== undefined) {
    const buffer = createLogBuffer({
      maxLines: config.logs.maxLines,
      maxBytes: config.logs.maxBytes,
      onDrop: (n) => drop('logs', n),
    })
    setLineTap(buffer.add)
    logs = buffer
  }

  const metrics = lookout.httpMetrics
  const family = metrics === undefined ? undefined : lookout.registry.get(metrics.names.duration)
  const histogram = family instanceof HistogramFamily ? family : undefined
  const seriesOf = (stepSeconds: number, points: number) =>
    histogram === undefined || metrics === undefined
      ? undefined
      : createRouteSeries({
          histogram,
          names: metrics.names,
          maxSeries: config.metrics.maxSeries,
          points,
          stepMs: stepSeconds * 1000,
          onDrop: (n) => drop('series', n),
          isOwnRoute,
        })
  const series = seriesOf(config.metrics.stepSeconds, config.metrics.points)
  const fineSeries = seriesOf(config.metrics.fineStepSeconds, config.metrics.finePoints)

  const stoppers: (() => void)[] = []
  for (const route of createConsoleRoutes({
    traces,
    logs,
    series,
    fineSeries,
    maxTailClients: config.logs.maxTailClients,
    stopping,
    onStop: (fn) => stoppers.push(fn),
  }))
    lookout.addRoute(route)
  for (const route of createConsolePageRoutes({ prefix: lookout.config.http.routePrefix }))
    lookout.addRoute(route)

  const timers: NodeJS.Timeout[] = []
  let running = false
  lookout.addArea({
    name: 'console',
    start() {
      if (running) return
      running = true
      for (const s of [series, fineSeries]) {
        if (s === undefined) continue
        s.sample()
        const timer = setInterval(() => s.sample(), s.stepMs)
        timer.unref()
        timers.push(timer)
      }
    },
    stop() {
      running = false
      for (const t of timers.splice(0)) clearInterval(t)
      for (const fn of stoppers) fn()
    },
  })

  return {
    traces,
    logs,
    series,
    fineSeries,
    spanProcessor: traces.processor,
    sampleNow() {
      series?.sample()
      fineSeries?.sample()
    },
  }
}
