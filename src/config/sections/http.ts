import { z } from 'zod'
import { TENANT_ID, TENANT_ID_RULE } from '../../http/tenantId.ts'
import type { EnvBinding } from '../envBinding.ts'
import { ipOrCidr } from '../ipOrCidr.ts'

/**
 * The application's word on a request's tenant, asked when the request finishes (after the app's own
 * authentication ran): the framework's request object in (Fastify request, Express/node `IncomingMessage`), the
 * authenticated tenant id out, or `undefined`.
 */
export type TenantOf = (request: unknown) => string | undefined

const tenantOfSchema = z.custom<TenantOf>(
  (value) => typeof value === 'function',
  'a function (request) => tenant id',
)

/**
 * Request lifecycle options.
 *
 * @example
 * { http: { requestIdHeader: 'x-correlation-id', trustProxy: ['10.0.0.0/8'] } }
 */
export const httpSchema = z
  .object({
    /** Header read for an incoming request id and echoed on the response. Default `x-request-id`. */
    requestIdHeader: z
      .string()
      .regex(/^[a-zA-Z0-9-]{1,64}$/, 'a header name')
      .transform((s) => s.toLowerCase())
      .default('x-request-id'),
    /** Header carrying the tenant id. Default `x-tenant-id`. */
    tenantHeader: z
      .string()
      .regex(/^[a-zA-Z0-9-]{1,64}$/, 'a header name')
      .transform((s) => s.toLowerCase())
      .default('x-tenant-id'),
    /**
     * Tenants trusted from the tenant header alone (metric labels, SLO tenants); operator-key tenants and
     * `slo.tenants` are added. Other header values count as `other`. Default none. Env `LOOKOUT_TENANTS`.
     */
    tenants: z.array(z.string().regex(TENANT_ID, `a tenant id (${TENANT_ID_RULE})`)).default([]),
    /**
     * `(request) => tenantId | undefined`: the tenant your authentication established, called when the request
     * finishes. A vouched tenant takes one of `metrics.cardinality.maxTenants` slots until idle for
     * `tenantIdleSeconds`; values that fail the tenant-id grammar or look like personal data count as `other`.
     * Default none (only configured tenants become labels).
     */
    tenantOf: tenantOfSchema.optional(),
    /** Seconds without a vouched request after which a tenant's slot is free again. Default 900. */
    tenantIdleSeconds: z.number().int().min(1).max(86_400).default(900),
    /** Route label for requests that match no route (404 scans never create series). Default `__unmatched__`. */
    unmatchedRoute: z.string().min(1).max(64).default('__unmatched__'),
    /**
     * Route templates that are not measured, logged or traced (ops endpoints). A trailing `*` matches a prefix.
     * Default: the metrics path and `/health*` (probes would otherwise inflate availability SLIs).
     */
    excludeRoutes: z.array(z.string().min(1)).optional(),
    /**
     * Put in front of every route Lookout mounts on the app's server (`/metrics`, the probes, `/observability/*`,
     * the status page), e.g. `/_lookout` → `/_lookout/health/ready`. The separate metrics listener
     * (`metrics.port`) is not prefixed. Default none. Env `LOOKOUT_ROUTE_PREFIX`.
     */
    routePrefix: z
      .string()
      .regex(/^(\/[A-Za-z0-9._~-]+)*$/, 'a path such as "/_lookout" (no trailing slash)')
      .default(''),
    /** Proxies (IPs or CIDRs) whose `X-Forwarded-For` is believed when finding the client IP. Default none. */
    trustProxy: z.array(ipOrCidr).default([]),
  })
  .strict()
  .default({})

export const httpEnv: readonly EnvBinding[] = [
  { env: 'LOOKOUT_REQUEST_ID_HEADER', path: 'http.requestIdHeader', parse: 'string' },
  { env: 'LOOKOUT_TENANT_HEADER', path: 'http.tenantHeader', parse: 'string' },
  { env: 'LOOKOUT_TENANTS', path: 'http.tenants', parse: 'list' },
  { env: 'LOOKOUT_EXCLUDE_ROUTES', path: 'http.excludeRoutes', parse: 'list' },
  { env: 'LOOKOUT_TRUST_PROXY', path: 'http.trustProxy', parse: 'list' },
  { env: 'LOOKOUT_ROUTE_PREFIX', path: 'http.routePrefix', parse: 'string' },
]
