import type { CheckState } from '../health/healthCheck.ts'
import type { ComponentStatus } from './conventions.ts'

/**
 * Maps one health-check result to what the public sees: `pass` → operational (or degraded when slower than
 * `degradedLatencyMs`), `warn` → degraded, `fail` → outage for a critical check and degraded for a non-critical
 * one (it does not take the service down).
 *
 * @example
 * toComponentStatus({ status: 'pass', critical: true, durationMs: 900 }, 500) // 'degraded'
 */
export function toComponentStatus(
  state: Pick<CheckState, 'status' | 'critical' | 'durationMs'>,
  degradedLatencyMs?: number,
): ComponentStatus {
  if (state.status === 'fail') return state.critical ? 'outage' : 'degraded'
  if (state.status === 'warn') return 'degraded'
  if (degradedLatencyMs !== undefined && state.durationMs > degradedLatencyMs) return 'degraded'
  return 'operational'
}
