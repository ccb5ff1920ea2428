import { z } from 'zod'
import { json, problem } from '../http/opsResponses.ts'
import type { OpsRoute } from '../http/opsRoute.ts'
import { parseJsonBody } from '../http/parseJsonBody.ts'
import { TENANT_ID } from '../http/tenantId.ts'
import { isSloValidationError, type SloService } from './sloService.ts'
import { sloSpecSchema } from './sloSpec.ts'
import type { SloStatus } from './sloStatus.ts'

const putSchema = z.object({ slos: z.array(sloSpecSchema).max(100) }).strict()
const ORDER: readonly SloStatus[] = ['ok', 'warning', 'critical', 'exhausted']

/** Options of {@link createSloRoutes}. */
export interface SloRoutesOptions {
  readonly service: SloService
  /** Told when the source fails (counted and logged by the caller). */
  readonly onSourceError?: (tenant: string, error: unknown) => void
  /** Clock, epoch ms. */
  readonly now?: () => number
}

/**
 * The SLO ops routes (operator keys, tenant-scoped): config GET/PUT, measure, status, history and burndown
 * under `/observability/slo/`.
 *
 * @example
 * for (const route of createSloRoutes({ service })) lookout.addRoute(route)
 */
export function createSloRoutes(options: SloRoutesOptions): OpsRoute[] {
  const { service } = options
  const now = options.now ?? Date.now
  const badTenant = () =>
    problem(400, 'invalid_tenant', 'tenant ids are letters, digits, "_", "." or "-" (≤ 64)')
  const unavailable = (tenant: string, err: unknown) => {
    options.onSourceError?.(tenant, err)
    return problem(
      503,
      'slo_source_unavailable',
      `the ${service.source.kind} SLO source did not answer`,
      undefined,
      {
        'retry-after': '30',
      },
    )
  }
  const worst = (statuses: readonly SloStatus[]) =>
    statuses.reduce<SloStatus>((w, s) => (ORDER.indexOf(s) > ORDER.indexOf(w) ? s : w), 'ok')

  return [
    {
      method: 'GET',
      path: '/observability/slo/config/:tenant',
      scope: { kind: 'tenant', param: 'tenant' },
      description: "A tenant's effective SLOs and where they come from",
      handler(req) {
        const tenant = req.params.tenant!
        if (!TENANT_ID.test(tenant)) return badTenant()
        return json(200, { ...service.config(tenant) })
      },
    },
    {
      method: 'PUT',
      path: '/observability/slo/config/:tenant',
      scope: { kind: 'tenant', param: 'tenant' },
      bodyLimit: 32_768,
      description: "Replaces a tenant's SLO overrides (merged by name onto the defaults)",
      async handler(req) {
        const tenant = req.params.tenant!
        if (!TENANT_ID.test(tenant)) return badTenant()
        const parsed = parseJsonBody(req, putSchema)
        if (!parsed.ok) return parsed.response
        try {
          return json(200, { ...(await service.putConfig(tenant, parsed.value.slos)) })
        } catch (err) {
          if (!isSloValidationError(err)) throw err
          return problem(422, 'invalid_slo', err.message.split('\n')[0]!, err.details)
        }
      },
    },
    {
      method: 'POST',
      path: '/observability/slo/measure/:tenant',
      scope: { kind: 'tenant', param: 'tenant' },
      rateLimit: { perMinute: 60, burst: 10 },
      description: 'Takes and stores a measurement of every SLO of a tenant now',
      async handler(req) {
        const tenant = req.params.tenant!
        if (!TENANT_ID.test(tenant)) return badTenant()
        try {
          const slos = await service.measure(tenant)
          return json(200, { tenant, measuredAt: now(), source: service.source.kind, slos })
        } catch (err) {
          return unavailable(tenant, err)
        }
      },
    },
    {
      method: 'GET',
      path: '/observability/slo/status/:tenant',
      scope: { kind: 'tenant', param: 'tenant' },
      description: 'Live compliance, budget, burn rates and status of every SLO of a tenant',
      async handler(req) {
        const tenant = req.params.tenant!
        if (!TENANT_ID.test(tenant)) return badTenant()
        try {
          const slos = await service.status(tenant)
          return json(200, {
            tenant,
            at: now(),
            source: service.source.kind,
            status: worst(slos.map((s) => s.status)),
            slos,
          })
        } catch (err) {
          return unavailable(tenant, err)
        }
      },
    },
    {
      method: 'GET',
      path: '/observability/slo/history/:tenant/:slo',
      scope: { kind: 'tenant', param: 'tenant' },
      description: 'Stored measurements of one SLO, newest first (?since=<ms>&limit=<1..1000>)',
      async handler(req) {
        const tenant = req.params.tenant!
        const slo = req.params.slo!
        if (!TENANT_ID.test(tenant)) return badTenant()
        if (!service.slosFor(tenant).some((s) => s.name === slo))
          return problem(404, 'unknown_slo', `tenant has no SLO named "${slo.slice(0, 64)}"`)
        const since = req.query.get('since')
        const limit = req.query.get('limit')
        if ((since !== null && !/^\d{1,15}$/.test(since)) || (limit !== null && !/^\d{1,4}$/.test(limit)))
          return problem(400, 'invalid_query', 'since is epoch milliseconds, limit 1–1000')
        const measurements = await service.history(tenant, slo, {
          since: since === null ? undefined : Number(since),
          limit: limit === null ? 100 : Number(limit),
        })
        return json(200, { tenant, slo, measurements })
      },
    },
    {
      method: 'GET',
      path: '/observability/slo/burndown/:tenant',
      scope: { kind: 'tenant', param: 'tenant' },
      description:
        'Remaining error budget over the period, burn rates and time to exhaustion (?points=10..500)',
      async handler(req) {
        const tenant = req.params.tenant!
        if (!TENANT_ID.test(tenant)) return badTenant()
        const p = req.query.get('points')
        const points = p === null ? 60 : Number(p)
        if (!Number.isInteger(points) || points < 10 || points > 500)
          return problem(400, 'invalid_query', 'points is an integer from 10 to 500')
        try {
          return json(200, {
            tenant,
            at: now(),
            source: service.source.kind,
            slos: await service.burndown(tenant, points),
          })
        } catch (err) {
          return unavailable(tenant, err)
        }
      },
    },
  ]
}
