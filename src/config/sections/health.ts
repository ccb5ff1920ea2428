import { z } from 'zod'
import type { HealthCheck } from '../../health/healthCheck.ts'
import type { EnvBinding } from '../envBinding.ts'

const urlPath = z.string().regex(/^\/[a-zA-Z0-9/_.-]*$/, 'an absolute URL path')
const pathList = z.array(urlPath)

/** A check given as an object with a `run` function (or made by a built-in factory such as `postgresCheck`). */
const checkSchema = z.custom<HealthCheck>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { name?: unknown }).name === 'string' &&
    typeof (value as { run?: unknown }).run === 'function',
  'a health check: { name: string, run(signal) → result, timeoutMs?, critical? } (see postgresCheck(), …)',
)

const positiveMs = z.number().int().min(0).max(600_000)

/**
 * Health probes, dependency checks, load shedding and graceful shutdown (docs/health.md).
 *
 * @example
 * { health: { checks: [postgresCheck({ target: pool })], intervalMs: 5000,
 *             shedding: { maxEventLoopDelayMs: 200 }, shutdown: { drainDelayMs: 5000 } } }
 */
export const healthSchema = z
  .object({
    /** Mount the probe endpoints and run checks. Default `true`. Env `LOOKOUT_HEALTH_ENABLED`. */
    enabled: z.boolean().default(true),
    /** Probe paths; each list may hold aliases (other common names), `[]` disables an endpoint. */
    paths: z
      .object({
        /** Liveness (process only). Default `/health/live`, `/livez`, `/healthz`. Env `LOOKOUT_HEALTH_LIVE_PATHS`. */
        live: pathList.default(['/health/live', '/livez', '/healthz']),
        /** Readiness (critical checks, shedding, shutdown). Default `/health/ready`, `/readyz`, `/ready`. */
        ready: pathList.default(['/health/ready', '/readyz', '/ready']),
        /** Startup (start-up work done). Default `/health/startup`, `/startupz`, `/startup`. */
        startup: pathList.default(['/health/startup', '/startupz', '/startup']),
        /** Detailed `application/health+json` view. Default `/health`, `/health/detailed`. */
        detailed: pathList.default(['/health', '/health/detailed']),
      })
      .strict()
      .default({}),
    /**
     * Probe body shape: `health+json` answers `application/health+json` (draft-inadarei-api-health-check);
     * `legacy` answers `application/json` `{ status, ready, checks: { name: { status, response_ms } } }` for
     * clients written against that shape. Default `health+json`. Env `LOOKOUT_HEALTH_BODY`.
     */
    body: z.enum(['health+json', 'legacy']).default('health+json'),
    /** Checks run in the background; results are cached this long (ms). Default 5000. Env `LOOKOUT_HEALTH_INTERVAL_MS`. */
    intervalMs: z.number().int().min(10).max(600_000).default(5000),
    /** Longest a probe waits for a first result before answering (ms). Default 100. */
    probeBudgetMs: z.number().int().min(0).max(900).default(100),
    /** Add the non-critical `memory` and `eventloop` checks. Default `true`. */
    defaultChecks: z.boolean().default(true),
    /** Dependency checks (objects with `run`, e.g. from `postgresCheck()`, `redisCheck()`). */
    checks: z.array(checkSchema).default([]),
    /** Load shedding (as @fastify/under-pressure): any limit set turns it on. */
    shedding: z
      .object({
        /** Event-loop delay limit in ms. Env `LOOKOUT_SHED_MAX_EVENT_LOOP_DELAY_MS`. */
        maxEventLoopDelayMs: z.number().positive().optional(),
        /** Event-loop utilisation limit (0–1). Env `LOOKOUT_SHED_MAX_EVENT_LOOP_UTILIZATION`. */
        maxEventLoopUtilization: z.number().gt(0).max(1).optional(),
        /** Heap-used limit in bytes. Env `LOOKOUT_SHED_MAX_HEAP_USED_BYTES`. */
        maxHeapUsedBytes: z.number().int().positive().optional(),
        /** Resident-set-size limit in bytes. Env `LOOKOUT_SHED_MAX_RSS_BYTES`. */
        maxRssBytes: z.number().int().positive().optional(),
        /** How often the process is sampled (ms). Default 1000. */
        sampleIntervalMs: z.number().int().min(10).max(60_000).default(1000),
        /** Answer new app requests with 503 + `Retry-After` while over a limit (else only readiness fails). Default `true`. */
        rejectRequests: z.boolean().default(true),
        /** `Retry-After` seconds on shed requests. Default 10. */
        retryAfterSeconds: z.number().int().min(1).max(3600).default(10),
      })
      .strict()
      .default({}),
    /** Graceful shutdown on SIGTERM/SIGINT or `lookout.shutdown()`. */
    shutdown: z
      .object({
        /**
         * Install SIGTERM/SIGINT handlers. Default: `true` for an instance an adapter serves (the Fastify plugin,
         * the Express middleware, `withLookout`; shared instances too), `false` for `createLookout()` used on its
         * own. Env `LOOKOUT_HANDLE_SIGNALS`.
         */
        handleSignals: z.boolean().optional(),
        /** Signals handled. Default `SIGTERM`, `SIGINT`. */
        signals: z.array(z.enum(['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGUSR2'])).default(['SIGTERM', 'SIGINT']),
        /** Keep serving (readiness failing) this long before closing listeners (ms). Default 5000. */
        drainDelayMs: positiveMs.default(5000),
        /** Longest wait for in-flight requests (ms). Default 10000. */
        inFlightTimeoutMs: positiveMs.default(10_000),
        /** Bound on the whole shutdown (ms); below Kubernetes' 30 s default. Default 25000. */
        graceMs: z.number().int().min(100).max(600_000).default(25_000),
        /**
         * Called last with the exit code (0 clean, 1 failed or timed out) after every shutdown. Default: after a
         * shutdown started by a handled signal the process exits with that code (`process.exit`), so a pool or
         * timer the app holds cannot keep it alive; `false`: Lookout never ends the process.
         */
        terminate: z
          .union([
            z.literal(false),
            z.custom<(code: number) => void>((v) => typeof v === 'function', 'a function (code) => void'),
          ])
          .optional(),
      })
      .strict()
      .default({}),
  })
  .strict()
  .default({})

export const healthEnv: readonly EnvBinding[] = [
  { env: 'LOOKOUT_HEALTH_ENABLED', path: 'health.enabled', parse: 'bool' },
  { env: 'LOOKOUT_HEALTH_LIVE_PATHS', path: 'health.paths.live', parse: 'list' },
  { env: 'LOOKOUT_HEALTH_READY_PATHS', path: 'health.paths.ready', parse: 'list' },
  { env: 'LOOKOUT_HEALTH_STARTUP_PATHS', path: 'health.paths.startup', parse: 'list' },
  { env: 'LOOKOUT_HEALTH_DETAILED_PATHS', path: 'health.paths.detailed', parse: 'list' },
  { env: 'LOOKOUT_HEALTH_BODY', path: 'health.body', parse: 'string' },
  { env: 'LOOKOUT_HEALTH_INTERVAL_MS', path: 'health.intervalMs', parse: 'int' },
  {
    env: 'LOOKOUT_SHED_MAX_EVENT_LOOP_DELAY_MS',
    path: 'health.shedding.maxEventLoopDelayMs',
    parse: 'number',
  },
  {
    env: 'LOOKOUT_SHED_MAX_EVENT_LOOP_UTILIZATION',
    path: 'health.shedding.maxEventLoopUtilization',
    parse: 'number',
  },
  { env: 'LOOKOUT_SHED_MAX_HEAP_USED_BYTES', path: 'health.shedding.maxHeapUsedBytes', parse: 'int' },
  { env: 'LOOKOUT_SHED_MAX_RSS_BYTES', path: 'health.shedding.maxRssBytes', parse: 'int' },
  { env: 'LOOKOUT_SHED_REJECT_REQUESTS', path: 'health.shedding.rejectRequests', parse: 'bool' },
  { env: 'LOOKOUT_HANDLE_SIGNALS', path: 'health.shutdown.handleSignals', parse: 'bool' },
  { env: 'LOOKOUT_SHUTDOWN_DRAIN_DELAY_MS', path: 'health.shutdown.drainDelayMs', parse: 'int' },
  { env: 'LOOKOUT_SHUTDOWN_IN_FLIGHT_TIMEOUT_MS', path: 'health.shutdown.inFlightTimeoutMs', parse: 'int' },
  { env: 'LOOKOUT_SHUTDOWN_GRACE_MS', path: 'health.shutdown.graceMs', parse: 'int' },
]
