import { promisify } from 'node:util'
import { gzip } from 'node:zlib'
import type { LookoutLogger } from '../logging/createLogger.ts'
import { captureCpuProfile } from './captureCpuProfile.ts'
import { cpuProfileToPprof } from './cpuProfileToPprof.ts'
import { tryAcquireProfiler } from './profilerLock.ts'
import type { ProfilingMetrics } from './profilingMetrics.ts'
import type { PyroscopePusher } from './pyroscopePusher.ts'

const gzipAsync = promisify(gzip)

/** Options of {@link createContinuousProfiler}. */
export interface ContinuousProfilerOptions {
  readonly intervalSeconds: number
  readonly windowSeconds: number
  readonly sampleRateHz: number
  readonly pusher: PyroscopePusher
  readonly metrics: ProfilingMetrics
  readonly logger: LookoutLogger
}

/** The continuous loop; `start`/`stop` are idempotent. */
export interface ContinuousProfiler {
  start(): void
  /** Stops the window in progress (its partial profile is discarded) and waits for it to end. */
  stop(): Promise<void>
  /** Windows captured so far (for tests and diagnostics). */
  readonly windows: number
}

/**
 * Every `intervalSeconds`, samples the CPU for `windowSeconds` at `sampleRateHz` and hands the gzipped pprof to the
 * pusher. The window shares the process-wide `cpu` profiler lock with on-demand profiles: when an operator's
 * profile holds it, the window is skipped (`lookout_profile_pushes_total{outcome="skipped"}`) rather than waited
 * for; while a window holds it, on-demand requests get 409 with `Retry-After`. Timers are unref'd; nothing here
 * throws into the host.
 *
 * @example
 * const loop = createContinuousProfiler({ intervalSeconds: 60, windowSeconds: 10, sampleRateHz: 100, pusher, metrics, logger })
 * loop.start()
 * await loop.stop()
 */
export function createContinuousProfiler(options: ContinuousProfilerOptions): ContinuousProfiler {
  const intervalMs = options.intervalSeconds * 1000
  const windowMs = options.windowSeconds * 1000
  const intervalMicros = Math.max(100, Math.round(1_000_000 / options.sampleRateHz))
  let timer: NodeJS.Timeout | undefined
  let running = false
  let current: { controller: AbortController; done: Promise<void> } | undefined
  let windows = 0
  let errorLogged = false

  function schedule(delayMs: number) {
    if (!running) return
    timer = setTimeout(runWindow, Math.max(0, delayMs))
    timer.unref()
  }

  function runWindow() {
    timer = undefined
    if (!running) return
    const startedAt = Date.now()
    const lease = tryAcquireProfiler('cpu', { holder: 'continuous', until: startedAt + windowMs })
    if (lease === undefined) {
      options.metrics.push('skipped')
      schedule(intervalMs)
      return
    }
    const controller = new AbortController()
    const done = (async () => {
      try {
        const captured = await captureCpuProfile({
          durationMs: windowMs,
          intervalMicros,
          signal: controller.signal,
        })
        lease.release()
        if (captured.aborted) return
        windows++
        const pprof = cpuProfileToPprof(captured.profile, {
          intervalMicros,
          startedAtMs: captured.startedAtMs,
        })
        const bytes = await gzipAsync(pprof.encode())
        options.pusher.enqueue({ pprof: bytes, fromMs: captured.startedAtMs, untilMs: captured.endedAtMs })
      } catch (err) {
        options.metrics.push('error')
        if (!errorLogged) {
          errorLogged = true
          options.logger.error(
            { event: 'profile_window_failed', err },
            'a continuous profiling window failed',
          )
        }
      } finally {
        lease.release()
        current = undefined
        schedule(startedAt + intervalMs - Date.now())
      }
    })()
    current = { controller, done }
  }

  return {
    start() {
      if (running) return
      running = true
      schedule(0)
    },
    async stop() {
      if (!running) return
      running = false
      if (timer !== undefined) clearTimeout(timer)
      timer = undefined
      const window = current
      if (window !== undefined) {
        window.controller.abort()
        await window.done
      }
    },
    get windows() {
      return windows
    },
  }
}
