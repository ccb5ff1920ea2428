import { routeInvalidError } from '../errors.ts'
import { LOOKOUT_METRIC_NAMES } from '../metrics/conventions.ts'
import type { MetricRegistry } from '../metrics/metricRegistry.ts'
import { createOperatorAuth, type OperatorKey } from './operatorAuth.ts'
import { problem } from './opsResponses.ts'
import type { OpsRequest, OpsResponse, OpsRoute } from './opsRoute.ts'
import { createRateLimiter } from './rateLimiter.ts'

/** A route ready to mount: the definition plus its guarded handler. */
export interface MountedOpsRoute {
  readonly route: OpsRoute
  /** Runs auth, tenant scope, rate limit, then the handler; turns any throw into a bare 500. Never rejects. */
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
 * Guards ops routes once, for every adapter: operator keys (401 without / with a wrong key, 403 for another
 * tenant's resources), per-client rate limits (429 + `Retry-After`, counted in `lookout_rate_limited_total`),
 * and a last-resort 500 that says nothing about the failure.
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
      if (route.tenantParam !== undefined && !route.path.includes(`:${route.tenantParam}`)) {
        throw routeInvalidError(route.path, `tenantParam "${route.tenantParam}" is not a path parameter`)
      }
      const limiter = route.rateLimit ? createRateLimiter(route.rateLimit) : undefined
      const limitedChild = limiter ? limited?.labels(route.path) : undefined
      return {
        route,
        async handle(req) {
          try {
            const operator = auth.authenticate(req.headers)
            if (route.auth === 'operator') {
              if (operator === undefined) {
                return problem(
                  401,
                  'unauthorized',
                  'a valid operator key is required (Authorization: Bearer <key>)',
                  undefined,
                  {
                    'www-authenticate': 'Bearer realm="lookout"',
                  },
                )
              }
              if (route.tenantParam !== undefined && operator.tenant !== undefined) {
                if (req.params[route.tenantParam] !== operator.tenant) {
                  return problem(403, 'forbidden', 'this key is restricted to another tenant')
                }
              }
            }
            if (limiter !== undefined && operator === undefined) {
              const wait = limiter.take(req.clientIp)
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
