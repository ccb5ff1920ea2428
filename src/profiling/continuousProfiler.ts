import { promisify } from 'node:util'
import { gzip } from 'node:zlib'
import type { LookoutLogger } from '../logging/createLogger.ts'
import { cpuProfileToPprof } from './cpuProfileToPprof.ts'
import type { ProfilingMetrics } from './profilingMetrics.ts'
import type { PyroscopePusher } from './pyroscopePusher.ts'
import { type RunningCpuProfile, startCpuProfile } from './startCpuProfile.ts'

const gzipAsync = promisify(gzip)

/** Options of {@link createContinuousProfiler}. */
export interface ContinuousProfilerOptions {
  readonly intervalSeconds: number
  /** ≤ interval; equal (the default) keeps the profiler always on. */
  readonly windowSeconds: number
  readonly sampleRateHz: number
  readonly pusher: PyroscopePusher
  readonly metrics: ProfilingMetrics
  readonly logger: LookoutLogger
}

/** The continuous loop; `start`/`stop` are idempotent. */
export interface ContinuousProfiler {
  /** Starts the first window; resolves once it runs (so V8's start pause happens during start-up). Never rejects. */
  start(): Promise<void>
  /** Ends the window in progress (discarding it) and stops. */
  stop(): Promise<void>
  /** Windows captured so far. */
  readonly windows: number
}

/**
 * Every `intervalSeconds`, a CPU window of `windowSeconds` at `sampleRateHz` is encoded as gzipped pprof and handed
 * to the pusher. With window = interval (the default) windows are back to back and rotate without a gap: the next
 * profile starts before the current one ends, so V8's profiler never stops and the one-off start pause
 * (≈ 0.25–0.7 s in a large app, see `startCpuProfile`) is paid once, at start-up. A shorter window stops the
 * profiler between windows and pays that pause at every window. On-demand profiles overlap freely with windows.
 * Timers are unref'd; nothing here throws into the host.
 *
 * @example
 * const loop = createContinuousProfiler({ intervalSeconds: 60, windowSeconds: 60, sampleRateHz: 100, pusher, metrics, logger })
 * await loop.start()
 * await loop.stop()
 */
export function createContinuousProfiler(options: ContinuousProfilerOptions): ContinuousProfiler {
  const intervalMs = options.intervalSeconds * 1000
  const windowMs = options.windowSeconds * 1000
  const alwaysOn = windowMs >= intervalMs
  const intervalMicros = Math.max(100, Math.round(1_000_000 / options.sampleRateHz))
  let timer: NodeJS.Timeout | undefined
  let running = false
  let current: RunningCpuProfile | undefined
  let windows = 0
  let errorLogged = false
  let tick: Promise<void> = Promise.resolve()

  const fail = (err: unknown) => {
    options.metrics.push('error')
    if (!errorLogged) {
      errorLogged = true
      options.logger.error({ event: 'profile_window_failed', err }, 'a continuous profiling window failed')
    }
  }

  function schedule(delayMs: number, fn: () => Promise<void>) {
    if (!running) return
    timer = setTimeout(
      () => {
        timer = undefined
        tick = fn().catch(fail)
      },
      Math.max(0, delayMs),
    )
    timer.unref()
  }

  async function begin(): Promise<void> {
    if (!running) return
    current = await startCpuProfile(intervalMicros)
    schedule(current.startedAtMs + windowMs - Date.now(), rotate)
  }

  async function rotate(): Promise<void> {
    const ending = current
    current = undefined
    if (ending === undefined || !running) return
    // Start the next window before ending this one, so the profiler keeps running (no start pause).
    if (alwaysOn) {
      current = await startCpuProfile(intervalMicros).catch((err: unknown) => {
        fail(err)
        return undefined
      })
    }
    const profile = await ending.stop()
    const endedAtMs = Date.now()
    if (current !== undefined) schedule(current.startedAtMs + windowMs - Date.now(), rotate)
    else schedule(ending.startedAtMs + intervalMs - Date.now(), begin)
    windows++
    const pprof = cpuProfileToPprof(profile, {
      intervalMicros: ending.intervalMicros,
      startedAtMs: ending.startedAtMs,
    })
    const bytes = await gzipAsync(pprof.encode())
    options.pusher.enqueue({ pprof: bytes, fromMs: ending.startedAtMs, untilMs: endedAtMs })
  }

  return {
    start() {
      if (running) return tick
      running = true
      tick = begin().catch(fail)
      return tick
    },
    async stop() {
      if (!running) return
      running = false
      if (timer !== undefined) clearTimeout(timer)
      timer = undefined
      await tick
      const window = current
      current = undefined
      await window?.stop().catch(() => {})
    },
    get windows() {
      return windows
    },
  }
}
