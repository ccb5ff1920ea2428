import type { ResolvedConfig } from '../config/schema.ts'
import { LookoutError } from '../errors.ts'
import { problem } from '../http/opsResponses.ts'
import type { OpsRequest, OpsResponse, OpsRoute } from '../http/opsRoute.ts'
import type { LookoutLogger } from '../logging/createLogger.ts'
import { PROFILING_PATHS, type ProfileKind } from './conventions.ts'
import type { CpuProfileFormat, ProfileResult, Profiler } from './createProfiler.ts'
import type { ProfilingMetrics } from './profilingMetrics.ts'

/** What the profile routes need. */
export interface ProfileRoutesOptions {
  readonly config: ResolvedConfig
  readonly profiler: Profiler
  readonly metrics: ProfilingMetrics
  readonly logger: LookoutLogger
}

const SECONDS = /^[0-9]{1,4}$/

/**
 * The operator routes `GET /observability/profile/cpu?seconds=N[&format=cpuprofile]` and
 * `GET /observability/profile/heap` (the latter only with heap sampling on). Both need an operator key that is
 * not restricted to a tenant (global scope: a profile shows every tenant's code paths, so tenant-scoped keys get 403). A profiler
 * already in use answers 409 with `Retry-After`. Every request is counted in
 * `lookout_profiles_total{kind,outcome}` and logged (key index, never the key).
 *
 * @example
 * for (const route of createProfileRoutes({ config, profiler, metrics, logger })) lookout.addRoute(route)
 * // curl -H "Authorization: Bearer $KEY" -o cpu.pb.gz 'http://localhost:3000/observability/profile/cpu?seconds=5'
 */
export function createProfileRoutes(options: ProfileRoutesOptions): OpsRoute[] {
  const { config, profiler, metrics, logger } = options
  const max = config.profiling.maxSeconds

  async function run(kind: ProfileKind, req: OpsRequest, take: () => Promise<ProfileResult>, detail: object) {
    // HEAD (which Fastify routes to GET handlers) must not start a profile.
    if (req.method === 'HEAD') return { status: 200, headers: { 'content-type': 'application/octet-stream' } }
    const started = Date.now()
    try {
      const result = await take()
      metrics.profile(kind, result.aborted ? 'aborted' : 'ok')
      logger.info(
        {
          event: 'profile_taken',
          kind,
          ...detail,
          bytes: result.body.length,
          durationMs: Date.now() - started,
          aborted: result.aborted,
          operatorKey: req.operator?.keyIndex,
        },
        `${kind} profile taken`,
      )
      return send(result)
    } catch (err) {
      if (err instanceof LookoutError && err.code === 'LOOKOUT_ERR_PROFILER_BUSY') {
        metrics.profile(kind, 'busy')
        const retry = String(err.details?.retryAfterSeconds ?? 1)
        return problem(
          409,
          'profiler_busy',
          err.message,
          { holder: err.details?.holder },
          { 'retry-after': retry },
        )
      }
      if (err instanceof LookoutError && err.code === 'LOOKOUT_ERR_PROFILING_UNAVAILABLE') {
        metrics.profile(kind, 'error')
        return problem(503, 'profiling_unavailable', err.message)
      }
      metrics.profile(kind, 'error')
      logger.error({ event: 'profile_failed', kind, err }, `${kind} profile failed`)
      return problem(500, 'profile_failed', 'the profile could not be taken')
    }
  }

  const routes: OpsRoute[] = [
    {
      method: 'GET',
      path: PROFILING_PATHS.cpu,
      scope: { kind: 'global' },
      description: `CPU profile: ?seconds=1..${max} (default ${config.profiling.defaultSeconds}), ?format=pprof|cpuprofile`,
      handler(req) {
        const raw = req.query.get('seconds')
        const seconds =
          raw === null ? config.profiling.defaultSeconds : SECONDS.test(raw) ? Number(raw) : Number.NaN
        if (!Number.isInteger(seconds) || seconds < 1 || seconds > max) {
          metrics.profile('cpu', 'invalid')
          return problem(400, 'invalid_query', `seconds must be an integer from 1 to ${max}`)
        }
        const format = (req.query.get('format') ?? 'pprof') as CpuProfileFormat
        if (format !== 'pprof' && format !== 'cpuprofile') {
          metrics.profile('cpu', 'invalid')
          return problem(400, 'invalid_query', 'format must be "pprof" or "cpuprofile"')
        }
        return run('cpu', req, () => profiler.cpu({ seconds, format, signal: req.signal }), {
          seconds,
          format,
        })
      },
    },
  ]
  if (config.profiling.heap.enabled) {
    routes.push({
      method: 'GET',
      path: PROFILING_PATHS.heap,
      scope: { kind: 'global' },
      description: 'Sampled live heap (pprof inuse_space)',
      handler: (req) => run('heap', req, () => profiler.heap(), {}),
    })
  }
  return routes
}

function send(result: ProfileResult): OpsResponse {
  return {
    status: 200,
    headers: {
      'content-type': result.contentType,
      'content-disposition': `attachment; filename="${result.filename}"`,
      'cache-control': 'no-store',
    },
    body: result.body,
  }
}
