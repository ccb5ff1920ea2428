import type { CheckState, ComponentType, HealthStatus } from './healthCheck.ts'

/** One entry of `checks` in the draft-inadarei health format. */
export interface HealthCheckEntry {
  readonly componentId: string
  readonly componentType: ComponentType
  readonly observedValue: number | string | boolean
  readonly observedUnit: string
  readonly status: HealthStatus
  readonly time: string
  readonly output?: string
}

/** A health response body (`application/health+json`, draft-inadarei-api-health-check). */
export interface HealthBody {
  readonly status: HealthStatus
  readonly version?: string
  readonly releaseId?: string
  readonly serviceId?: string
  readonly description?: string
  readonly notes?: readonly string[]
  readonly output?: string
  readonly checks?: Readonly<Record<string, readonly HealthCheckEntry[]>>
}

/** Inputs of {@link buildHealthReport}. */
export interface HealthReportInput {
  readonly results: readonly CheckState[]
  /** Conditions that fail the report regardless of checks (`shutting down`, `overloaded: …`, `starting`). */
  readonly blockers: readonly string[]
  /** Include only critical checks (readiness). */
  readonly criticalOnly: boolean
  /** Show `output` (error details) — operators only. */
  readonly details: boolean
  readonly service?: { readonly name: string; readonly version: string } | undefined
}

/**
 * The pure function from check results to a health response: `fail` when a blocker applies or a critical check
 * fails; `warn` when a non-critical check fails or any check warns; else `pass`. HTTP 200 for pass and warn,
 * 503 for fail.
 *
 * @example
 * const { httpStatus, body } = buildHealthReport({ results, blockers: [], criticalOnly: false, details: false })
 */
export function buildHealthReport(input: HealthReportInput): { httpStatus: number; body: HealthBody } {
  let status: HealthStatus = input.blockers.length > 0 ? 'fail' : 'pass'
  const checks: Record<string, HealthCheckEntry[]> = {}
  const failing: string[] = []
  for (const r of input.results) {
    if (input.criticalOnly && !r.critical) continue
    if (r.status === 'fail') {
      if (r.critical) {
        status = 'fail'
        failing.push(r.name)
      } else if (status === 'pass') status = 'warn'
    } else if (r.status === 'warn' && status === 'pass') status = 'warn'
    const entry: HealthCheckEntry = {
      componentId: r.name,
      componentType: r.componentType,
      observedValue: r.observedValue,
      observedUnit: r.observedUnit,
      status: r.status,
      time: r.time,
      ...(input.details && r.output !== undefined ? { output: r.output } : {}),
    }
    const key = `${r.name}:${r.measurement}`
    const list = checks[key]
    if (list === undefined) checks[key] = [entry]
    else list.push(entry)
  }
  const notes = [...input.blockers]
  const body: HealthBody = {
    status,
    ...(input.service ? { version: input.service.version, releaseId: input.service.version } : {}),
    ...(input.service
      ? { serviceId: input.service.name, description: `health of ${input.service.name}` }
      : {}),
    ...(notes.length > 0 ? { notes } : {}),
    ...(input.details && status === 'fail'
      ? { output: [...notes, ...failing.map((n) => `${n} failing`)].join('; ') }
      : {}),
    ...(Object.keys(checks).length > 0 ? { checks } : {}),
  }
  return { httpStatus: status === 'fail' ? 503 : 200, body }
}
