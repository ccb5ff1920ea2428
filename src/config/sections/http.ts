import { z } from 'zod'
import type { EnvBinding } from '../envBinding.ts'
import { ipOrCidr } from '../ipOrCidr.ts'

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
    /** Route label for requests that match no route (404 scans never create series). Default `__unmatched__`. */
    unmatchedRoute: z.string().min(1).max(64).default('__unmatched__'),
    /**
     * Route templates that are not measured, logged or traced (ops endpoints). A trailing `*` matches a prefix.
     * Default: the metrics path and `/health*` (probes would otherwise inflate availability SLIs).
     */
    excludeRoutes: z.array(z.string().min(1)).optional(),
    /** Proxies (IPs or CIDRs) whose `X-Forwarded-For` is believed when finding the client IP. Default none. */
    trustProxy: z.array(ipOrCidr).default([]),
  })
  .strict()
  .default({})

export const httpEnv: readonly EnvBinding[] = [
  { env: 'LOOKOUT_REQUEST_ID_HEADER', path: 'http.requestIdHeader', parse: 'string' },
  { env: 'LOOKOUT_TENANT_HEADER', path: 'http.tenantHeader', parse: 'string' },
  { env: 'LOOKOUT_EXCLUDE_ROUTES', path: 'http.excludeRoutes', parse: 'list' },
  { env: 'LOOKOUT_TRUST_PROXY', path: 'http.trustProxy', parse: 'list' },
]
