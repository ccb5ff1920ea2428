import type { CheckState } from '../health/healthCheck.ts'
import type { ComponentStatus } from './conventions.ts'

/**
 * Maps one health-check result to what the public sees: `fail` → outage (the component is entirely down, whatever
 * its criticality: criticality decides whether the service's readiness follows it, not what its own row says),
 * `warn` → degraded (partly failing), `pass` → operational, or degraded when slower than `degradedLatencyMs`.
 *
 * @example
 * toComponentStatus({ status: 'pass', critical: true, durationMs: 900 }, 500) // 'degraded'
 * toComponentStatus({ status: 'fail', critical: false, durationMs: 3 }) // 'outage'
 */
export function toComponentStatus(
  state: Pick<CheckState, 'status' | 'critical' | 'durationMs'>,
  degradedLatencyMs?: number,
): ComponentStatus {
  if (state.status === 'fail') return 'outage'
  if (state.status === 'warn') return 'degraded'
  if (degradedLatencyMs !== undefined && state.durationMs > degradedLatencyMs) return 'degraded'
  return 'operational'
}
