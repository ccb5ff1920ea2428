import { routeInvalidError } from '../errors.ts'
import { LOOKOUT_METRIC_NAMES } from '../metrics/conventions.ts'
import type { MetricRegistry } from '../metrics/metricRegistry.ts'
import { createOperatorAuth, type OperatorKey } from './operatorAuth.ts'
import { problem } from './opsResponses.ts'
import type { OpsRequest, OpsResponse, OpsRoute, OpsScope } from './opsRoute.ts'
import { createRateLimiter } from './rateLimiter.ts'

/** A route ready to mount: the definition plus its guarded handler. */
export interface MountedOpsRoute {
  readonly route: OpsRoute
  /** Runs auth, scope, rate limit, then the handler; turns any throw into a bare 500. Never rejects. */
  readonly handle: (req: Omit<OpsRequest, 'operator'>) => Promise<OpsResponse>
}

/** Options of {@link createOpsDispatcher}. */
export interface OpsDispatcherOptions {
  readonly keys: readonly OperatorKey[]
  readonly registry: MetricRegistry | undefined
  /** Told about handler failures (logged by the logging area); must not throw. */
  readonly onError?: (route: OpsRoute, error: unknown) => void
}

/**
 * Guards ops routes once, for every adapter, by the scope each route declares: operator keys (401 without / with
 * a wrong key; 403 for a tenant-scoped key on a global route or on another tenant's resources), rate limits per
 * operator key or else per client IP (429 + `Retry-After`, counted in `lookout_rate_limited_total`), and a
 * last-resort 500 that says nothing about the failure.
 *
 * @example
 * const ops = createOpsDispatcher({ keys: config.operator.keys, registry })
 * const mounted = ops.mount(route)
 * const res = await mounted.handle(req)
 */
export function createOpsDispatcher(options: OpsDispatcherOptions): {
  mount(route: OpsRoute): MountedOpsRoute
  authenticate: ReturnType<typeof createOperatorAuth>['authenticate']
} {
  const auth = createOperatorAuth(options.keys)
  const limited = options.registry?.counter({
    name: LOOKOUT_METRIC_NAMES.rateLimited,
    help: 'Requests to Lookout endpoints refused by a rate limit',
    labelNames: ['route'],
  })
  return {
    authenticate: auth.authenticate,
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
      const limiter = route.rateLimit ? createRateLimiter(route.rateLimit) : undefined
      const limitedChild = limiter ? limited?.labels(route.path) : undefined
      return {
        route,
        async handle(req) {
          try {
            const operator = auth.authenticate(req.headers)
            if (scope.kind !== 'public') {
              if (operator === undefined) {
                return problem(
                  401,
                  'unauthorized',
                  'a valid operator key is required (Authorization: Bearer <key>)',
                  undefined,
                  { 'www-authenticate': 'Bearer realm="lookout"' },
                )
              }
              const denied =
                operator.tenant === undefined ? undefined : tenantDenial(scope, req, operator.tenant)
              if (denied !== undefined) return denied
            }
            if (limiter !== undefined) {
              // Per key when one is presented, so a key cannot hide behind many addresses nor share an IP's bucket.
              const wait = limiter.take(operator === undefined ? req.clientIp : `key#${operator.keyIndex}`)
              if (wait > 0) {
                limitedChild?.inc()
                return problem(429, 'rate_limited', 'too many requests; retry later', undefined, {
                  'retry-after': String(wait),
                })
              }
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
