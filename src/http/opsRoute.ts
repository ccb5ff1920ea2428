import type { IncomingHttpHeaders } from 'node:http'

/** Who may call an ops route. `operator` requires a bearer operator key (DESIGN.md security model). */
export type OpsAuth = 'public' | 'operator'

/** An authenticated operator: which key (by index, never the key) and its tenant scope. */
export interface OperatorIdentity {
  /** Index of the matching key in the configured list (for audit logs; the key itself is never exposed). */
  readonly keyIndex: number
  /** Tenant the key is restricted to; `undefined` = all tenants. */
  readonly tenant: string | undefined
}

/** A framework-neutral request to an ops route. */
export interface OpsRequest {
  readonly method: string
  readonly path: string
  readonly params: Readonly<Record<string, string>>
  readonly query: URLSearchParams
  readonly headers: IncomingHttpHeaders
  /** Raw body bytes (already capped at the route's `bodyLimit`), or `undefined` for bodiless methods. */
  readonly body: Buffer | undefined
  readonly clientIp: string | undefined
  /** Set for `operator` routes once authenticated; may also be set on public routes when a valid key is sent. */
  readonly operator: OperatorIdentity | undefined
  /** Aborted when the client goes away. */
  readonly signal: AbortSignal | undefined
}

/** A framework-neutral response. Objects are sent as JSON; strings/Buffers as-is with the given content type. */
export interface OpsResponse {
  readonly status: number
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: string | Buffer | Uint8Array | Record<string, unknown> | readonly unknown[]
}

/**
 * One route of the ops plane, defined once and mounted by every adapter (Fastify, Express, node:http).
 *
 * @example
 * const route: OpsRoute = {
 *   method: 'GET', path: '/observability/alerts/history/:tenant', auth: 'operator', tenantParam: 'tenant',
 *   handler: async (req) => ({ status: 200, body: await history(req.params.tenant) }),
 * }
 */
export interface OpsRoute {
  /** GET routes also answer HEAD. */
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS'
  /** Path with `:param` segments. */
  readonly path: string
  readonly auth: OpsAuth
  /** Route param holding a tenant id: tenant-scoped keys get 403 for other tenants. */
  readonly tenantParam?: string
  /** Max body bytes; larger bodies get 413 before being buffered. Default 65 536. */
  readonly bodyLimit?: number
  /** Per-client token bucket; over it → 429 with `Retry-After`. Default: none. */
  readonly rateLimit?: { readonly perMinute: number; readonly burst?: number }
  /** Short description for docs and `/observability/config`. */
  readonly description?: string
  readonly handler: (req: OpsRequest) => OpsResponse | Promise<OpsResponse>
}

/** Default body cap of ops routes (bytes). */
export const DEFAULT_OPS_BODY_LIMIT = 65_536
