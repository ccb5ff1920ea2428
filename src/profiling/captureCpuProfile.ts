import type { CpuProfile } from './cpuProfileToPprof.ts'
import { startCpuProfile } from './startCpuProfile.ts'

/** Options of {@link captureCpuProfile}. */
export interface CaptureCpuProfileOptions {
  /** How long to sample, in ms. */
  readonly durationMs: number
  /** Sampling interval in µs (V8's default is 1000); a profile already running keeps its own. */
  readonly intervalMicros: number
  /** Stops the profile early (client went away, shutdown); the partial profile is still returned. */
  readonly signal?: AbortSignal | undefined
}

/** A captured CPU profile and its wall-clock bounds. */
export interface CapturedCpuProfile {
  readonly profile: CpuProfile
  /** The sampling interval actually used, in µs. */
  readonly intervalMicros: number
  /** ms since epoch. */
  readonly startedAtMs: number
  /** ms since epoch. */
  readonly endedAtMs: number
  /** Stopped early by the signal. */
  readonly aborted: boolean
}

/**
 * Samples the main thread's CPU for `durationMs` and returns the V8 profile (see {@link startCpuProfile} for the
 * engine and its start-up pause). The wait keeps the process alive: an operator asked for this profile.
 * The caller holds the on-demand `cpu` lock ({@link tryAcquireProfiler}).
 *
 * `node:inspector` rather than `@datadog/pprof`: both drive the same V8 CpuProfiler at about the same cost, and the
 * built-in one needs no native addon (docs/profiling.md).
 *
 * @example
 * const { profile, startedAtMs } = await captureCpuProfile({ durationMs: 10_000, intervalMicros: 1000 })
 */
export async function captureCpuProfile(options: CaptureCpuProfileOptions): Promise<CapturedCpuProfile> {
  const running = await startCpuProfile(options.intervalMicros)
  // waitOrAbort never rejects, so the profile is always ended and V8 never keeps sampling for nobody.
  const aborted = await waitOrAbort(options.durationMs, options.signal)
  const profile = await running.stop()
  return {
    profile,
    intervalMicros: running.intervalMicros,
    startedAtMs: running.startedAtMs,
    endedAtMs: Date.now(),
    aborted,
  }
}

/** Resolves `false` after `ms`, or `true` as soon as `signal` aborts. */
function waitOrAbort(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(true)
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer)
      resolve(true)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve(false)
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
