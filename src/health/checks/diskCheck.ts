import { statfs } from 'node:fs/promises'
import type { HealthCheck } from '../healthCheck.ts'

/** Options of {@link diskCheck}. */
export interface DiskCheckOptions {
  /** A path on the file system to watch. Default `/`. */
  readonly path?: string
  /** Default `disk`. */
  readonly name?: string
  /** Used percentage at which the check warns. Default 85. */
  readonly warnPercent?: number
  /** Used percentage at which the check fails. Default 95. */
  readonly failPercent?: number
  /** Default `false` (a full disk degrades; make it critical if writes are essential). */
  readonly critical?: boolean
}

/**
 * Disk usage of the file system holding `path` (`fs.statfs`), as a percentage of the space usable by the
 * process (`bavail`, like `df`).
 *
 * @example
 * diskCheck({ path: '/var/lib/app', warnPercent: 80, failPercent: 95, critical: true })
 */
export function diskCheck(options: DiskCheckOptions = {}): HealthCheck {
  const path = options.path ?? '/'
  const warn = options.warnPercent ?? 85
  const fail = options.failPercent ?? 95
  return {
    name: options.name ?? 'disk',
    timeoutMs: 1000,
    critical: options.critical ?? false,
    componentType: 'system',
    measurement: 'utilization',
    async run() {
      const s = await statfs(path)
      const total = s.blocks - s.bfree + s.bavail
      const used = total > 0 ? ((s.blocks - s.bfree) / total) * 100 : 0
      const value = Math.round(used * 10) / 10
      const status = value >= fail ? 'fail' : value >= warn ? 'warn' : 'pass'
      return {
        status,
        observedValue: value,
        observedUnit: '%',
        output: status === 'pass' ? undefined : `${value}% used`,
      }
    },
  }
}
