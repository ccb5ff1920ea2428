import { type IntervalHistogram, monitorEventLoopDelay, performance } from 'node:perf_hooks'

/** One sample of the process's load. */
export interface PressureReading {
  /** Event-loop delay over the last sample period (ms). */
  readonly eventLoopDelayMs: number
  /** Event-loop utilisation over the last sample period (0–1). */
  readonly eventLoopUtilization: number
  readonly heapUsedBytes: number
  readonly rssBytes: number
}

/** Limits; an unset limit is not checked. */
export interface PressureLimits {
  readonly maxEventLoopDelayMs?: number | undefined
  readonly maxEventLoopUtilization?: number | undefined
  readonly maxHeapUsedBytes?: number | undefined
  readonly maxRssBytes?: number | undefined
}

/** Options of {@link createPressureMonitor}. */
export interface PressureMonitorOptions {
  readonly limits: PressureLimits
  /** Sample period (ms). Default 1000. */
  readonly sampleIntervalMs?: number
  /** Reads the process (tests inject readings). Default: {@link createProcessReader}. */
  readonly read?: () => PressureReading
  /** Told when the overloaded state flips (logs, gauges). Must not throw. */
  readonly onChange?: (overloaded: boolean, reason: string | undefined, reading: PressureReading) => void
}

/** The load-shedding decision, refreshed by a periodic sample (never per request). */
export interface PressureMonitor {
  /** Over any limit at the latest sample. Reading it is a field access. */
  readonly overloaded: boolean
  /** Which limit was passed (`eventLoopDelay 312 ms > 200 ms`), when overloaded. */
  readonly reason: string | undefined
  /** The latest sample. */
  readonly last: PressureReading | undefined
  /** Takes one sample now and updates the decision. */
  sample(): void
  /** Starts periodic sampling (idempotent; timer unref'd). */
  start(): void
  /** Stops sampling (idempotent). */
  stop(): void
}

/**
 * Samples the process periodically and decides whether it is overloaded, as @fastify/under-pressure does:
 * event-loop delay, event-loop utilisation, heap used and RSS against configured limits. The request path only
 * reads `overloaded` — the cost per request is one property read.
 *
 * @example
 * const pressure = createPressureMonitor({ limits: { maxEventLoopDelayMs: 200, maxRssBytes: 512e6 } })
 * pressure.start()
 * if (pressure.overloaded) reply503()
 */
export function createPressureMonitor(options: PressureMonitorOptions): PressureMonitor {
  const { limits } = options
  const interval = options.sampleIntervalMs ?? 1000
  let reader = options.read
  let timer: NodeJS.Timeout | undefined
  let stopReader: (() => void) | undefined

  const monitor = {
    overloaded: false,
    reason: undefined as string | undefined,
    last: undefined as PressureReading | undefined,
    sample() {
      if (reader === undefined) {
        const created = createProcessReader(interval)
        reader = created.read
        stopReader = created.stop
      }
      let reading: PressureReading
      try {
        reading = reader()
      } catch {
        return
      }
      monitor.last = reading
      const reason = exceeded(reading, limits)
      const overloaded = reason !== undefined
      const changed = overloaded !== monitor.overloaded
      monitor.overloaded = overloaded
      monitor.reason = reason
      if (changed) {
        try {
          options.onChange?.(overloaded, reason, reading)
        } catch {
          // ignored: telemetry
        }
      }
    },
    start() {
      if (timer !== undefined) return
      monitor.sample()
      timer = setInterval(() => monitor.sample(), interval)
      timer.unref()
    },
    stop() {
      if (timer !== undefined) clearInterval(timer)
      timer = undefined
      stopReader?.()
      stopReader = undefined
      if (options.read === undefined) reader = undefined
    },
  }
  return monitor
}

function exceeded(r: PressureReading, l: PressureLimits): string | undefined {
  if (l.maxEventLoopDelayMs !== undefined && r.eventLoopDelayMs > l.maxEventLoopDelayMs) {
    return `eventLoopDelay ${Math.round(r.eventLoopDelayMs)} ms > ${l.maxEventLoopDelayMs} ms`
  }
  if (l.maxEventLoopUtilization !== undefined && r.eventLoopUtilization > l.maxEventLoopUtilization) {
    return `eventLoopUtilization ${r.eventLoopUtilization.toFixed(2)} > ${l.maxEventLoopUtilization}`
  }
  if (l.maxHeapUsedBytes !== undefined && r.heapUsedBytes > l.maxHeapUsedBytes) {
    return `heapUsed ${r.heapUsedBytes} B > ${l.maxHeapUsedBytes} B`
  }
  if (l.maxRssBytes !== undefined && r.rssBytes > l.maxRssBytes) {
    return `rss ${r.rssBytes} B > ${l.maxRssBytes} B`
  }
  return undefined
}

const RESOLUTION_MS = 10

/**
 * Reads the real process: event-loop delay as the larger of the histogram mean (minus its resolution, as
 * under-pressure computes it) and how late the sampling timer itself fired — a single long block shows up in
 * the second even when the mean hides it.
 *
 * @example
 * const { read, stop } = createProcessReader(1000)
 */
export function createProcessReader(intervalMs: number): { read: () => PressureReading; stop: () => void } {
  const histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
  histogram.enable()
  let lastElu = performance.eventLoopUtilization()
  let lastAt = performance.now()
  return {
    read() {
      const now = performance.now()
      const late = lastAt === 0 ? 0 : Math.max(0, now - lastAt - intervalMs)
      lastAt = now
      const mean = histogram.count > 0 ? Math.max(0, histogram.mean / 1e6 - RESOLUTION_MS) : 0
      histogram.reset()
      const elu = performance.eventLoopUtilization()
      const utilization = performance.eventLoopUtilization(elu, lastElu).utilization
      lastElu = elu
      const mem = process.memoryUsage()
      return {
        eventLoopDelayMs: Math.max(mean, late),
        eventLoopUtilization: utilization,
        heapUsedBytes: mem.heapUsed,
        rssBytes: mem.rss,
      }
    },
    stop() {
      histogram.disable()
    },
  }
}
