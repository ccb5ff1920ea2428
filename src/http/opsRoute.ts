import type { IncomingHttpHeaders } from 'node:http'
import type { Readable } from 'node:stream'

/**
 * Who may call an ops route, declared where the route is defined and enforced by the dispatcher:
 *
 * - `public` — anyone; no operator key is needed. A key that is sent is compared, and a wrong one counts against
 *   the client address like one sent to an operator route — unless the route names a `guard`: such a route checks a
 *   credential of its own (`/metrics`: the scrape token), so its `Authorization` is never compared with operator keys;
 * - `global` — an operator key without a tenant restriction; tenant-scoped keys get 403;
 * - `tenant` with `param` — an operator key for the tenant named by that path parameter (or a global key);
 * - `tenant` with `tenants` — the tenants a request acts on are read from it (its body); a tenant-scoped key gets
 *   403 unless every one is its tenant, and the route's own 4xx when they cannot be read.
 */
export type OpsScope =
  | { readonly kind: 'public'; readonly guard?: string | undefined }
  | { readonly kind: 'global' }
  | { readonly kind: 'tenant'; readonly param: string }
  | {
      readonly kind: 'tenant'
      /** Where the tenants come from, for docs (`body`). */
      readonly source: string
      /** Every tenant the request acts on, or the 4xx a malformed request gets (as the handler would answer). */
      readonly tenants: (req: OpsRequest) => readonly string[] | OpsResponse
    }

/** How a route authenticates, derived from its scope: `public` routes need no key, the others an operator key. */
export type OpsAuth = 'public' | 'operator'

/** The authentication a scope demands. */
export function authOf(scope: OpsScope): OpsAuth {
  return scope.kind === 'public' ? 'public' : 'operator'
}

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
  /** Set on operator routes once authenticated; on public routes without a `guard`, when a valid key is sent. */
  readonly operator: OperatorIdentity | undefined
  /** Aborted when the client goes away. */
  readonly signal: AbortSignal | undefined
}

/**
 * A framework-neutral response. Objects are sent as JSON; strings/Buffers as-is with the given content type; a
 * `Readable` is streamed (server-sent events) and destroyed when the client goes away.
 */
export interface OpsResponse {
  readonly status: number
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: string | Buffer | Uint8Array | Readable | Record<string, unknown> | readonly unknown[]
}

/**
 * One route of the ops plane, defined once and mounted by every adapter (Fastify, Express, node:http).
 *
 * @example
 * const route: OpsRoute = {
 *   method: 'GET', path: '/observability/alerts/history/:tenant', scope: { kind: 'tenant', param: 'tenant' },
 *   handler: async (req) => ({ status: 200, body: await history(req.params.tenant) }),
 * }
 */
export interface OpsRoute {
  /** GET routes also answer HEAD. */
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS'
  /** Path with `:param` segments. */
  readonly path: string
  /** Who may call it (required: a route cannot be defined without saying who it is for). */
  readonly scope: OpsScope
  /** Max body bytes; larger bodies get 413 before being buffered. Default 65 536. */
  readonly bodyLimit?: number
  /**
   * Token bucket per caller for this route alone: per operator key when one is presented, else per client IP; over
   * it → 429 with `Retry-After`. Default: none for a public route; an operator route without one draws on its key's
   * read (GET) or write budget, shared with the other such routes (`operator.rateLimit`).
   */
  readonly rateLimit?: { readonly perMinute: number; readonly burst?: number }
  /** Short description for docs and `/observability/config`. */
  readonly description?: string
  readonly handler: (req: OpsRequest) => OpsResponse | Promise<OpsResponse>
}

/** Default body cap of ops routes (bytes). */
export const DEFAULT_OPS_BODY_LIMIT = 65_536
