import type { LookoutHost } from '../core/lookoutHost.ts'
import type { AdmissionRejection } from '../http/lifecycleCore.ts'
import { authOf } from '../http/opsRoute.ts'
import { type CheckRegistry, createCheckRegistry } from './checkRegistry.ts'
import { eventLoopDelayCheck } from './checks/eventLoopDelayCheck.ts'
import { memoryCheck } from './checks/memoryCheck.ts'
import { createConfigRoute } from './configRoute.ts'
import { HEALTH_METRIC_NAMES } from './conventions.ts'
import type { CheckState, HealthCheck } from './healthCheck.ts'
import { buildHealthReport, type HealthBody } from './healthReport.ts'
import { createPressureMonitor, type PressureMonitor } from './pressureMonitor.ts'
import { createProbeRoutes } from './probeRoutes.ts'
import type { ShutdownOrchestrator } from './shutdownOrchestrator.ts'

/** `lookout.health`: checks, start-up tasks, and the state the probes report. */
export interface Health {
  /** Adds a check (any time; it runs in the next refresh). Throws `LOOKOUT_ERR_HEALTH_CHECK` on misuse. */
  addCheck(check: HealthCheck): void
  /** Removes a check by name; `false` if unknown. */
  removeCheck(name: string): boolean
  /**
   * Declares start-up work the startup probe (and readiness) must wait for; call the returned function when
   * it is done (idempotent).
   */
  startupTask(name: string): () => void
  /** Marks start-up as done for apps that never call `lookout.start()` (adapters call it for you). */
  markStarted(): void
  /** Start-up work is done: `lookout.start()` finished and every startup task is done. */
  readonly started: boolean
  /** Over a load-shedding limit right now (sampled, not computed per call). */
  readonly overloaded: boolean
  /** Latest (cached) result of every check. */
  results(): readonly CheckState[]
  /** Runs every check now and resolves with the detailed report (operator view). */
  check(): Promise<HealthBody>
  /** Installs the SIGTERM/SIGINT handlers now (idempotent). */
  handleSignals(): void
}

/**
 * Installs the health area: check registry (with `memory` and `eventloop` by default), probe routes, load
 * shedding, `/observability/config`, and the lifecycle area that runs the background refresh and installs the
 * signal handlers; returns `lookout.health`. Install it early, so later areas can add checks.
 *
 * @param handleSignals install SIGTERM/SIGINT handlers at start (resolved by `createLookout` from
 *   `health.shutdown.handleSignals`, else the adapter's default)
 * @example
 * const health = installHealth(host, orchestrator, false)
 */
export function installHealth(
  lookout: LookoutHost,
  orchestrator: ShutdownOrchestrator,
  handleSignals: boolean,
): Health {
  const config = lookout.config.health
  const checks: CheckRegistry = createCheckRegistry({
    intervalMs: config.intervalMs,
    registry: lookout.config.metrics.enabled ? lookout.registry : undefined,
    logger: lookout.logger,
  })
  if (config.defaultChecks) {
    checks.add(memoryCheck())
    checks.add(eventLoopDelayCheck())
  }
  for (const check of config.checks) checks.add(check as HealthCheck)

  const pressure = createShedding(lookout, config.shedding)

  const pendingTasks = new Set<symbol>()
  let startedOnce = false
  const isStarted = () => {
    if (startedOnce) return true
    const phase = orchestrator.phase
    if (phase !== 'started' || pendingTasks.size > 0) return false
    startedOnce = true
    return true
  }

  const health: Health = {
    addCheck: (check) => checks.add(check),
    removeCheck: (name) => checks.remove(name),
    startupTask(name) {
      const task = Symbol(name)
      pendingTasks.add(task)
      return function startupTaskDone() {
        pendingTasks.delete(task)
      }
    },
    markStarted() {
      orchestrator.markStarted()
    },
    get started() {
      return isStarted()
    },
    get overloaded() {
      return pressure?.overloaded ?? false
    },
    results: () => checks.results(),
    async check() {
      await checks.refresh()
      return buildHealthReport({
        results: checks.results(),
        blockers: [],
        criticalOnly: false,
        details: true,
        service: { name: lookout.config.service, version: lookout.config.version },
      }).body
    },
    handleSignals() {
      orchestrator.handleSignals()
    },
  }

  if (config.enabled) {
    const routes = createProbeRoutes(
      {
        checks,
        started: isStarted,
        stopping: () => orchestrator.phase === 'stopping' || orchestrator.phase === 'stopped',
        overloaded: () => (pressure?.overloaded ? pressure.reason : undefined),
        probeBudgetMs: config.probeBudgetMs,
        service: { name: lookout.config.service, version: lookout.config.version },
        body: config.body,
      },
      config.paths,
    )
    for (const route of routes) lookout.addRoute(route)
  }

  lookout.addRoute(
    createConfigRoute({
      config: lookout.config,
      checkEndpoints: () => checks.definitions().map((c) => ({ name: c.name, endpoint: c.endpoint })),
      routes: () =>
        lookout.routes.map((m) => ({
          method: m.route.method,
          path: m.route.path,
          auth: authOf(m.route.scope),
          scope: m.route.scope.kind,
        })),
    }),
  )

  let running = false
  lookout.addArea({
    name: 'health',
    start() {
      if (running) return
      running = true
      // Checks start once every area has started (the store's check would fail before it opens).
      if (config.enabled) orchestrator.onStarted(() => checks.start())
      pressure?.start()
      if (handleSignals) orchestrator.handleSignals()
    },
    async stop() {
      pressure?.stop()
      await checks.stop()
    },
  })
  return health
}

type SheddingConfig = LookoutHost['config']['health']['shedding']

function createShedding(lookout: LookoutHost, shedding: SheddingConfig): PressureMonitor | undefined {
  const limits = {
    maxEventLoopDelayMs: shedding.maxEventLoopDelayMs,
    maxEventLoopUtilization: shedding.maxEventLoopUtilization,
    maxHeapUsedBytes: shedding.maxHeapUsedBytes,
    maxRssBytes: shedding.maxRssBytes,
  }
  if (Object.values(limits).every((v) => v === undefined)) return undefined
  const metrics = lookout.config.metrics.enabled ? lookout.registry : undefined
  const overloadedGauge = metrics
    ?.gauge({
      name: HEALTH_METRIC_NAMES.overloaded,
      help: 'Whether the process is over a load-shedding limit (1) or not (0)',
    })
    .labels()
  const shedCounter = metrics
    ?.counter({
      name: HEALTH_METRIC_NAMES.loadShed,
      help: 'Requests answered 503 because the process was overloaded',
    })
    .labels()
  const pressure = createPressureMonitor({
    limits,
    sampleIntervalMs: shedding.sampleIntervalMs,
    onChange(overloaded, reason) {
      overloadedGauge?.set(overloaded ? 1 : 0)
      if (overloaded)
        lookout.logger.warn({ event: 'load_shedding_started', reason }, 'overloaded: shedding load')
      else lookout.logger.info({ event: 'load_shedding_stopped' }, 'load back under limits')
    },
  })
  overloadedGauge?.set(0)
  if (shedding.rejectRequests) {
    const rejection: AdmissionRejection = Object.freeze({
      status: 503,
      headers: Object.freeze([
        ['retry-after', String(shedding.retryAfterSeconds)] as const,
        ['content-type', 'application/json; charset=utf-8'] as const,
        ['cache-control', 'no-store'] as const,
      ]),
      body: JSON.stringify({
        error: { code: 'overloaded', message: 'the service is overloaded; retry later' },
      }),
    })
    lookout.core.setAdmission(function loadShedding(req) {
      if (!pressure.overloaded) return undefined
      // Operators can still reach the ops plane of an overloaded process (only checked while shedding).
      if (req.url.startsWith('/observability/')) return undefined
      shedCounter?.inc()
      return rejection
    })
  }
  return pressure
}
