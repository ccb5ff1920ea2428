import { routeInvalidError } from '../errors.ts'
import { bindChildren } from '../metrics/bindChildren.ts'
import {
  LOOKOUT_METRIC_NAMES,
  OPERATOR_AUTH_FAILURE_REASONS,
  type OperatorAuthFailureReason,
} from '../metrics/conventions.ts'
import type { CounterChild } from '../metrics/counterFamily.ts'
import type { MetricRegistry } from '../metrics/metricRegistry.ts'
import { type AuthFailureSummary, createAuthFailureSummary } from './authFailureSummary.ts'
import { createFailedAuthThrottle, type ThrottlingStart } from './failedAuthThrottle.ts'
import { createOperatorAuth, extractKey, type OperatorKey } from './operatorAuth.ts'
import { problem } from './opsResponses.ts'
import type { OperatorIdentity, OpsRequest, OpsResponse, OpsRoute, OpsScope } from './opsRoute.ts'
import { createRateLimiter } from './rateLimiter.ts'

/** A token bucket's size: refilled at `perMinute`, holding at most `burst`. */
export interface RateLimit {
  readonly perMinute: number
  readonly burst: number
}

/**
 * The rate limit the dispatcher applies to a route: the route's own (`pool: 'route'`, a bucket per caller for this
 * route), or, for an operator route that declares none, the key's default budget shared by every such route of the
 * same kind (`reads`: GET; `writes`: every other method).
 */
export interface AppliedRateLimit extends RateLimit {
  readonly pool: 'route' | 'reads' | 'writes'
}

/** A route ready to mount: the definition plus its guarded handler. */
export interface MountedOpsRoute {
  readonly route: OpsRoute
  /** What limits the route's callers; `undefined` only for a public route that declares no limit. */
  readonly rateLimit: AppliedRateLimit | undefined
  /**
   * Runs the throttle on requests without a valid key, auth, scope, rate limit, then the handler; turns any throw
   * into a bare 500. Never rejects.
   */
  readonly handle: (req: Omit<OpsRequest, 'operator'>) => Promise<OpsResponse>
}

/** Options of {@link createOpsDispatcher}. */
export interface OpsDispatcherOptions {
  readonly keys: readonly OperatorKey[]
  readonly registry: MetricRegistry | undefined
  /**
   * Limits of operator routes (`operator.rateLimit`): `read` and `write` are each key's budgets, shared by the
   * operator routes that declare no `rateLimit` (GET routes draw on `read`, the others on `write`); `invalidKey` is
   * each client address's allowance of requests without a valid key, past which its keys are not compared.
   */
  readonly rateLimit: {
    readonly read: RateLimit
    readonly write: RateLimit
    readonly invalidKey: RateLimit
  }
  /** Told about handler failures (logged by the logging area); must not throw. */
  readonly onError?: (route: OpsRoute, error: unknown) => void
  /**
   * Told when a client address starts being throttled for failing authentication, once per throttling episode,
   * with the route of the failure that spent its allowance (logged by the logging area); must not throw.
   */
  readonly onThrottled?: (route: OpsRoute, start: ThrottlingStart) => void
  /**
   * Told, once a minute at most, how many operator-key failures the process counted in its last window (a minute, or
   * less when shutdown ends it) — by route, with the number of client addresses — when they were at least
   * `rateLimit.invalidKey.burst`, so guessing spread over addresses that are never throttled is still seen (logged
   * by the logging area); must not throw.
   */
  readonly onFailureSummary?: (summary: AuthFailureSummary) => void
  /** Clock in ms of the throttle and the failure summary (tests inject one). Default `Date.now`. */
  readonly now?: () => number
  /** Timer of the failure summary's windows: runs `run` after `ms`, returns its cancel (tests inject one). */
  readonly schedule?: (run: () => void, ms: number) => () => void
}

/**
 * Guards ops routes once, for every adapter, by the scope each route declares: operator keys (401 without / with
 * a wrong key; 403 for a tenant-scoped key on a global route or on another tenant's resources), rate limits per
 * operator key or else per client IP — the route's own, or for an operator route without one the key's read or
 * write budget — (429 + `Retry-After`, counted in `lookout_rate_limited_total`), a client address that keeps
 * failing authentication refused with 429 before its keys are compared (every missing, wrong or uncompared key
 * counted in `lookout_operator_auth_failures_total{route,reason}` under the route's template, and summed over each
 * minute for `onFailureSummary`), and a last-resort 500 that says nothing about the failure.
 *
 * @example
 * const ops = createOpsDispatcher({ keys: config.operator.keys, rateLimit: config.operator.rateLimit, registry })
 * const mounted = ops.mount(route)
 * const res = await mounted.handle(req)
 */
export function createOpsDispatcher(options: OpsDispatcherOptions): {
  mount(route: OpsRoute): MountedOpsRoute
  /** Reports the failure summary's window in progress if it reached its threshold, and stops counting. Idempotent. */
  stop(): void
} {
  const auth = createOperatorAuth(options.keys)
  const throttle = createFailedAuthThrottle({ ...options.rateLimit.invalidKey, now: options.now })
  const onFailureSummary = options.onFailureSummary
  // Absent without a listener: no window is counted and no timer started for nobody to read.
  const summary =
    onFailureSummary === undefined
      ? undefined
      : createAuthFailureSummary({
          threshold: options.rateLimit.invalidKey.burst,
          report: onFailureSummary,
          now: options.now,
          schedule: options.schedule,
        })
  const limited = options.registry?.counter({
    name: LOOKOUT_METRIC_NAMES.rateLimited,
    help: 'Requests to Lookout endpoints refused by a rate limit',
    labelNames: ['route'],
  })
  const authFailures = options.registry?.counter({
    name: LOOKOUT_METRIC_NAMES.operatorAuthFailures,
    help: 'Requests whose operator key was missing, wrong, or not compared because their address was throttled',
    labelNames: ['route', 'reason'],
  })
  /** Counts a request whose key was not compared because its address is throttled. */
  function refusedThrottled(counts: AuthFailureChildren | undefined): void {
    counts?.get('throttled')?.inc()
    summary?.refused()
  }
  /** Counts the failure and spends the address's allowance; reports the throttling episode it starts, if any. */
  function failed(
    route: OpsRoute,
    counts: AuthFailureChildren | undefined,
    req: Omit<OpsRequest, 'operator'>,
    reason: Exclude<OperatorAuthFailureReason, 'throttled'>,
  ): void {
    counts?.get(reason)?.inc()
    summary?.failed(route.path, req.clientIp)
    const started = throttle.failed(req.clientIp)
    if (started === undefined) return
    try {
      options.onThrottled?.(route, started)
    } catch {
      // ignored: telemetry never fails a request
    }
  }
  const budgets = {
    reads: { limit: options.rateLimit.read, limiter: createRateLimiter(options.rateLimit.read) },
    writes: { limit: options.rateLimit.write, limiter: createRateLimiter(options.rateLimit.write) },
  }
  /**
   * The operator a public route's caller proves to be, if any. A key sent to a public route is compared only while
   * its address may still guess (it changes what some routes show): a wrong one counts as a failure, and a refused
   * address is served as anonymous.
   */
  function optionalOperator(
    route: OpsRoute,
    counts: AuthFailureChildren | undefined,
    req: Omit<OpsRequest, 'operator'>,
  ): OperatorIdentity | undefined {
    if (extractKey(req.headers) === undefined) return undefined
    if (throttle.retryAfter(req.clientIp) > 0) {
      refusedThrottled(counts)
      return undefined
    }
    const operator = auth.authenticate(req.headers)
    if (operator === undefined) failed(route, counts, req, 'invalid')
    return operator
  }

  /** The operator an operator route's caller is, or its refusal: 429 for a throttled address, 401, 403. */
  function requiredOperator(
    route: OpsRoute,
    counts: AuthFailureChildren | undefined,
    scope: Exclude<OpsScope, { kind: 'public' }>,
    req: Omit<OpsRequest, 'operator'>,
    tooMany: (wait: number, message: string) => OpsResponse,
  ): OperatorIdentity | OpsResponse {
    const refused = throttle.retryAfter(req.clientIp)
    if (refused > 0) {
      refusedThrottled(counts)
      return tooMany(refused, 'too many requests without a valid operator key from this address; retry later')
    }
    const operator = auth.authenticate(req.headers)
    if (operator === undefined) {
      failed(route, counts, req, extractKey(req.headers) === undefined ? 'missing' : 'invalid')
      return problem(
        401,
        'unauthorized',
        'a valid operator key is required (Authorization: Bearer <key>)',
        undefined,
        { 'www-authenticate': 'Bearer realm="lookout"' },
      )
    }
    return operator.tenant === undefined ? operator : (tenantDenial(scope, req, operator.tenant) ?? operator)
  }

  return {
    stop: () => summary?.stop(),
    mount(route) {
      if (!route.path.startsWith('/')) throw routeInvalidError(route.path, 'path must start with "/"')
      const scope = route.scope as OpsScope | undefined
      if (scope === undefined || !SCOPE_KINDS.has(scope.kind)) {
        throw routeInvalidError(route.path, 'scope must be public, global or tenant')
      }
      if (scope.kind === 'tenant' && 'param' in scope && !route.path.split('/').includes(`:${scope.param}`)) {
        throw routeInvalidError(route.path, `tenant parameter "${scope.param}" is not a path parameter`)
      }
      if (scope.kind === 'tenant' && !('param' in scope) && typeof scope.tenants !== 'function') {
        throw routeInvalidError(route.path, 'a tenant scope names a path parameter or reads its tenants')
      }
      let rateLimit: AppliedRateLimit | undefined
      let limiter: ReturnType<typeof createRateLimiter> | undefined
      if (route.rateLimit !== undefined) {
        const own = {
          perMinute: route.rateLimit.perMinute,
          burst: route.rateLimit.burst ?? route.rateLimit.perMinute,
        }
        rateLimit = { ...own, pool: 'route' }
        limiter = createRateLimiter(own)
      } else if (scope.kind !== 'public') {
        const pool = route.method === 'GET' || route.method === 'OPTIONS' ? 'reads' : 'writes'
        rateLimit = { ...budgets[pool].limit, pool }
        limiter = budgets[pool].limiter
      }
      const limitedChild = limiter ? limited?.labels(route.path) : undefined
      const tooMany = (wait: number, message: string) => {
        limitedChild?.inc()
        return problem(429, 'rate_limited', message, undefined, { 'retry-after': String(wait) })
      }
      // Decided once per route: operator routes demand a key; public routes take one when it is sent, except those
      // guarded by a credential of their own (a scraper's bearer token is not a wrong operator key). The failure
      // series are bound here, under the route's template, for the reasons the route can produce: a public route
      // never counts a missing key, and a guarded one counts nothing.
      const reasons: readonly OperatorAuthFailureReason[] =
        scope.kind !== 'public'
          ? OPERATOR_AUTH_FAILURE_REASONS
          : scope.guard === undefined
            ? PUBLIC_REASONS
            : []
      const counts =
        authFailures === undefined || reasons.length === 0
          ? undefined
          : bindChildren({ labels: (reason: string) => authFailures.labels(route.path, reason) }, reasons)
      const identify =
        scope.kind !== 'public'
          ? (req: Omit<OpsRequest, 'operator'>) => requiredOperator(route, counts, scope, req, tooMany)
          : scope.guard === undefined
            ? (req: Omit<OpsRequest, 'operator'>) => optionalOperator(route, counts, req)
            : noOperator
      return {
        route,
        rateLimit,
        async handle(req) {
          try {
            const operator = identify(req)
            if (operator !== undefined && 'status' in operator) return operator
            if (limiter !== undefined) {
              // Per key when one is presented, so a key cannot hide behind many addresses nor share an IP's bucket.
              const wait = limiter.take(operator === undefined ? req.clientIp : `key#${operator.keyIndex}`)
              if (wait > 0) return tooMany(wait, 'too many requests; retry later')
            }
            return await route.handler({ ...req, operator })
          } catch (error) {
            try {
              options.onError?.(route, error)
            } catch {
              // ignored
            }
            return problem(500, 'internal_error', 'the request could not be processed')
          }
        },
      }
    },
  }
}

const SCOPE_KINDS = new Set(['public', 'global', 'tenant'])

/** A route's `lookout_operator_auth_failures_total` children, one per reason it can count. */
type AuthFailureChildren = ReadonlyMap<OperatorAuthFailureReason, CounterChild>

/** The reasons a public route that reads operator keys can count: a key it is sent is wrong or not compared. */
const PUBLIC_REASONS: readonly OperatorAuthFailureReason[] = ['invalid', 'throttled']

const noOperator = (): undefined => undefined

function isTenantList(value: readonly string[] | OpsResponse): value is readonly string[] {
  return Array.isArray(value)
}

/** Why a tenant-scoped key may not call this route with this request, or `undefined` when it may. */
function tenantDenial(
  scope: Exclude<OpsScope, { kind: 'public' }>,
  req: Omit<OpsRequest, 'operator'>,
  tenant: string,
): OpsResponse | undefined {
  if (scope.kind === 'global') {
    return problem(403, 'forbidden', 'this route is not scoped to a tenant; use a key without a tenant scope')
  }
  if ('param' in scope) {
    return req.params[scope.param] === tenant
      ? undefined
      : problem(403, 'forbidden', 'this key is restricted to another tenant')
  }
  const tenants = scope.tenants({ ...req, operator: undefined })
  if (!isTenantList(tenants)) return tenants
  return tenants.every((t) => t === tenant)
    ? undefined
    : problem(403, 'forbidden', 'this key is restricted to another tenant')
}
