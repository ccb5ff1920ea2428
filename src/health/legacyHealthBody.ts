import type { CheckState, HealthStatus } from './healthCheck.ts'

/** One check in the `legacy` body. */
export interface LegacyCheckEntry {
  readonly status: HealthStatus
  /** Duration of the latest run in ms. */
  readonly response_ms: number
  /** Error detail (credentials stripped) — operators only. */
  readonly message?: string
}

/** The `legacy` health body: `{ status, ready, checks: { name: { status, response_ms } } }`. */
export interface LegacyHealthBody {
  readonly status: HealthStatus
  /** Whether readiness passes: no blocker and no failing critical check. */
  readonly ready: boolean
  readonly version?: string
  readonly notes?: readonly string[]
  readonly checks: Readonly<Record<string, LegacyCheckEntry>>
}

const RANK: Readonly<Record<HealthStatus, number>> = { pass: 0, warn: 1, fail: 2 }

/**
 * Re-shapes a health report into the `legacy` body: one entry per check name (the worst status and longest run
 * when a check reports several measurements); `ready` follows the readiness rule whatever the view.
 *
 * @example
 * legacyHealthBody({ status: 'pass', results, blockers: [], criticalOnly: true, details: false })
 * // → { status: 'pass', ready: true, checks: { db: { status: 'pass', response_ms: 12 } } }
 */
export function legacyHealthBody(input: {
  readonly status: HealthStatus
  readonly results: readonly CheckState[]
  readonly blockers: readonly string[]
  readonly criticalOnly: boolean
  readonly details: boolean
  readonly version?: string | undefined
}): LegacyHealthBody {
  let ready = input.blockers.length === 0
  const checks: Record<string, LegacyCheckEntry> = {}
  for (const r of input.results) {
    if (r.critical && r.status === 'fail') ready = false
    if (input.criticalOnly && !r.critical) continue
    const before = checks[r.name]
    const status = before !== undefined && RANK[before.status] > RANK[r.status] ? before.status : r.status
    const ms = Math.round(Math.max(r.durationMs, before?.response_ms ?? 0))
    const message = input.details ? (r.output ?? before?.message) : undefined
    checks[r.name] = { status, response_ms: ms, ...(message !== undefined ? { message } : {}) }
  }
  return {
    status: input.status,
    ready,
    ...(input.version !== undefined ? { version: input.version } : {}),
    ...(input.blockers.length > 0 ? { notes: [...input.blockers] } : {}),
    checks,
  }
}
