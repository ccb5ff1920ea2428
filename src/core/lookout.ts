import type { Server } from 'node:http'
import type { AlertsApi } from '../alerting/alertsApi.ts'
import type { ResolvedConfig } from '../config/schema.ts'
import type { ConsoleApi } from '../console/installConsole.ts'
import type { FrontendApi } from '../frontend/installFrontend.ts'
import type { Health } from '../health/installHealth.ts'
import type { LookoutPhase, ShutdownHook } from '../health/shutdownOrchestrator.ts'
import type { LifecycleCore } from '../http/lifecycleCore.ts'
import type { MountedOpsRoute } from '../http/opsDispatcher.ts'
import type { OpsRoute } from '../http/opsRoute.ts'
import type { LookoutLogger } from '../logging/createLogger.ts'
import type { HttpMetrics } from '../metrics/httpMetrics.ts'
import type { Instrumentation } from '../metrics/instrument.ts'
import type { MetricRegistry } from '../metrics/metricRegistry.ts'
import type { ProfilingApi } from '../profiling/installProfiling.ts'
import type { Redactor } from '../redact/createRedactor.ts'
import type { LookoutSlo } from '../slo/installSlo.ts'
import type { StatusApi } from '../status/installStatus.ts'
import type { Store } from '../store/createStore.ts'
import type { LookoutTracing } from '../tracing/installTracing.ts'
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
  /** A child logger with a `logger: name` field (cached per name, for the first 1000 names). */
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
  /** The console's buffers (see docs/console.md); `undefined` unless `console.enabled`. */
  readonly console: ConsoleApi | undefined
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
