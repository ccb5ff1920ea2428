import type { Server } from 'node:http'
import { installAlerting } from '../alerting/installAlerting.ts'
import { resolveConfig } from '../config/resolveConfig.ts'
import type { LookoutOptions } from '../config/schema.ts'
import { installConsole } from '../console/installConsole.ts'
import { installFrontend } from '../frontend/installFrontend.ts'
import { installHealth } from '../health/installHealth.ts'
import { createShutdownOrchestrator } from '../health/shutdownOrchestrator.ts'
import { createLifecycleCore } from '../http/lifecycleCore.ts'
import { createOpsDispatcher, type MountedOpsRoute } from '../http/opsDispatcher.ts'
import type { OpsRoute } from '../http/opsRoute.ts'
import { LOG_EVENTS } from '../logging/conventions.ts'
import { createLogger, type LookoutLogger } from '../logging/createLogger.ts'
import { installLogging, instanceRedactor } from '../logging/installLogging.ts'
import { processStartTimeSeconds, registerBuildInfo } from '../metrics/buildInfo.ts'
import { createHttpMetrics } from '../metrics/httpMetrics.ts'
import { createInstrumentation } from '../metrics/instrument.ts'
import { createMetricRegistry } from '../metrics/metricRegistry.ts'
import { createMetricsRoute } from '../metrics/metricsRoute.ts'
import { createMetricsServer } from '../metrics/metricsServer.ts'
import { registerProcessMetrics } from '../metrics/processMetrics.ts'
import { installProfiling } from '../profiling/installProfiling.ts'
import { installSlo } from '../slo/installSlo.ts'
import { installStatus } from '../status/installStatus.ts'
import { installStore } from '../store/installStore.ts'
import { installTracing } from '../tracing/installTracing.ts'
import type { Lookout } from './lookout.ts'
import type { LookoutArea } from './lookoutArea.ts'
import type { LookoutHost } from './lookoutHost.ts'
import { formatRouteSummary, summarizeRoutes } from './routeSummary.ts'

/** Extra inputs for tests and embedding; not part of the config schema. */
export interface CreateLookoutExtras {
  /** Environment to read instead of `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** Logger to use instead of a new stdout one. */
  readonly logger?: LookoutLogger
  /** Install SIGTERM/SIGINT handlers when `health.shutdown.handleSignals` is unset (adapters set this). Default false. */
  readonly handleSignalsByDefault?: boolean
}

/**
 * Creates a Lookout instance. Throws `LOOKOUT_ERR_CONFIG_INVALID` (and other coded errors) on misuse; never
 * throws later from telemetry paths.
 *
 * @example
 * import { createLookout } from 'lookout'
 * const lookout = createLookout({ service: 'identity', metrics: { token: process.env.METRICS_TOKEN } })
 * await lookout.start()
 */
export function createLookout(options: LookoutOptions = {}, extras: CreateLookoutExtras = {}): Lookout {
  const config = resolveConfig(options, extras.env ?? process.env)
  const logger = extras.logger ?? createLogger(config)
  const registry = createMetricRegistry({ maxSeriesPerMetric: config.metrics.cardinality.maxSeriesPerMetric })
  const httpMetrics = config.metrics.enabled ? createHttpMetrics(registry, config) : undefined
  registerProcessMetrics(registry, {
    process: config.metrics.enabled && config.metrics.processMetrics,
    host: config.metrics.enabled && config.metrics.hostMetrics,
    diskPath: config.metrics.diskPath,
  })
  if (config.metrics.enabled) {
    registerBuildInfo(registry, {
      conventions: config.metrics.conventions,
      version: config.version,
      commit: config.commit,
      startTimeSeconds: processStartTimeSeconds(),
    })
  }
  const core = createLifecycleCore({ config, metrics: httpMetrics })
  const instrumentation = createInstrumentation(registry)
  const dispatcher = createOpsDispatcher({
    keys: config.operator.keys,
    rateLimit: config.operator.rateLimit,
    registry,
    onError: (route, error) =>
      logger.error({ event: 'ops_route_error', route: route.path, err: error }, 'ops route failed'),
    onThrottled: (route, start) =>
      logger.warn(
        {
          event: LOG_EVENTS.operatorAuthThrottled,
          client_address: start.address,
          route: route.path,
          failures: start.failures,
        },
        'client address throttled: too many requests without a valid operator key',
      ),
    // Counts only: addresses are counted, never named, and no key or header reaches the summary.
    onFailureSummary: (summary) =>
      logger.warn(
        {
          event: LOG_EVENTS.operatorAuthFailures,
          failures: summary.failures,
          throttled: summary.throttled,
          addresses: summary.addresses,
          ...(summary.addressesCapped ? { addresses_capped: true } : {}),
          routes: summary.routes,
          window_seconds: summary.windowSeconds,
        },
        'many requests without a valid operator key in the last window (window_seconds)',
      ),
  })
  const routes: MountedOpsRoute[] = []
  const areas: LookoutArea[] = []
  const servers: Server[] = []
  let metricsPort: number | undefined
  let started: Promise<void> | undefined

  const prefix = config.http.routePrefix
  const addRoute = (route: OpsRoute) => {
    routes.push(dispatcher.mount(prefix === '' ? route : { ...route, path: `${prefix}${route.path}` }))
  }

  if (config.metrics.enabled) {
    if (config.metrics.port === undefined) {
      addRoute(createMetricsRoute(config, registry))
    } else {
      const server = createMetricsServer(config, registry)
      areas.push({
        name: 'metrics-server',
        async start() {
          metricsPort = (await server.listen()).port
          logger.info(
            { event: 'metrics_server_listening', port: metricsPort, host: config.metrics.host },
            'metrics listener started',
          )
        },
        stop: () => server.close(),
      })
    }
  }

  const orchestrator = createShutdownOrchestrator({
    settings: config.health.shutdown,
    logger,
    core,
    servers,
    areas,
  })

  const host: LookoutHost = {
    config,
    registry,
    httpMetrics,
    core,
    logger,
    instrumentation,
    routes,
    addRoute,
    addArea(area) {
      areas.push(area)
    },
    onShutdown(hook) {
      orchestrator.onShutdown(hook)
    },
  }

  // ── Areas ────────────────────────────────────────────────────────────────────────────────────────────────
  // Each area is installed once, in dependency order, from the host and the APIs it needs; the order here is
  // also the order areas start in (and the reverse of the order they stop in).
  const redactor = instanceRedactor(logger, config)
  const consoleApi = installConsole(host, { stopping: () => orchestrator.phase === 'stopping' }) // before tracing: its trace buffer is a span processor
  const tracing = installTracing(host, {
    redactor,
    spanProcessors: consoleApi === undefined ? [] : [consoleApi.spanProcessor],
  }) // first: its observer sets req.traceId before others' onStart; it stops (flushes) last
  const logging = installLogging(host, { redactor }) // context + request log + Loki; stops late so other areas' shutdown lines ship
  const health = installHealth(
    host,
    orchestrator,
    config.health.shutdown.handleSignals ?? extras.handleSignalsByDefault ?? false,
  )
  const stored = installStore(host, { health })
  const alerts = installAlerting(host, { stored, redactor }) // its worker stops before the store closes
  const status = installStatus(host, { health, stored, redactor }) // samples the checks; releases its lease before the store closes
  const slo = installSlo(host, { stored, alerts, status }) // persists buckets/measurements; stops before status and the store
  const frontend = installFrontend(host, { redactor })
  const profiling = installProfiling(host) // stops early: aborts the window in progress, drops unsent profiles
  host.addArea(routeSummaryArea(host)) // last: every route is mounted by the time it starts
  host.addArea({ name: 'operator-auth-summary', stop: () => dispatcher.stop() }) // stops first: its last window is logged while logging still ships

  return {
    config,
    registry,
    httpMetrics,
    core,
    logger,
    instrumentation,
    routes,
    instrument: instrumentation.instrument,
    securityEvent: instrumentation.securityEvent,
    rateLimitHit: instrumentation.rateLimitHit,
    circuitState: instrumentation.circuitState,
    aiTokens: instrumentation.aiTokens,
    session: instrumentation.session,
    activeTokens: instrumentation.activeTokens,
    addRoute,
    addArea: host.addArea,
    onShutdown: host.onShutdown,
    redactor: logging.redactor,
    getLogger: logging.getLogger,
    tracing,
    health,
    get store() {
      return stored.store
    },
    storeOwner: stored.owner,
    alerts,
    slo,
    status,
    frontend,
    profiling,
    console: consoleApi,
    get phase() {
      return orchestrator.phase
    },
    attachServer(server) {
      if (!servers.includes(server)) servers.push(server)
    },
    servers,
    get metricsPort() {
      return metricsPort
    },
    start() {
      started ??= (async () => {
        orchestrator.markStarting()
        for (const area of areas) {
          try {
            await area.start?.()
          } catch (err) {
            logger.error(
              { event: 'area_start_failed', area: area.name, err },
              'a Lookout area failed to start',
            )
            throw err
          }
        }
        orchestrator.markStarted()
      })()
      return started
    },
    shutdown() {
      return orchestrator.shutdown()
    },
  }
}

/** Logs the start-up summary of mounted routes (one line), and one warning per route open in production. */
function routeSummaryArea(host: LookoutHost): LookoutArea {
  return {
    name: 'route-summary',
    start() {
      const summary = summarizeRoutes(
        host.config,
        host.routes.map((r) => r.route),
      )
      host.logger.info({ event: 'lookout_routes', routes: summary.routes }, formatRouteSummary(summary))
      for (const warning of summary.warnings)
        host.logger.warn({ event: 'lookout_route_open_in_production' }, warning)
    },
  }
}
