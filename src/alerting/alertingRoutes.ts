import { z } from 'zod'
import { json, problem } from '../http/opsResponses.ts'
import type { OpsRequest, OpsRoute } from '../http/opsRoute.ts'
import { parseJsonBody } from '../http/parseJsonBody.ts'
import { type AlertmanagerPayload, alertmanagerPayloadSchema } from './alertmanagerPayload.ts'
import type { AlertsApi } from './alertsApi.ts'
import { alertRefSchema, fireInputSchema } from './createAlertRouter.ts'
import { alertFingerprint } from './fingerprint.ts'

const TENANT = /^[a-zA-Z0-9_.:-]{1,128}$/

function badTenant(req: OpsRequest) {
  const t = req.params.tenant ?? ''
  return TENANT.test(t)
    ? undefined
    : problem(400, 'invalid_tenant', 'tenant must be 1–128 of [a-zA-Z0-9_.:-]')
}

/** 503 with Retry-After: the store is down, try again (Alertmanager retries 5xx). */
function unavailable() {
  return problem(503, 'store_unavailable', 'the alert store is unavailable; retry later', undefined, {
    'retry-after': '5',
  })
}

/**
 * The alerting ops routes (all operator-authenticated and tenant-scoped: by the path, or for the Alertmanager
 * receiver by each alert's tenant):
 * config GET/PUT, fire, resolve, acknowledge, history, and the Alertmanager receiver.
 *
 * @example
 * for (const r of createAlertingRoutes(api, config.alerting)) lookout.addRoute(r)
 */
export function createAlertingRoutes(
  api: AlertsApi,
  options: { tenantLabel: string; defaultTenant: string; bodyLimit: number },
): OpsRoute[] {
  const guard = async (fn: () => Promise<ReturnType<typeof json>>) => {
    try {
      return await fn()
    } catch (err) {
      if ((err as { code?: string }).code === 'LOOKOUT_ERR_ALERT_CONFIG') throw err
      return unavailable()
    }
  }
  const alertTenants = (req: OpsRequest, body: AlertmanagerPayload) => {
    const queryTenant = req.query.get('tenant') ?? undefined
    return body.alerts.map((a) => a.labels[options.tenantLabel] ?? queryTenant ?? options.defaultTenant)
  }
  return [
    {
      method: 'GET',
      path: '/observability/alerts/config/:tenant',
      scope: { kind: 'tenant', param: 'tenant' },
      description: "A tenant's alert routing config (secrets masked)",
      handler: async (req) =>
        badTenant(req) ??
        guard(async () => {
          const cfg = await api.getConfig(req.params.tenant!)
          return cfg === undefined
            ? problem(404, 'not_found', 'no routing config for this tenant')
            : json(200, { tenant: req.params.tenant, ...cfg })
        }),
    },
    {
      method: 'PUT',
      path: '/observability/alerts/config/:tenant',
      scope: { kind: 'tenant', param: 'tenant' },
      bodyLimit: 256 * 1024,
      description: "Replaces a tenant's alert routing config; masked secrets keep the stored ones",
      handler: async (req) => {
        const bad = badTenant(req)
        if (bad) return bad
        const parsed = parseJsonBody(req, z.unknown())
        if (!parsed.ok) return parsed.response
        return guard(async () => {
          const r = await api.setConfig(req.params.tenant!, parsed.value)
          if (!r.ok) return problem(422, 'invalid_config', 'the routing config is invalid', r.problems)
          return json(200, { tenant: req.params.tenant, version: r.version, ...r.config })
        })
      },
    },
    {
      method: 'POST',
      path: '/observability/alerts/fire/:tenant',
      scope: { kind: 'tenant', param: 'tenant' },
      bodyLimit: 64 * 1024,
      description: 'Fires an alert for a tenant',
      handler: async (req) => {
        const bad = badTenant(req)
        if (bad) return bad
        const parsed = parseJsonBody(req, fireInputSchema)
        if (!parsed.ok) return parsed.response
        return guard(async () => {
          const r = await api.fire({ ...parsed.value, tenant: req.params.tenant!, source: 'api' })
          return json(202, { ...r })
        })
      },
    },
    ...(['resolve', 'acknowledge'] as const).map(
      (verb): OpsRoute => ({
        method: 'POST',
        path: `/observability/alerts/${verb}/:tenant`,
        scope: { kind: 'tenant', param: 'tenant' },
        bodyLimit: 16 * 1024,
        description: verb === 'resolve' ? 'Resolves an alert' : 'Acknowledges a firing alert',
        handler: async (req) => {
          const bad = badTenant(req)
          if (bad) return bad
          const parsed = parseJsonBody(req, alertRefSchema)
          if (!parsed.ok) return parsed.response
          return guard(async () => {
            const ref = { ...parsed.value, tenant: req.params.tenant!, source: 'api' }
            if (verb === 'resolve') return json(202, { ...(await api.resolve(ref)) })
            const r = await api.acknowledge(ref)
            if (!r.firing) return problem(409, 'not_firing', 'this alert is not firing')
            return json(202, { ...r })
          })
        },
      }),
    ),
    {
      method: 'GET',
      path: '/observability/alerts/history/:tenant',
      scope: { kind: 'tenant', param: 'tenant' },
      description: 'Alert history: events, suppressions and every delivery with its attempts and outcome',
      handler: async (req) => {
        const bad = badTenant(req)
        if (bad) return bad
        const q = req.query
        const limit = Number(q.get('limit') ?? 50)
        const before = q.get('before') === null ? undefined : Number(q.get('before'))
        const status = q.get('status') ?? undefined
        if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
          return problem(400, 'invalid_query', 'limit must be an integer 1–500')
        }
        if (before !== undefined && !Number.isInteger(before))
          return problem(400, 'invalid_query', 'before must be an id')
        if (status !== undefined && !['firing', 'resolved', 'acknowledged'].includes(status)) {
          return problem(400, 'invalid_query', 'status must be firing, resolved or acknowledged')
        }
        return guard(async () =>
          json(200, {
            ...(await api.history(
              req.params.tenant!,
              {
                limit,
                before,
                status: status as 'firing' | undefined,
                fingerprint: q.get('fingerprint') ?? undefined,
                alertname: q.get('alertname') ?? undefined,
              },
              // A receiver's response body is for the operators of the whole service, not for a tenant.
              { errorDetails: req.operator !== undefined && req.operator.tenant === undefined },
            )),
          }),
        )
      },
    },
    {
      method: 'POST',
      path: '/observability/alerts/alertmanager',
      scope: {
        kind: 'tenant',
        source: "each alert's tenant label, else `?tenant=`, else the default tenant",
        tenants: (req) => {
          const parsed = parseJsonBody(req, alertmanagerPayloadSchema)
          return parsed.ok ? alertTenants(req, parsed.value) : parsed.response
        },
      },
      bodyLimit: options.bodyLimit,
      // Many alert groups notify at once in a large outage, and a refused notification is a delayed page: its own,
      // wider limit rather than the key's shared write budget.
      rateLimit: { perMinute: 1200, burst: 300 },
      description: 'Alertmanager webhook receiver (v4); idempotent per alert fingerprint + status + startsAt',
      handler: async (req) => {
        const parsed = parseJsonBody(req, alertmanagerPayloadSchema)
        if (!parsed.ok) return parsed.response
        const body = parsed.value
        const tenants = alertTenants(req, body)
        const alerts = body.alerts.map((a, i) => ({ a, tenant: tenants[i]! }))
        for (const { tenant } of alerts) {
          if (!TENANT.test(tenant))
            return problem(422, 'invalid_tenant', `tenant "${tenant.slice(0, 40)}" is invalid`)
        }
        let processed = 0
        let duplicates = 0
        try {
          for (const { a, tenant } of alerts) {
            const labels = { ...a.labels }
            delete labels.alertname
            const alertname = a.labels.alertname ?? 'unknown'
            const key = `am|${alertFingerprint(tenant, alertname, labels)}|${a.status}|${a.startsAt}`
            const summary = a.annotations.summary ?? a.annotations.description ?? alertname
            const r =
              a.status === 'firing'
                ? await api.fire({
                    tenant,
                    alertname,
                    severity: a.labels.severity,
                    summary,
                    labels,
                    annotations: a.annotations,
                    source: 'alertmanager',
                    idempotencyKey: key,
                  })
                : await api.resolve({
                    tenant,
                    alertname,
                    labels,
                    summary,
                    source: 'alertmanager',
                    idempotencyKey: key,
                  })
            if (r.duplicate) duplicates++
            else processed++
          }
        } catch {
          return unavailable()
        }
        return json(200, {
          received: alerts.length,
          processed,
          duplicates,
          truncatedAlerts: body.truncatedAlerts ?? 0,
        })
      },
    },
  ]
}
