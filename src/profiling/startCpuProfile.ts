import inspector from 'node:inspector'
import { Session } from 'node:inspector/promises'
import type { CpuProfile } from './cpuProfileToPprof.ts'

/** A CPU profile being recorded. */
export interface RunningCpuProfile {
  /** The sampling interval actually in force (see {@link startCpuProfile}). */
  readonly intervalMicros: number
  /** ms since epoch. */
  readonly startedAtMs: number
  /** Ends this profile and returns it. Idempotent (later calls return the same profile). */
  stop(): Promise<CpuProfile>
}

interface SharedSession {
  readonly session: Session
  readonly waiting: Map<string, (profile: CpuProfile) => void>
  intervalMicros: number
  running: number
}

// One in-process inspector session for every CPU profile in the process (V8 has one profiler per isolate; this
// keeps its sample processor shared, see below). Process-wide on purpose, like the profiler itself.
let shared: SharedSession | undefined
let serial: Promise<unknown> = Promise.resolve()
let counter = 0
const STOP_TIMEOUT_MS = 5000

/**
 * Starts a CPU profile through `node:inspector` (in-process; no debugger port is opened). Every profile is a
 * titled console profile on one shared session, so several can overlap on one V8 CpuProfiler.
 *
 * Why overlap matters: starting V8's profiler when no profile is running blocks the main thread for hundreds of
 * milliseconds (V8 logs every compiled function to build its code map; docs/profiling.md), while starting a second
 * profile while one runs is nearly free. Continuous profiling therefore starts the next window before it ends the current one and never pays the pause after the
 * first window; an on-demand profile taken while continuous profiling runs starts instantly too, but samples at
 * the running profile's interval (V8 can only change the interval while nothing is recording).
 *
 * @example
 * const running = await startCpuProfile(1000)
 * await setTimeout(10_000)
 * const profile = await running.stop() // the .cpuprofile JSON DevTools opens
 */
export function startCpuProfile(intervalMicros: number): Promise<RunningCpuProfile> {
  const started = serial.then(() => start(intervalMicros))
  serial = started.catch(() => {})
  return started
}

async function start(intervalMicros: number): Promise<RunningCpuProfile> {
  const s = await sharedSession()
  if (s.running === 0) {
    await s.session.post('Profiler.setSamplingInterval', { interval: intervalMicros })
    s.intervalMicros = intervalMicros
  }
  const title = `lookout-cpu-${++counter}`
  const finished = new Promise<CpuProfile>((resolve) => s.waiting.set(title, resolve))
  const startedAtMs = Date.now()
  inspector.console.profile(title)
  s.running++
  let result: Promise<CpuProfile> | undefined
  return {
    intervalMicros: s.intervalMicros,
    startedAtMs,
    stop() {
      result ??= (async () => {
        inspector.console.profileEnd(title)
        try {
          return await withTimeout(finished, STOP_TIMEOUT_MS, title)
        } finally {
          s.waiting.delete(title)
          s.running--
          if (s.running === 0 && shared === s) {
            shared = undefined
            s.session.disconnect()
          }
        }
      })()
      return result
    },
  }
}

async function sharedSession(): Promise<SharedSession> {
  if (shared !== undefined) return shared
  const session = new Session()
  session.connect()
  const s: SharedSession = { session, waiting: new Map(), intervalMicros: 1000, running: 0 }
  session.on('Profiler.consoleProfileFinished', (message) => {
    const { title, profile } = message.params
    if (title !== undefined) s.waiting.get(title)?.(profile)
  })
  await session.post('Profiler.enable')
  shared = s
  return s
}

function withTimeout<T>(promise: Promise<T>, ms: number, title: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`CPU profile ${title} did not finish`)), ms)
    timer.unref()
    promise.then(
      (v) => {
        clearTimeout(timer)
        resolve(v)
      },
      (e) => {
        clearTimeout(timer)
        reject(e)
      },
    )
  })
}
