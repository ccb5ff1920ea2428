import type { OpsRequest, OpsResponse, OpsRoute } from '../http/opsRoute.ts'
import type { CheckRegistry } from './checkRegistry.ts'
import { HEALTH_CONTENT_TYPE, LEGACY_HEALTH_CONTENT_TYPE } from './conventions.ts'
import { buildHealthReport } from './healthReport.ts'
import { legacyHealthBody } from './legacyHealthBody.ts'

const HEALTH_HEADERS = Object.freeze({ 'content-type': HEALTH_CONTENT_TYPE, 'cache-control': 'no-store' })
const LEGACY_HEADERS = Object.freeze({
  'content-type': LEGACY_HEALTH_CONTENT_TYPE,
  'cache-control': 'no-store',
})

/** What the probes read; every member is cheap (cached state, no I/O). */
export interface ProbeState {
  readonly checks: CheckRegistry
  /** Start-up work done (`lookout.start()` finished and every startup task done). */
  started(): boolean
  /** Shutdown has begun. */
  stopping(): boolean
  /** Why the process sheds load right now, or `undefined`. */
  overloaded(): string | undefined
  /** Longest wait for a first check result (ms). */
  readonly probeBudgetMs: number
  readonly service: { readonly name: string; readonly version: string }
  /** Body shape (`health.body`). Default `health+json`. */
  readonly body?: 'health+json' | 'legacy'
}

/** Probe paths by kind (each list may hold aliases; empty = not mounted). */
export interface ProbePaths {
  readonly live: readonly string[]
  readonly ready: readonly string[]
  readonly startup: readonly string[]
  readonly detailed: readonly string[]
}

/**
 * The four probe endpoints as framework-neutral ops routes, public and never rate limited:
 *
 * - live — the process answers; never looks at dependencies (a database outage must not restart every pod);
 * - ready — critical checks pass, start-up is done, not shedding load, not shutting down; else 503;
 * - startup — 200 once start-up work is done, 503 before;
 * - detailed — every check with latency and time, `warn` for degraded non-critical checks; error details
 *   (`output`) only for callers presenting an operator key without a tenant scope.
 *
 * All answer `application/health+json` (or, with `body: 'legacy'`, `application/json`
 * `{ status, ready, checks: { name: { status, response_ms } } }`) from cached results; a probe waits at most `probeBudgetMs`, and only
 * before the first results exist. GET routes answer HEAD too (the adapters mount it).
 *
 * @example
 * for (const route of createProbeRoutes(state, { live: ['/health/live'], ready: ['/health/ready'], startup: [], detailed: ['/health'] })) lookout.addRoute(route)
 */
export function createProbeRoutes(state: ProbeState, paths: ProbePaths): OpsRoute[] {
  const legacy = state.body === 'legacy'
  const HEADERS = legacy ? LEGACY_HEADERS : HEALTH_HEADERS
  const live = async function liveProbe(): Promise<OpsResponse> {
    return { status: 200, headers: HEADERS, body: { status: 'pass' } }
  }
  const startup = async function startupProbe(): Promise<OpsResponse> {
    const ok = state.started()
    const body = ok ? { status: 'pass' } : { status: 'fail', notes: ['starting'] }
    return { status: ok ? 200 : 503, headers: HEADERS, body: legacy ? { ...body, ready: ok } : body }
  }
  const report = (criticalOnly: boolean) =>
    async function healthProbe(req: OpsRequest): Promise<OpsResponse> {
      await state.checks.ensureFresh(state.probeBudgetMs)
      // Check outputs describe the whole service: only keys without a tenant scope see them.
      const details = req.operator !== undefined && req.operator.tenant === undefined
      const blockers: string[] = []
      if (state.stopping()) blockers.push('shutting down')
      else if (!state.started()) blockers.push('starting')
      const overloaded = state.overloaded()
      if (overloaded !== undefined) blockers.push(details ? `overloaded: ${overloaded}` : 'overloaded')
      const results = state.checks.results()
      const out = buildHealthReport({ results, blockers, criticalOnly, details, service: state.service })
      const body = legacy
        ? legacyHealthBody({
            status: out.body.status,
            results,
            blockers,
            criticalOnly,
            details,
            version: state.service.version,
          })
        : out.body
      return { status: out.httpStatus, headers: HEADERS, body: body as unknown as Record<string, unknown> }
    }
  const routes: OpsRoute[] = []
  const add = (list: readonly string[], description: string, handler: OpsRoute['handler']) => {
    for (const path of list)
      routes.push({ method: 'GET', path, scope: { kind: 'public' }, description, handler })
  }
  add(paths.live, 'liveness probe (process only)', live)
  add(paths.ready, 'readiness probe (critical checks, load, shutdown)', report(true))
  add(paths.startup, 'startup probe', startup)
  add(paths.detailed, 'detailed health (every check)', report(false))
  return routes
}
