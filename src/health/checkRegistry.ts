import { performance } from 'node:perf_hooks'
import { healthCheckInvalidError } from '../errors.ts'
import type { LookoutLogger } from '../logging/createLogger.ts'
import type { GaugeChild } from '../metrics/gaugeFamily.ts'
import type { MetricRegistry } from '../metrics/metricRegistry.ts'
import { DEFAULT_TIMEOUTS, HEALTH_METRIC_NAMES, HEALTH_STATUS_VALUE } from './conventions.ts'
import type {
  CheckState,
  ComponentType,
  HealthCheck,
  HealthCheckResult,
  HealthStatus,
} from './healthCheck.ts'
import { stripCredentials } from './stripCredentials.ts'

const NAME = /^[a-z0-9][a-z0-9_.-]{0,62}$/
const MEASUREMENT = /^[a-zA-Z][a-zA-Z0-9_]{0,62}$/
/** Runs of one check that hung past their timeout and may still be pending; beyond this, no new run starts. */
const MAX_ABANDONED = 3

/** Options of {@link createCheckRegistry}. */
export interface CheckRegistryOptions {
  /** Background refresh period and cache lifetime (ms). */
  readonly intervalMs: number
  /** Exports `lookout_health_check_status` / `_duration_seconds` here when given. */
  readonly registry?: MetricRegistry | undefined
  /** Logs status changes (one line per change, never per run). */
  readonly logger?: LookoutLogger | undefined
}

/** The check registry of one Lookout instance. */
export interface CheckRegistry {
  /** Adds a check. Throws `LOOKOUT_ERR_HEALTH_CHECK` on a bad or duplicate name or timeout. */
  add(check: HealthCheck): void
  /** Removes a check (and its metric series); `false` if unknown. */
  remove(name: string): boolean
  /** The registered checks, in registration order. */
  definitions(): readonly HealthCheck[]
  /** Latest result of every check, in registration order; a check that never finished reads as `fail` ("pending"). */
  results(): readonly CheckState[]
  /** Runs every check now (a check already running is not started twice); resolves when each settled or timed out. */
  refresh(): Promise<void>
  /**
   * Makes sure results are fresh without ever waiting longer than `budgetMs`: starts a refresh when the cache is
   * older than the interval, and waits (bounded) only while some check has no result at all.
   */
  ensureFresh(budgetMs: number): Promise<void>
  /** Starts the background refresh (idempotent; the timer is unref'd). */
  start(): void
  /** Stops the refresh and closes the checks (idempotent). */
  stop(): Promise<void>
}

interface Entry {
  readonly check: HealthCheck
  readonly timeoutMs: number
  readonly critical: boolean
  readonly componentType: ComponentType
  readonly measurement: string
  state: CheckState | undefined
  running: Promise<void> | undefined
  /** Ends the current run now (used by `stop()`). */
  cancel: (() => void) | undefined
  abandoned: number
  status: GaugeChild | undefined
  duration: GaugeChild | undefined
}

/**
 * Creates a registry of named checks that run in parallel, each bounded by its own timeout, with results cached
 * and refreshed in the background so probes read them in microseconds — even while a dependency hangs.
 *
 * A run that hangs past its timeout is recorded as `fail` and abandoned (its signal aborted); at most
 * {@link MAX_ABANDONED} abandoned runs per check may stay pending, so a black-holed dependency cannot pile up
 * promises or sockets.
 *
 * @example
 * const checks = createCheckRegistry({ intervalMs: 5000, registry })
 * checks.add(postgresCheck({ target: pool }))
 * checks.start()
 * checks.results() // [{ name: 'postgres', status: 'pass', observedValue: 1.8, observedUnit: 'ms', … }]
 */
export function createCheckRegistry(options: CheckRegistryOptions): CheckRegistry {
  const { intervalMs, logger } = options
  const statusFamily = options.registry?.gauge({
    name: HEALTH_METRIC_NAMES.checkStatus,
    help: 'Latest result of each health check: 1 pass, 0.5 warn (degraded), 0 fail',
    labelNames: [HEALTH_METRIC_NAMES.checkLabel],
  })
  const durationFamily = options.registry?.gauge({
    name: HEALTH_METRIC_NAMES.checkDuration,
    help: 'Duration of the latest run of each health check in seconds',
    labelNames: [HEALTH_METRIC_NAMES.checkLabel],
  })
  const entries = new Map<string, Entry>()
  let timer: NodeJS.Timeout | undefined
  let lastRefresh = Number.NEGATIVE_INFINITY
  let roundStarted = 0
  let round: Promise<void> | undefined
  let stopped = false

  function record(entry: Entry, durationMs: number, result: HealthCheckResult | Error): void {
    let status: HealthStatus = 'pass'
    let observedValue: number | string | boolean = round3(durationMs)
    let observedUnit = 'ms'
    let output: string | undefined
    if (result instanceof Error) {
      status = 'fail'
      output = stripCredentials(result.message || result.name)
    } else if (result === false) {
      status = 'fail'
      output = 'check returned false'
    } else if (typeof result === 'object' && result !== null) {
      status = result.status === 'warn' || result.status === 'fail' ? result.status : 'pass'
      if (result.observedValue !== undefined) {
        observedValue = result.observedValue
        observedUnit = result.observedUnit ?? ''
      }
      if (result.output !== undefined) output = stripCredentials(String(result.output))
    }
    const previous = entry.state?.status
    entry.state = {
      name: entry.check.name,
      status,
      critical: entry.critical,
      componentType: entry.componentType,
      measurement: entry.measurement,
      observedValue,
      observedUnit,
      output,
      durationMs: round3(durationMs),
      time: new Date().toISOString(),
    }
    entry.status?.set(HEALTH_STATUS_VALUE[status])
    entry.duration?.set(durationMs / 1000)
    if (previous !== status && logger !== undefined) {
      const fields = { event: 'health_check_status', check: entry.check.name, status, previous, output }
      if (status === 'fail') logger.warn(fields, 'health check failing')
      else if (previous !== undefined || status !== 'pass') logger.info(fields, 'health check status changed')
    }
  }

  function runOne(entry: Entry): Promise<void> {
    if (entry.running !== undefined) return entry.running
    if (entry.abandoned >= MAX_ABANDONED) {
      record(entry, entry.timeoutMs, new Error(`${entry.abandoned} earlier runs are still hanging`))
      return Promise.resolve()
    }
    const controller = new AbortController()
    const started = performance.now()
    const running = new Promise<void>((resolve) => {
      let settled = false
      const timeout = setTimeout(() => {
        if (settled) return
        settled = true
        const error = new Error(`timed out after ${entry.timeoutMs} ms`)
        error.name = 'TimeoutError'
        controller.abort(error)
        entry.abandoned++
        attempt.then(
          () => entry.abandoned--,
          () => entry.abandoned--,
        )
        record(entry, performance.now() - started, error)
        resolve()
      }, entry.timeoutMs)
      // Not unref'd: a run holds the process for at most its timeout (and `stop()` cancels it), so a one-off
      // `health.check()` in a script still gets its answer.
      entry.cancel = () => {
        if (settled) return
        settled = true
        clearTimeout(timeout)
        controller.abort(new Error('health checks stopped'))
        resolve()
      }
      const attempt = (async () => entry.check.run(controller.signal))()
      attempt.then(
        (result) => {
          if (settled) return
          settled = true
          clearTimeout(timeout)
          record(entry, performance.now() - started, result ?? undefined)
          resolve()
        },
        (error: unknown) => {
          if (settled) return
          settled = true
          clearTimeout(timeout)
          record(
            entry,
            performance.now() - started,
            error instanceof Error ? error : new Error(String(error)),
          )
          resolve()
        },
      )
    })
    entry.running = running
    running.then(() => {
      entry.running = undefined
      entry.cancel = undefined
    })
    return running
  }

  function refresh(): Promise<void> {
    if (round !== undefined) return round
    lastRefresh = performance.now()
    roundStarted = lastRefresh
    const current = Promise.all([...entries.values()].map(runOne)).then(() => {
      round = undefined
    })
    round = current
    return current
  }

  const registry: CheckRegistry = {
    add(check) {
      if (typeof check?.name !== 'string' || !NAME.test(check.name)) {
        throw healthCheckInvalidError(
          String(check?.name),
          'names match [a-z0-9][a-z0-9_.-]*, at most 63 characters',
        )
      }
      if (entries.has(check.name))
        throw healthCheckInvalidError(check.name, 'a check with this name already exists')
      if (typeof check.run !== 'function')
        throw healthCheckInvalidError(check.name, '`run` must be a function')
      const timeoutMs = check.timeoutMs ?? DEFAULT_TIMEOUTS.check
      if (!Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > 60_000) {
        throw healthCheckInvalidError(check.name, '`timeoutMs` must be between 1 and 60000')
      }
      const measurement = check.measurement ?? 'responseTime'
      if (!MEASUREMENT.test(measurement))
        throw healthCheckInvalidError(check.name, '`measurement` must be a word')
      entries.set(check.name, {
        check,
        timeoutMs,
        critical: check.critical ?? true,
        componentType: check.componentType ?? 'component',
        measurement,
        state: undefined,
        running: undefined,
        cancel: undefined,
        abandoned: 0,
        status: statusFamily?.labels(check.name),
        duration: durationFamily?.labels(check.name),
      })
      // A check added while the refresh runs gets its first result soon, not one interval later.
      if (timer !== undefined) void runOne(entries.get(check.name)!)
    },
    remove(name) {
      const entry = entries.get(name)
      if (entry === undefined) return false
      entries.delete(name)
      statusFamily?.remove(name)
      durationFamily?.remove(name)
      return true
    },
    definitions() {
      return [...entries.values()].map((e) => e.check)
    },
    results() {
      const out: CheckState[] = []
      for (const entry of entries.values()) {
        out.push(
          entry.state ?? {
            name: entry.check.name,
            status: 'fail',
            critical: entry.critical,
            componentType: entry.componentType,
            measurement: entry.measurement,
            observedValue: 0,
            observedUnit: 'ms',
            output: 'no result yet',
            durationMs: 0,
            time: new Date().toISOString(),
          },
        )
      }
      return out
    },
    refresh,
    async ensureFresh(budgetMs) {
      if (entries.size === 0) return
      const pending = refreshIfStale()
      let missing = false
      for (const entry of entries.values()) {
        if (entry.state === undefined) {
          missing = true
          break
        }
      }
      // Only the first probes of a round wait: the budget counts from the round's start, so while a check hangs
      // towards its first timeout, later probes answer at once instead of each waiting the whole budget.
      const wait = budgetMs - (performance.now() - roundStarted)
      if (!missing || wait <= 0) return
      let timeout: NodeJS.Timeout | undefined
      await Promise.race([
        pending,
        new Promise<void>((resolve) => {
          timeout = setTimeout(resolve, wait)
        }),
      ])
      clearTimeout(timeout)
    },
    start() {
      if (timer !== undefined || stopped) return
      timer = setInterval(() => void refresh(), intervalMs)
      timer.unref()
      void refresh()
    },
    async stop() {
      if (stopped) return
      stopped = true
      if (timer !== undefined) clearInterval(timer)
      timer = undefined
      for (const entry of entries.values()) entry.cancel?.()
      await Promise.all(
        [...entries.values()].map(async (entry) => {
          try {
            await entry.check.close?.()
          } catch (err) {
            logger?.warn(
              { event: 'health_check_close_failed', check: entry.check.name, err },
              'check close failed',
            )
          }
        }),
      )
    },
  }

  function refreshIfStale(): Promise<void> {
    if (round !== undefined) return round
    if (performance.now() - lastRefresh < intervalMs) return Promise.resolve()
    return refresh()
  }

  return registry
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000
}
