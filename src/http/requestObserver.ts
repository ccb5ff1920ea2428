import type { LifecycleRequest } from './lifecycleRequest.ts'

/**
 * What an area (context, logging, tracing, health) plugs into the request lifecycle. Added at configuration
 * time; the core composes them once. Hooks must not throw (the core guards them anyway) and skip
 * `req.excluded` requests unless they mean to see probes.
 *
 * @example
 * core.addObserver({ name: 'log', onFinish: (req) => logger.info({ status: req.status }, 'request') })
 */
export interface RequestObserver {
  /** Short name for diagnostics. */
  readonly name: string
  /** Request started (route may already be known). May add to `req.responseHeaders` (lower-case names; create it when `undefined`), set `req.traceId` … */
  onStart?(req: LifecycleRequest): void
  /** Runs the rest of the request inside this area's async context (ALS, OTel context). */
  wrap?(req: LifecycleRequest, next: () => void): void
  /** Route template became known after start (Express-style adapters). */
  onRoute?(req: LifecycleRequest): void
  /** Request finished; metrics already recorded. */
  onFinish?(req: LifecycleRequest): void
}
