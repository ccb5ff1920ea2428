import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http'
import type { LookoutOptions } from '../../config/schema.ts'
import { createLookout } from '../../core/createLookout.ts'
import type { Lookout } from '../../core/lookout.ts'
import { adapterMisuseError, routeCollisionError } from '../../errors.ts'
import { serveOpsRoute, startNodeRequest } from '../nodeBinding.ts'
import { createOpsRouter } from '../opsRouter.ts'

/** Options of {@link withLookout}. */
export type HttpLookoutOptions = LookoutOptions & {
  /** Use this existing instance instead of creating one. */
  readonly lookout?: Lookout
  /**
   * Returns the route template of a request (`/users/:id`), or `undefined` when it matches no route. Without a
   * resolver every app request is labelled with the unmatched constant — never the raw path. It is also asked,
   * once, about each of Lookout's paths: one the app claims stops start-up with `LOOKOUT_ERR_ROUTE_COLLISION`.
   */
  readonly route?: (req: IncomingMessage) => string | undefined
}

/** A wrapped listener that also exposes its Lookout instance. */
export type LookoutRequestListener = RequestListener & { readonly lookout: Lookout }

/**
 * Wraps a plain `node:http` request listener: every request goes through Lookout's lifecycle, the ops routes
 * (`/metrics`, probes, `/observability/*`) are served before your listener, and the server is attached for
 * graceful shutdown on its first request (or call `lookout.attachServer(server)` yourself).
 *
 * @example
 * import { createServer } from 'node:http'
 * import { withLookout } from 'lookout/http'
 * const handler = withLookout(app, { service: 'api', route: (req) => router.lookup(req)?.template })
 * const server = createServer(handler)
 * handler.lookout.attachServer(server)
 * await handler.lookout.start()
 * server.listen(8000)
 */
export function withLookout(
  listener: RequestListener,
  options: HttpLookoutOptions = {},
): LookoutRequestListener {
  const { lookout: instance, route: resolveRoute, ...lookoutOptions } = options
  if (instance !== undefined && Object.keys(lookoutOptions).length > 0) {
    throw adapterMisuseError(
      'Pass either an existing Lookout instance (`lookout`) or Lookout options, not both',
    )
  }
  const lookout = instance ?? createLookout(lookoutOptions, { handleSignalsByDefault: true })
  // A served instance handles SIGTERM/SIGINT unless `health.shutdown.handleSignals` is false — shared ones too.
  if (instance !== undefined && instance.config.health.shutdown.handleSignals !== false)
    instance.health.handleSignals()
  // Lookout never shadows an app route: a path of Lookout's that the app's route resolver claims is a coded error.
  if (resolveRoute !== undefined) {
    for (const { route } of lookout.routes) {
      let appRoute: string | undefined
      try {
        appRoute = resolveRoute({ method: route.method, url: route.path, headers: {} } as IncomingMessage)
      } catch {
        appRoute = undefined
      }
      if (appRoute !== undefined) throw routeCollisionError(route.method, route.path, appRoute)
    }
  }
  const router = createOpsRouter(lookout.routes)
  const core = lookout.core
  let attached = false

  const wrapped = function lookoutListener(req: IncomingMessage, res: ServerResponse): void {
    if (!attached) {
      attached = true
      const server = (req.socket as { server?: Server }).server
      if (server !== undefined) lookout.attachServer(server)
    }
    const url = req.url ?? '/'
    const q = url.indexOf('?')
    const path = q === -1 ? url : url.slice(0, q)
    const ops = router.match(req.method, path)
    if (ops !== undefined) {
      const lifecycle = startNodeRequest(lookout, req, res, ops.template)
      if (lifecycle === undefined) return
      core.run(lifecycle, () => {
        void serveOpsRoute(lookout, ops, lifecycle, req, res)
      })
      return
    }
    let template: string | undefined
    try {
      template = resolveRoute?.(req)
    } catch {
      template = undefined
    }
    const lifecycle = startNodeRequest(lookout, req, res, template ?? lookout.config.http.unmatchedRoute)
    if (lifecycle === undefined) return
    core.run(lifecycle, () => {
      try {
        const result = listener(req, res) as unknown
        if (
          result !== null &&
          typeof result === 'object' &&
          typeof (result as Promise<void>).then === 'function'
        ) {
          ;(result as Promise<void>).then(undefined, (error: unknown) => failed(lifecycle, res, error))
        }
      } catch (error) {
        failed(lifecycle, res, error)
      }
    })
  }

  function failed(
    lifecycle: NonNullable<ReturnType<typeof startNodeRequest>>,
    res: ServerResponse,
    error: unknown,
  ): void {
    core.setError(lifecycle, error)
    if (!res.headersSent) {
      res.statusCode = 500
      res.setHeader('content-type', 'application/json; charset=utf-8')
      res.end('{"error":{"code":"internal_error","message":"the request could not be processed"}}')
    } else {
      res.destroy()
    }
  }

  return Object.assign(wrapped, { lookout })
}
