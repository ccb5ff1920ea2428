import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks'
import type { HealthCheck } from '../healthCheck.ts'

const RESOLUTION_MS = 20

/** Options of {@link eventLoopDelayCheck}. */
export interface EventLoopDelayCheckOptions {
  /** Default `eventloop`. */
  readonly name?: string
  /** p99 delay since the previous run (ms) at which the check warns. Default 200. */
  readonly warnMs?: number
  /** p99 delay at which the check fails. Default 1000. */
  readonly failMs?: number
  /** Default `false`. */
  readonly critical?: boolean
}

/**
 * Event-loop delay: p99 of `monitorEventLoopDelay` since the previous run (the histogram is reset per run).
 *
 * @example
 * eventLoopDelayCheck({ warnMs: 100, failMs: 500 })
 */
export function eventLoopDelayCheck(options: EventLoopDelayCheckOptions = {}): HealthCheck {
  const warn = options.warnMs ?? 200
  const fail = options.failMs ?? 1000
  let histogram: IntervalHistogram | undefined
  return {
    name: options.name ?? 'eventloop',
    timeoutMs: 1000,
    critical: options.critical ?? false,
    componentType: 'system',
    measurement: 'delay',
    run() {
      if (histogram === undefined) {
        // Lazily enabled so an unused check costs nothing; libuv's sampling timer does not hold the process.
        histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
        histogram.enable()
        return { status: 'pass', observedValue: 0, observedUnit: 'ms' }
      }
      // The histogram records whole timer intervals, resolution included: subtract it to get the delay.
      const p99 = histogram.count > 0 ? Math.max(0, histogram.percentile(99) / 1e6 - RESOLUTION_MS) : 0
      histogram.reset()
      const value = Math.round(p99 * 10) / 10
      const status = value >= fail ? 'fail' : value >= warn ? 'warn' : 'pass'
      return {
        status,
        observedValue: value,
        observedUnit: 'ms',
        output: status === 'pass' ? undefined : `p99 event-loop delay ${value} ms`,
      }
    },
    close() {
      histogram?.disable()
    },
  }
}
