import { Readable } from 'node:stream'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { LookoutOptions } from '../../config/schema.ts'
import { createLookout } from '../../core/createLookout.ts'
import type { Lookout } from '../../core/lookout.ts'
import { adapterMisuseError, routeCollisionError } from '../../errors.ts'
import { createInFlightTracker } from '../connectionState.ts'
import type { RouteBinding } from '../lifecycleCore.ts'
import type { LifecycleRequest } from '../lifecycleRequest.ts'
import type { MountedOpsRoute } from '../opsDispatcher.ts'
import type { OpsResponse } from '../opsRoute.ts'
import { opsRouteAt } from '../opsRouteAt.ts'
import { createFastifyInternals, type LogControllerLike, logControllerOf } from './fastifyInternals.ts'
import { isLookoutLogController, REQUEST_STARTER } from './fastifyOptions.ts'
import { lazyRequestLogger } from './lazyRequestLogger.ts'
import { assertSupportedFastify } from './supportedFrameworks.ts'

/** Options of the Fastify plugin: Lookout options, or an existing instance to share. */
export type FastifyLookoutOptions = LookoutOptions & {
  /** Use this existing instance instead of creating one (share one Lookout between adapters/servers). */
  readonly lookout?: Lookout
  /**
   * Where a request starts. `'auto'` (default): where Fastify creates the request — its log controller's
   * `incomingRequest` call, made for every request (routes, 404s, framework errors) before any `onRequest` hook.
   * With `fastifyOptions(lookout)` passed to `Fastify()`, no hook runs per request unless the async context or
   * tracing needs one; otherwise an `onRequest` hook also starts any request the log controller did not (and
   * warns once). On a Fastify without a log controller, an `onRequest` hook. `'onRequest'`: always an
   * `onRequest` hook, like any hook-based plugin (the request is then measured from that hook on).
   */
  readonly startIn?: 'auto' | 'onRequest'
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The Lookout instance registered on this server. */
    lookout: Lookout
  }
  interface FastifyRequest {
    /** @internal Lookout's per-request state. */
    lookoutRequest: LifecycleRequest | null
  }
}

/**
 * Maps Fastify's request lifecycle onto the lifecycle core, and mounts the ops routes. All logic lives in the
 * core; this adapter only translates.
 *
 * - start (route template known from the route context), response headers, admission: where Fastify creates the
 *   request (the log controller from `fastifyOptions()`, else the app's own controller wrapped), or an `onRequest`
 *   hook;
 * - `onRequest`, unless `fastifyOptions()`' controller starts every request and no observer wraps the rest of the
 *   request (async context, tracing): start a request that has not started (warning once when the log
 *   controller should have), enter the observers' contexts;
 * - `onError`: remember the error;
 * - response `close`: finish — it fires for completed *and* aborted responses; and the connection's `close` for the
 *   pipelined responses Node never closes (see createInFlightTracker), so in-flight always returns to 0.
 *
 * The log-controller start is the default because it begins earlier (before the app's own hooks) and also sees
 * framework errors; both start paths cost about the same.
 */
async function lookoutFastify(app: FastifyInstance, options: FastifyLookoutOptions): Promise<void> {
  assertSupportedFastify(app.version)
  const { lookout: instance, startIn = 'auto', ...lookoutOptions } = options
  if (instance !== undefined && Object.keys(lookoutOptions).length > 0) {
    throw adapterMisuseError(
      'Pass either an existing Lookout instance (`lookout`) or Lookout options, not both',
    )
  }
  if (startIn !== 'auto' && startIn !== 'onRequest') {
    throw adapterMisuseError(`startIn must be 'auto' or 'onRequest', got ${JSON.stringify(startIn)}`)
  }
  const lookout = instance ?? createLookout(lookoutOptions, { handleSignalsByDefault: true })
  // A served instance handles SIGTERM/SIGINT unless `health.shutdown.handleSignals` is false — shared ones too.
  if (instance !== undefined && instance.config.health.shutdown.handleSignals !== false)
    instance.health.handleSignals()
  const core = lookout.core
  const idHeader = core.requestIdHeader
  // The close listener's state goes on the connection, not on the response (createInFlightTracker says why).
  const replies = createInFlightTracker<FastifyReply>('replies', finishReply)
  // Each matched route's binding (exclusion, series), kept per route context: a request of a known route starts
  // without looking its route up in the exclusion and series maps. A route with several methods shares one
  // context; the binding holds the first method seen, the others take the look-ups.
  const bindings = new WeakMap<object, RouteBinding>()
  const { routeContextOf, replyHeadersOf } = createFastifyInternals()

  /** Finishes the request of a closed response (completed or aborted), or of one its closed connection left. */
  function finishReply(reply: FastifyReply, aborted: boolean): void {
    const req = reply.request.lookoutRequest
    if (req == null) return
    const res = reply.raw
    // Fastify hands its headers to writeHead() directly, so the raw response does not know them: ask the reply.
    const stored = replyHeadersOf(reply)
    const length =
      (stored !== undefined ? stored['content-length'] : reply.getHeader('content-length')) ??
      res.getHeader('content-length')
    core.finish(req, res.statusCode, length === undefined ? 0 : Number(length), aborted)
  }

  /**
   * Starts a request: lifecycle start, response headers, the close listener, admission. Returns `undefined`
   * when admission answered instead (load shedding: the reply is sent, the close listener still measures it).
   */
  function startRequest(request: FastifyRequest, reply: FastifyReply): LifecycleRequest | undefined {
    const raw = request.raw
    const context = routeContextOf(request)
    const route = context !== undefined ? context.config?.url : request.routeOptions.url
    let req: LifecycleRequest
    if (context !== undefined && route !== undefined && raw.method !== undefined) {
      let binding = bindings.get(context)
      if (binding === undefined) {
        binding = core.routeBinding(raw.method, route)
        bindings.set(context, binding)
      }
      req =
        binding.rawMethod === raw.method
          ? core.startBound(raw.url, raw.headers, raw.socket, binding)
          : core.startWith(raw.method, raw.url, raw.headers, raw.socket, route)
    } else {
      req = core.startWith(raw.method, raw.url, raw.headers, raw.socket, route)
    }
    request.lookoutRequest = req
    req.native = request
    if (adoptRequestLog) {
      // The app's Fastify logger is not Lookout's: request.log / reply.log become Lookout's (redacted, one format,
      // the request's id), so `req.log.info({ email })` is redacted like every other line.
      const log = requestLogger(req)
      request.log = log
      reply.log = log
    }
    const stored = replyHeadersOf(reply)
    const extra = req.responseHeaders
    if (stored !== undefined) {
      stored[idHeader] = req.requestId
      if (extra !== undefined) for (let i = 0; i < extra.length; i += 2) stored[extra[i]!] = extra[i + 1]
    } else {
      reply.header(idHeader, req.requestId)
      if (extra !== undefined)
        for (let i = 0; i < extra.length; i += 2) reply.header(extra[i]!, extra[i + 1]!)
    }
    // One shared on() listener (not once(), not a per-request closure): both alternatives cost CPU per request.
    replies.track(reply, raw.socket, raw.httpVersionMajor === 2)
    reply.raw.on('close', replies.onResponseClose)
    const rejection = core.admit(req)
    if (rejection === undefined) return req
    reply.code(rejection.status)
    for (const [name, value] of rejection.headers) reply.header(name, value)
    reply.send(rejection.body)
    return undefined
  }

  app.decorate('lookout', lookout)
  app.decorateRequest('lookoutRequest', null)

  /** Whether request.log / reply.log are replaced by Lookout's logger (the app's Fastify logger is not Lookout's). */
  let adoptRequestLog = false
  const contextOnLines = lookout.config.logging.context
  const quietLogger = withoutFastifyRequestLines(lookout.logger)
  // Without the async context on lines, a request's logger binds its id: made when the request first logs.
  const makeRequestLogger = (req: LifecycleRequest) =>
    withoutFastifyRequestLines(lookout.logger.child({ request_id: req.requestId }))
  const requestLogger = (req: LifecycleRequest): FastifyRequest['log'] =>
    (contextOnLines
      ? quietLogger
      : lazyRequestLogger(makeRequestLogger, req)) as unknown as FastifyRequest['log']

  // How requests start where Fastify creates them: `public` — the log controller fastifyOptions() built starts
  // them through REQUEST_STARTER; `wrapped` — the app's own controller, reached through Fastify's private key,
  // is replaced on this instance by a view that starts them first; `hook` — neither is there (or startIn is
  // 'onRequest'), the onRequest hook starts them.
  let startPath: 'public' | 'wrapped' | 'hook' = 'hook'
  if (startIn === 'auto') {
    app.decorate(REQUEST_STARTER, startRequest)
    const found = logControllerOf(app)
    if (found !== undefined && isLookoutLogController(found.controller)) {
      startPath = 'public'
    } else if (found !== undefined) {
      // Set on this instance, so it applies where a hook added here would (this context and its children,
      // routes registered before the plugin included).
      const { key, controller } = found
      const view = Object.create(controller) as LogControllerLike & { isLogDisabled(req: unknown): boolean }
      // Fastify's own per-request lines (incoming request, request completed, errors, 404s) go: Lookout writes
      // one request line, and Fastify's printed raw query strings.
      view.isLogDisabled = () => true
      adoptRequestLog = true
      view.incomingRequest = function lookoutIncomingRequest(request, reply, metadata) {
        if (request.lookoutRequest == null) startRequest(request, reply)
        controller.incomingRequest.call(this, request, reply, metadata)
      }
      ;(app as unknown as Record<symbol, unknown>)[key] = view
      startPath = 'wrapped'
    } else {
      lookout.logger.info(
        { event: 'fastify_start_in_hook' },
        "Fastify's log controller is not reachable: requests start in an onRequest hook (pass fastifyOptions(lookout) to Fastify() on Fastify ≥ 5.12 to start them earlier)",
      )
    }
  }

  // Without a log controller to reach (Fastify before 5.12), the app's own logger still writes Fastify's
  // per-request lines: request loggers of routes registered from here on are Lookout's, without those lines, and
  // every request's request.log / reply.log become Lookout's when it starts.
  if (startPath === 'hook' && (app.log as unknown) !== lookout.logger) {
    adoptRequestLog = true
    app.setChildLoggerFactory(() => quietLogger as unknown as FastifyRequest['log'])
  }

  // The safety net: a request that reached the hooks without having started starts here. Observers that wrap
  // the rest of the request (async context, tracing) are installed with the instance, so whether run() has work
  // is known now.
  let warned = startPath === 'hook'
  const wraps = core.wraps
  if (startPath !== 'public' || wraps) {
    app.addHook('onRequest', function lookoutOnRequest(request, reply, done) {
      let req = request.lookoutRequest
      if (req == null) {
        if (!warned) {
          warned = true
          lookout.logger.warn(
            { event: 'fastify_fast_start_off', start_path: startPath },
            "Fastify did not call its log controller for a request: Lookout starts requests in an onRequest hook from now on; pass fastifyOptions(lookout) to Fastify() to use Fastify's public log controller",
          )
        }
        const started = startRequest(request, reply)
        if (started === undefined) return // admission answered: skip the handler
        req = started
      }
      if (wraps) core.run(req, done)
      else done()
    })
  }

  app.addHook('onError', function lookoutOnError(request, _reply, error, done) {
    if (request.lookoutRequest != null) core.setError(request.lookoutRequest, error)
    done()
  })

  app.addHook('onListen', function lookoutOnListen(done) {
    lookout.attachServer(app.server)
    done()
  })
  app.addHook('onReady', async function lookoutOnReady() {
    await lookout.start()
  })
  // The server owns the instance's lifecycle (start on ready, shutdown on close), shared instances included:
  // shutdown is idempotent, so closing a second server that shares it is harmless.
  let fastifyClosing = false
  app.addHook('preClose', function lookoutPreClose(done) {
    fastifyClosing = true
    done()
  })
  app.addHook('onClose', async function lookoutOnClose() {
    // Closed from a shutdown hook (signal / lookout.shutdown()): that shutdown is already running — waiting on
    // it here would wait on ourselves.
    if (lookout.phase === 'stopping') return
    await lookout.shutdown()
  })
  // A signal-initiated shutdown ends with app.close(), so the app's own onClose hooks (pools …) run too.
  lookout.onShutdown(async function closeFastify() {
    if (!fastifyClosing) await app.close()
  })

  // Lookout never shadows an app route: routes registered before the plugin are found here, later ones by the
  // onRoute hook — either way a coded error naming the path and the prefix option, before the server listens.
  for (const { route } of lookout.routes) {
    if (app.hasRoute({ method: route.method, url: route.path })) {
      throw routeCollisionError(route.method, route.path, route.path)
    }
  }
  app.addHook('onRoute', function lookoutRouteGuard(options) {
    if ((options.config as { lookoutOps?: unknown } | undefined)?.lookoutOps === true) return
    for (const method of Array.isArray(options.method) ? options.method : [options.method]) {
      const taken = opsRouteAt(lookout.routes, method, options.url)
      if (taken !== undefined) throw routeCollisionError(method, taken.route.path, options.url)
    }
  })

  if (lookout.routes.length > 0) await app.register(mountOpsRoutes(lookout.routes))
}

/** What Fastify writes per request through the request's logger (with `req` / `res` fields). */
const FASTIFY_REQUEST_LINES = new Set(['incoming request', 'request completed', 'request errored'])

/**
 * A view of a Lookout logger that drops Fastify's own per-request lines (Lookout writes one request line; Fastify's
 * carry the raw URL) and passes everything else through.
 */
function withoutFastifyRequestLines<L extends object>(logger: L): L {
  const view = Object.create(logger) as Record<string, unknown>
  for (const level of ['info', 'error'] as const) {
    const write = (logger as Record<string, (...args: unknown[]) => void>)[level]!.bind(logger)
    view[level] = function lookoutRequestLine(...args: unknown[]) {
      const [obj, msg] = args
      if (
        typeof msg === 'string' &&
        FASTIFY_REQUEST_LINES.has(msg) &&
        typeof obj === 'object' &&
        obj !== null &&
        ('req' in obj || 'res' in obj)
      ) {
        return
      }
      write(...args)
    }
  }
  return view as L
}

function mountOpsRoutes(routes: readonly MountedOpsRoute[]) {
  return async function lookoutOpsRoutes(child: FastifyInstance): Promise<void> {
    child.removeAllContentTypeParsers()
    child.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body))
    child.setErrorHandler(function lookoutOpsErrors(
      error: { statusCode?: number; code?: string },
      _request,
      reply,
    ) {
      const status =
        error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500
          ? error.statusCode
          : 500
      const code =
        status === 413
          ? 'payload_too_large'
          : status === 415
            ? 'unsupported_media_type'
            : status === 500
              ? 'internal_error'
              : 'bad_request'
      const message =
        status === 413
          ? 'the body is larger than this endpoint accepts'
          : status === 500
            ? 'the request could not be processed'
            : 'the request is malformed'
      reply.code(status).header('cache-control', 'no-store').send({ error: { code, message } })
    })
    for (const mounted of routes) {
      const { route } = mounted
      child.route({
        method: route.method,
        url: route.path,
        bodyLimit: route.bodyLimit ?? 65_536,
        exposeHeadRoute: route.method === 'GET',
        config: { lookoutOps: true },
        handler: async function lookoutOpsHandler(request, reply) {
          const url = request.raw.url ?? '/'
          const q = url.indexOf('?')
          const out = await mounted.handle({
            method: request.method,
            path: q === -1 ? url : url.slice(0, q),
            params: (request.params ?? {}) as Record<string, string>,
            query: new URLSearchParams(q === -1 ? '' : url.slice(q + 1)),
            headers: request.headers,
            body: Buffer.isBuffer(request.body) ? request.body : undefined,
            clientIp: request.lookoutRequest
              ? request.server.lookout.core.clientIp(request.lookoutRequest)
              : request.ip,
            signal: undefined,
          })
          return sendOps(reply, out)
        },
      })
    }
  }
}

function sendOps(reply: FastifyReply, out: OpsResponse): FastifyReply {
  reply.code(out.status)
  if (out.headers) for (const [k, v] of Object.entries(out.headers)) reply.header(k, v)
  const body = out.body
  if (body === undefined) return reply.send()
  if (body instanceof Readable) {
    reply.raw.on('close', () => body.destroy())
    return reply.send(body)
  }
  if (typeof body === 'string' || Buffer.isBuffer(body) || body instanceof Uint8Array) {
    if (!reply.hasHeader('content-type')) reply.header('content-type', 'text/plain; charset=utf-8')
    return reply.send(body)
  }
  reply.header('content-type', reply.getHeader('content-type') ?? 'application/json; charset=utf-8')
  return reply.send(JSON.stringify(body))
}

/**
 * The Fastify plugin (Fastify 5). Register it once, before or after your routes; every route (404s and thrown errors
 * included) is measured, and the ops routes (`/metrics`, and what other areas add) are mounted.
 *
 * @example
 * import Fastify from 'fastify'
 * import { lookout } from 'lookout/fastify'
 * const app = Fastify()
 * await app.register(lookout, { service: 'identity' })
 */
// The version is checked by the plugin itself (LOOKOUT_ERR_FRAMEWORK_VERSION), not by fastify-plugin's range.
export const lookout = fp(lookoutFastify, { name: 'lookout' })
