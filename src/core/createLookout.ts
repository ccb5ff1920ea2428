import type { Server } from 'node:http'
import type { AlertsApi } from '../alerting/alertsApi.ts'
import { installAlerting } from '../alerting/installAlerting.ts'
import { resolveConfig } from '../config/resolveConfig.ts'
import type { LookoutOptions, ResolvedConfig } from '../config/schema.ts'
import { type FrontendApi, installFrontend } from '../frontend/installFrontend.ts'
import { type Health, installHealth } from '../health/installHealth.ts'
import {
  createShutdownOrchestrator,
  type LookoutPhase,
  type ShutdownHook,
} from '../health/shutdownOrchestrator.ts'
import type { LifecycleCore } from '../http/lifecycleCore.ts'
import { createLifecycleCore } from '../http/lifecycleCore.ts'
import { createOpsDispatcher, type MountedOpsRoute } from '../http/opsDispatcher.ts'
import type { OpsRoute } from '../http/opsRoute.ts'
import { createLogger, type LookoutLogger } from '../logging/createLogger.ts'
import { installLogging } from '../logging/installLogging.ts'
import { createHttpMetrics, type HttpMetrics } from '../metrics/httpMetrics.ts'
import { createInstrumentation, type Instrumentation } from '../metrics/instrument.ts'
import { createMetricRegistry, type MetricRegistry } from '../metrics/metricRegistry.ts'
import { createMetricsRoute } from '../metrics/metricsRoute.ts'
import { createMetricsServer } from '../metrics/metricsServer.ts'
import { registerProcessMetrics } from '../metrics/processMetrics.ts'
import { installProfiling, type ProfilingApi } from '../profiling/installProfiling.ts'
import type { Redactor } from '../redact/createRedactor.ts'
import { installSlo, type LookoutSlo } from '../slo/installSlo.ts'
import { installStatus, type StatusApi } from '../status/installStatus.ts'
import type { Store } from '../store/createStore.ts'
import { installStore } from '../store/installStore.ts'
import { installTracing, type LookoutTracing } from '../tracing/installTracing.ts'
import type { LookoutArea } from './lookoutArea.ts'

/**
 * One Lookout instance: config, registry, lifecycle core, ops routes and the areas' lifecycles. Framework
 * adapters take one of these (or create it from options) and only map hooks and routes onto it.
 */
export interface Lookout extends Omit<Instrumentation, 'use'> {
  /** The resolved, frozen configuration. */
  readonly config: ResolvedConfig
  /** This instance's metric registry (never the global prom-client one). */
  readonly registry: MetricRegistry
  /** HTTP RED metrics; `undefined` when metrics are disabled. */
  readonly httpMetrics: HttpMetrics | undefined
  /** The request lifecycle core adapters drive. */
  readonly core: LifecycleCore
  /** The logger (pino): JSON lines with request context, every line redacted (see docs/logging.md). */
  readonly logger: LookoutLogger
  /** A child logger with a `logger: name` field (cached per name). */
  getLogger(name: string): LookoutLogger
  /** The instance's redactor (config `redact`): use it for anything leaving the process. */
  readonly redactor: Redactor
  /** The instrumentation API (also spread onto this object: `lookout.instrument(...)`). */
  readonly instrumentation: Instrumentation
  /** Ops routes to mount, guarded (auth, tenant scope, rate limit). */
  readonly routes: readonly MountedOpsRoute[]
  /** Adds an ops route; adapters mount routes added before they register. */
  addRoute(route: OpsRoute): void
  /** Adds a lifecycle area (started by `start()`, stopped by `shutdown()` in reverse). */
  addArea(area: LookoutArea): void
  /** Tells Lookout about the HTTP server(s) the app listens on (for drain and shutdown). */
  attachServer(server: Server): void
  /** Servers attached so far. */
  readonly servers: readonly Server[]
  /** Port of the separate metrics listener once started (when `metrics.port` is set). */
  readonly metricsPort: number | undefined
  /**
   * The ops store (SQLite or PostgreSQL repositories). Available once `start()` has resolved; throws
   * `LOOKOUT_ERR_STORE_NOT_STARTED` before that and after shutdown.
   */
  readonly store: Store
  /** This instance's lease owner id, for `store.acquireLease(name, lookout.storeOwner, ttlMs)`. */
  readonly storeOwner: string
  /** Alert routing: fire / resolve / acknowledge, per-tenant config, history (see docs/alerting.md). */
  readonly alerts: AlertsApi
  /** SLOs: figures, measurements, burndown, generated rules (see docs/slo.md); `undefined` when `slo.enabled` is false. */
  readonly slo: LookoutSlo | undefined
  /** The public status page: sampler, incidents, public API (see docs/status-page.md); `undefined` when `status.enabled` is false. */
  readonly status: StatusApi | undefined
  /** Front-end telemetry: Sentry config/tunnel/report and public events (see docs/frontend.md). */
  readonly frontend: FrontendApi
  /** On-demand CPU/heap profiles and continuous profiling to Pyroscope (see docs/profiling.md). */
  readonly profiling: ProfilingApi
  /** Tracing: span helpers, presets, tracer (see docs/tracing.md). */
  readonly tracing: LookoutTracing
  /** Health checks, start-up tasks, probe state (see docs/health.md). */
  readonly health: Health
  /** `created` → `starting` → `started` → `stopping` → `stopped`; readiness fails from `stopping` on. */
  readonly phase: LookoutPhase
  /** Adds a hook run during shutdown, after telemetry is flushed and before `terminate`. */
  onShutdown(hook: ShutdownHook): void
  /** Starts every area (idempotent). */
  start(): Promise<void>
  /**
   * The graceful shutdown (idempotent; never rejects; bounded by `health.shutdown.graceMs`): readiness fails →
   * drain delay → attached servers stop accepting → in-flight requests finish (bounded) → idle keep-alive
   * sockets close → areas stop in reverse order (flushing logs, spans, outbox, store) → `onShutdown` hooks →
   * `health.shutdown.terminate(code)` if given. See docs/health.md.
   */
  shutdown(): Promise<void>
}

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
  const core = createLifecycleCore({ config, metrics: httpMetrics })
  const instrumentation = createInstrumentation(registry)
  const dispatcher = createOpsDispatcher({
    keys: config.operator.keys,
    registry,
    onError: (route, error) =>
      logger.error({ event: 'ops_route_error', route: route.path, err: error }, 'ops route failed'),
  })
  const routes: MountedOpsRoute[] = []
  const areas: LookoutArea[] = []
  const servers: Server[] = []
  let metricsPort: number | undefined
  let started: Promise<void> | undefined

  const addRoute = (route: OpsRoute) => {
    routes.push(dispatcher.mount(route))
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

  const lookout: Lookout = {
    // Assigned by installHealth.
    health: undefined as unknown as Health,
    get phase() {
      return orchestrator.phase
    },
    onShutdown(hook) {
      orchestrator.onShutdown(hook)
    },
    // Assigned by installLogging.
    redactor: undefined as unknown as Redactor,
    getLogger: undefined as unknown as Lookout['getLogger'],
    // Assigned by installTracing.
    tracing: undefined as unknown as LookoutTracing,
    // Assigned by installFrontend.
    frontend: undefined as unknown as FrontendApi,
    // Assigned by installProfiling.
    profiling: undefined as unknown as ProfilingApi,
    // Assigned by installStore (a getter once the store area has started).
    store: undefined as unknown as Store,
    storeOwner: '',
    // Assigned by installAlerting.
    alerts: undefined as unknown as AlertsApi,
    // Assigned by installSlo.
    slo: undefined,
    // Assigned by installStatus.
    status: undefined,
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
    addRoute,
    addArea(area) {
      areas.push(area)
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

  // ── Areas ────────────────────────────────────────────────────────────────────────────────────────────────
  // Each area installs itself here, in dependency order, with one call: `installX(lookout)` may add routes,
  // request observers, instrument hooks and lifecycle areas, and assign its public API on the instance.
  // (Keep this list the only place that knows the order.)
  installTracing(lookout) // first: its observer sets req.traceId before others' onStart; it stops (flushes) last
  installLogging(lookout) // context + request log + Loki; stops late so other areas' shutdown lines ship
  // Early, so later areas can add checks (the store does).
  installHealth(
    lookout,
    orchestrator,
    config.health.shutdown.handleSignals ?? extras.handleSignalsByDefault ?? false,
  )
  installStore(lookout)
  installAlerting(lookout) // after the store (its worker stops before the store closes), before SLO/status
  installSlo(lookout) // after the store: persists buckets/measurements, stops before it
  installStatus(lookout) // after health and the store: samples the checks, stops (releases its lease) before the store
  installFrontend(lookout)
  installProfiling(lookout) // stops early: aborts the window in progress, drops unsent profiles

  return lookout
}
