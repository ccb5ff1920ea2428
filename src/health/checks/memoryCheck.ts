import { getHeapStatistics } from 'node:v8'
import type { HealthCheck } from '../healthCheck.ts'

/** Options of {@link memoryCheck}. */
export interface MemoryCheckOptions {
  /** Default `memory`. */
  readonly name?: string
  /** Limit for the resident set size in bytes (e.g. the container limit). Default: none, only the heap is judged. */
  readonly maxRssBytes?: number
  /** Heap used as a share of V8's heap limit at which the check fails. Default 0.95. */
  readonly maxHeapRatio?: number
  /** Share of a limit at which the check warns. Default 0.85. */
  readonly warnRatio?: number
  /** Default `false`. */
  readonly critical?: boolean
}

/**
 * Memory pressure: heap used vs V8's heap limit and, when given, RSS vs a byte limit. Reports the higher of the
 * two ratios as a percentage.
 *
 * @example
 * memoryCheck({ maxRssBytes: 512 * 1024 * 1024 })
 */
export function memoryCheck(options: MemoryCheckOptions = {}): HealthCheck {
  const maxHeapRatio = options.maxHeapRatio ?? 0.95
  const warnRatio = options.warnRatio ?? 0.85
  const heapLimit = getHeapStatistics().heap_size_limit
  return {
    name: options.name ?? 'memory',
    timeoutMs: 1000,
    critical: options.critical ?? false,
    componentType: 'system',
    measurement: 'utilization',
    run() {
      const heapRatio = process.memoryUsage().heapUsed / (heapLimit * maxHeapRatio)
      const rssRatio = options.maxRssBytes ? process.memoryUsage.rss() / options.maxRssBytes : 0
      const ratio = Math.max(heapRatio, rssRatio)
      const status = ratio >= 1 ? 'fail' : ratio >= warnRatio ? 'warn' : 'pass'
      return {
        status,
        observedValue: Math.round(ratio * 1000) / 10,
        observedUnit: '% of limit',
        output:
          status === 'pass'
            ? undefined
            : `${heapRatio >= rssRatio ? 'heap' : 'rss'} at ${Math.round(ratio * 100)}% of its limit`,
      }
    },
  }
}
