import type { ResolvedConfig } from '../config/schema.ts'
import type { ShutdownHook } from '../health/shutdownOrchestrator.ts'
import type { LifecycleCore } from '../http/lifecycleCore.ts'
import type { MountedOpsRoute } from '../http/opsDispatcher.ts'
import type { OpsRoute } from '../http/opsRoute.ts'
import type { LookoutLogger } from '../logging/createLogger.ts'
import type { HttpMetrics } from '../metrics/httpMetrics.ts'
import type { Instrumentation } from '../metrics/instrument.ts'
import type { MetricRegistry } from '../metrics/metricRegistry.ts'
import type { LookoutArea } from './lookoutArea.ts'

/**
 * What every area of one Lookout instance shares: the frozen config, the registry, the request lifecycle core,
 * the logger, ops routes and lifecycle areas. Each area's install function takes this plus the other areas'
 * APIs it needs, and returns its own API.
 */
export interface LookoutHost {
  /** The resolved, frozen configuration. */
  readonly config: ResolvedConfig
  /** This instance's metric registry. */
  readonly registry: MetricRegistry
  /** HTTP RED metrics; `undefined` when metrics are disabled. */
  readonly httpMetrics: HttpMetrics | undefined
  /** The request lifecycle core adapters drive (areas add observers and admission here). */
  readonly core: LifecycleCore
  /** The instance's logger. */
  readonly logger: LookoutLogger
  /** The instrumentation API (areas add instrument hooks with `use`). */
  readonly instrumentation: Instrumentation
  /** Ops routes mounted so far. */
  readonly routes: readonly MountedOpsRoute[]
  /** Adds an ops route (guarded by the dispatcher). */
  addRoute(route: OpsRoute): void
  /** Adds a lifecycle area (started in order, stopped in reverse). */
  addArea(area: LookoutArea): void
  /** Adds a hook run during shutdown, after telemetry is flushed. */
  onShutdown(hook: ShutdownHook): void
}
