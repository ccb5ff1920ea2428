import type { IncomingMessage, ServerResponse } from 'node:http'
import type { LookoutOptions } from '../../config/schema.ts'
import { createLookout } from '../../core/createLookout.ts'
import type { Lookout } from '../../core/lookout.ts'
import { adapterMisuseError } from '../../errors.ts'
import type { LifecycleRequest } from '../lifecycleRequest.ts'
import { serveOpsRoute, startNodeRequest } from '../nodeBinding.ts'
import { createOpsRouter } from '../opsRouter.ts'

/** Options of the Express middleware: Lookout options, or an existing instance to share. */
export type ExpressLookoutOptions = LookoutOptions & {
  /** Use this existing instance instead of creating one. */
  readonly lookout?: Lookout
}

type ExpressRequest = IncomingMessage & {
  route?: { path?: unknown }
  baseUrl?: string
  body?: unknown
  [LIFECYCLE]?: LifecycleRequest
}
type Next = (error?: unknown) => void

const LIFECYCLE = Symbol('lookout.request')

/** The middleware, with the error recorder and the instance attached. */
export type LookoutMiddleware = ((req: IncomingMessage, res: ServerResponse, next: Next) => void) & {
  /** Error-handling middleware: records the error on the request's span/log, then passes it on. Use last. */
  readonly errors: (error: unknown, req: IncomingMessage, res: ServerResponse, next: Next) => void
  readonly lookout: Lookout
}

/**
 * Express middleware. `app.use(lookout(options))` first (before body parsers and routers): it measures every
 * request under the matched route template — `req.baseUrl + req.route.path`, so mounted routers give their full
 * template — or the unmatched constant, and serves the ops routes itself. Add `app.use(mw.errors)` after your
 * routes to attach thrown errors to logs and spans. The server is attached for graceful shutdown on first
 * request (or call `mw.lookout.attachServer(server)`), and `mw.lookout.start()` starts background work.
 *
 * @example
 * import express from 'express'
 * import { lookout } from 'lookout/express'
 * const app = express()
 * const mw = lookout({ service: 'api' })
 * app.use(mw)
 * app.get('/users/:id', handler)
 * app.use(mw.errors)
 * const server = app.listen(8000)
 * await mw.lookout.start()
 */
export function lookout(options: ExpressLookoutOptions = {}): LookoutMiddleware {
  const { lookout: instance, ...lookoutOptions } = options
  if (instance !== undefined && Object.keys(lookoutOptions).length > 0) {
    throw adapterMisuseError(
      'Pass either an existing Lookout instance (`lookout`) or Lookout options, not both',
    )
  }
  const lk = instance ?? createLookout(lookoutOptions, { handleSignalsByDefault: true })
  // A served instance handles SIGTERM/SIGINT unless `health.shutdown.handleSignals` is false — shared ones too.
  if (instance !== undefined && instance.config.health.shutdown.handleSignals !== false)
    instance.health.handleSignals()
  const router = createOpsRouter(lk.routes)
  const core = lk.core
  let attached = false

  const middleware = function lookoutMiddleware(req: ExpressRequest, res: ServerResponse, next: Next): void {
    if (!attached) {
      attached = true
      const server = (req.socket as { server?: import('node:http').Server }).server
      if (server !== undefined) lk.attachServer(server)
    }
    const url = req.url ?? '/'
    const q = url.indexOf('?')
    const ops = router.match(req.method, q === -1 ? url : url.slice(0, q))
    if (ops !== undefined) {
      const lifecycle = startNodeRequest(lk, req, res, ops.template)
      if (lifecycle === undefined) return
      core.run(lifecycle, () => {
        void serveOpsRoute(lk, ops, lifecycle, req, res, req.body)
      })
      return
    }
    const lifecycle = startNodeRequest(lk, req, res, undefined, function expressRoute() {
      const path = req.route?.path
      return typeof path === 'string' ? `${req.baseUrl ?? ''}${path}` : undefined
    })
    if (lifecycle === undefined) return
    req[LIFECYCLE] = lifecycle
    core.run(lifecycle, () => next())
  }

  const errors = function lookoutErrors(
    error: unknown,
    req: ExpressRequest,
    _res: ServerResponse,
    next: Next,
  ): void {
    const lifecycle = req[LIFECYCLE]
    if (lifecycle !== undefined) core.setError(lifecycle, error)
    next(error)
  }

  return Object.assign(middleware, { errors, lookout: lk }) as LookoutMiddleware
}
