import { type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http'
import { dirname } from 'node:path'
import type { LookoutOptions } from '../../config/schema.ts'
import { createLookout } from '../../core/createLookout.ts'
import type { Lookout } from '../../core/lookout.ts'
import { adapterMisuseError, routeCollisionError } from '../../errors.ts'
import type { LifecycleRequest } from '../lifecycleRequest.ts'
import { serveOpsRoute, startNodeRequest } from '../nodeBinding.ts'
import { createOpsRouter } from '../opsRouter.ts'
import { type ExpressAppLike, expressLayers, expressRouteOf } from './expressRouteOf.ts'
import { assertSupportedExpress, expressVersionFrom } from './supportedFrameworks.ts'

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
  // The Express the application runs: resolved from its entry script's folder, then from the working directory.
  assertSupportedExpress(expressVersionFrom([dirname(process.argv[1] ?? ''), process.cwd()]))
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
  let router = createOpsRouter(lk.routes)
  const core = lk.core
  let attached = false
  /** The app the middleware is mounted on (`app.use(mw)` tells it), once known. */
  let parent = undefined as ExpressParent | undefined
  let checked = false

  /**
   * Lookout never shadows an app route: an app route with the method and path of one of Lookout's routes —
   * mounted before or after the middleware, in a router or not — is a coded error when the app listens. An app
   * that never calls `app.listen` is checked on its first request: the app's route then wins, and the error is
   * logged.
   */
  function checkCollisions(app: ExpressAppLike, onCollision: 'throw' | 'yield'): void {
    checked = true
    const kept = []
    for (const mounted of lk.routes) {
      const { method, path } = mounted.route
      const appRoute = expressRouteOf(app, method, path)
      if (appRoute === undefined) {
        kept.push(mounted)
        continue
      }
      const error = routeCollisionError(method, path, appRoute)
      if (onCollision === 'throw') throw error
      lk.logger.error({ event: 'route_collision', err: error }, error.message)
    }
    if (kept.length !== lk.routes.length) router = createOpsRouter(kept)
  }

  const middleware = function lookoutMiddleware(req: ExpressRequest, res: ServerResponse, next: Next): void {
    if (!attached) {
      attached = true
      const server = (req.socket as { server?: Server }).server
      if (server !== undefined) lk.attachServer(server)
      const app = parent ?? (req as { app?: ExpressAppLike }).app
      if (!checked && app !== undefined) checkCollisions(app, 'yield')
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
    const lifecycle = startNodeRequest(lk, req, res, undefined, expressRouteAtFinish)
    if (lifecycle === undefined) return
    req[LIFECYCLE] = lifecycle
    // Express's next() ignores a missing argument, and the core calls it with none.
    core.run(lifecycle, next)
  }

  const errors = function lookoutErrors(
    error: unknown,
    req: ExpressRequest,
    res: ServerResponse,
    next: Next,
  ): void {
    const lifecycle = req[LIFECYCLE]
    const app = (req as { app?: ExpressAppLike }).app
    if (lifecycle !== undefined) {
      core.setError(lifecycle, error)
      // Leaving a mounted router on the error path restored req.baseUrl: find the route's full template again.
      if (app !== undefined && req.route !== undefined) {
        const url = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/'
        const q = url.indexOf('?')
        const template = expressRouteOf(app, req.method ?? 'GET', q === -1 ? url : url.slice(0, q))
        if (template !== undefined) core.setRoute(lifecycle, template)
      }
    }
    // With no error handler of the app's after this one, Express's final handler would print the raw error (its
    // stack, and whatever personal data its message holds) to stderr: answer here instead — the error is in the
    // request's log line and span, redacted.
    if (app !== undefined && !errorHandlerAfter(app, errors)) {
      if (res.headersSent) {
        res.destroy()
        return
      }
      const status = statusOf(error)
      res.statusCode = status
      res.setHeader('content-type', 'application/json; charset=utf-8')
      res.setHeader('content-security-policy', "default-src 'none'")
      res.setHeader('x-content-type-options', 'nosniff')
      res.end(
        JSON.stringify({
          error:
            status >= 500
              ? { code: 'internal_error', message: 'the request could not be processed' }
              : { code: 'bad_request', message: STATUS_CODES[status] ?? 'the request is malformed' },
        }),
      )
      return
    }
    next(error)
  }

  const mw = Object.assign(middleware, { errors, lookout: lk }) as LookoutMiddleware
  // Looks like a sub-application to `app.use()`, which then tells it its parent app ('mount'): the route table is
  // checked before `app.listen()` listens, and the server is attached for the shutdown.
  Object.assign(mw, {
    handle: middleware,
    set: () => mw,
    emit(event: string, app: unknown) {
      if (event !== 'mount' || parent !== undefined || app == null) return false
      const owner = app as ExpressParent
      parent = owner
      const listen = owner.listen
      if (typeof listen === 'function') {
        ;(owner as { listen: unknown }).listen = function lookoutListen(this: unknown, ...args: unknown[]) {
          checkCollisions(owner, 'throw')
          const server = listen.apply(this, args)
          lk.attachServer(server)
          return server
        }
      }
      return true
    },
  })
  return mw
}

/** The matched route's full template once Express has routed the request: `req.baseUrl + req.route.path`. */
function expressRouteAtFinish(raw: IncomingMessage): string | undefined {
  const req = raw as ExpressRequest
  const path = req.route?.path
  return typeof path === 'string' ? `${req.baseUrl ?? ''}${path}` : undefined
}

/** The app `app.use(mw)` mounted the middleware on. */
type ExpressParent = ExpressAppLike & { listen?: (...args: unknown[]) => Server }

/** True when the app has an error handler (four parameters) after `handler`. */
function errorHandlerAfter(app: ExpressAppLike, handler: unknown): boolean {
  const stack = expressLayers(app) as readonly { readonly handle?: { readonly length?: number } }[]
  const at = stack.findIndex((layer) => layer.handle === handler)
  if (at === -1) return true
  return stack.slice(at + 1).some((layer) => layer.handle?.length === 4)
}

/** The HTTP status an error asks for (`status` / `statusCode` 400–599, as Express's final handler reads it), else 500. */
function statusOf(error: unknown): number {
  const e = error as { status?: unknown; statusCode?: unknown } | null
  const status = typeof e?.status === 'number' ? e.status : e?.statusCode
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599
    ? status
    : 500
}
