import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { LookoutOptions } from '../../config/schema.ts'
import { createLookout } from '../../core/createLookout.ts'
import type { Lookout } from '../../core/lookout.ts'
import { adapterMisuseError } from '../../errors.ts'
import { createInFlightTracker } from '../connectionState.ts'
import type { RouteBinding } from '../lifecycleCore.ts'
import type { LifecycleRequest } from '../lifecycleRequest.ts'
import type { MountedOpsRoute } from '../opsDispatcher.ts'
import type { OpsResponse } from '../opsRoute.ts'
import { assertSupportedFastify } from './supportedFrameworks.ts'

/** Options of the Fastify plugin: Lookout options, or an existing instance to share. */
export type FastifyLookoutOptions = LookoutOptions & {
  /** Use this existing instance instead of creating one (share one Lookout between adapters/servers). */
  readonly lookout?: Lookout
  /**
   * Where a request starts. `'auto'` (default): where Fastify creates the request — its log controller's
   * `incomingRequest` call, made for every request (routes, 404s, framework errors) before any `onRequest` hook —
   * so no hook runs per request unless the async context or tracing needs one to wrap the rest of the request;
   * on a Fastify version without a log controller, an `onRequest` hook. `'onRequest'`: always an `onRequest`
   * hook, like any hook-based plugin (the request is then measured from that hook on). Default `'auto'`.
   */
  readonly startIn?: 'auto' | 'onRequest'
}

/**
 * Fastify's route context key (`Symbol('fastify.context')`), found on the first request; `null` when a Fastify
 * version does not have it, and then the public `routeOptions` getter is used. The getter builds a 12-field object
 * and asks the router about constraint strategies on every call (~0.16 µs per request in a server profile); the
 * context's `config.url` is the same template (a test pins the equivalence).
 */
let contextKey: symbol | null | undefined

/**
 * The matched route template of a Fastify request (`/users/:id`), `undefined` for a 404 — what
 * `request.routeOptions.url` returns, without building the options object.
 *
 * @example
 * app.addHook('onRequest', (request, _reply, done) => { console.log(routeOf(request)); done() })
 */
export function routeOf(request: FastifyRequest): string | undefined {
  const context = routeContextOf(request)
  return context !== undefined ? context.config?.url : request.routeOptions.url
}

/** The part of Fastify's route context Lookout reads. */
interface RouteContextLike {
  readonly config?: { readonly url?: string }
}

/**
 * Fastify's route context of a request (one object per route definition, shared by its methods; one for all
 * 404s), or `undefined` when this Fastify version does not keep it under the key {@link routeOf} looks for.
 */
function routeContextOf(request: FastifyRequest): RouteContextLike | undefined {
  if (contextKey === undefined) {
    contextKey =
      Object.getOwnPropertySymbols(request).find((s) => s.description === 'fastify.context') ?? null
  }
  if (contextKey === null) return undefined
  return (request as unknown as Record<symbol, RouteContextLike | undefined>)[contextKey]
}

/**
 * Finds Fastify's log controller on an instance (`Symbol('fastify.logController')`, own or inherited from the
 * parent context): the object whose `incomingRequest(request, reply)` Fastify calls once per request, right after
 * it creates the request and reply and before the `onRequest` hooks. `undefined` on a Fastify version without
 * one.
 *
 * @example
 * const found = logControllerOf(app) // { key, controller } on Fastify ≥ 5.12
 */
export function logControllerOf(
  app: object,
): { readonly key: symbol; readonly controller: LogControllerLike } | undefined {
  for (let o: object | null = app; o !== null; o = Object.getPrototypeOf(o)) {
    const key = Object.getOwnPropertySymbols(o).find((s) => s.description === 'fastify.logController')
    if (key === undefined) continue
    const controller = (app as Record<symbol, unknown>)[key] as LogControllerLike | undefined
    if (controller == null || typeof controller.incomingRequest !== 'function') return undefined
    return { key, controller }
  }
  return undefined
}

/** The part of Fastify's `LogController` Lookout uses. */
export interface LogControllerLike {
  incomingRequest(request: FastifyRequest, reply: FastifyReply, metadata?: unknown): void
}

/**
 * Fastify's reply-headers key (`Symbol('fastify.reply.headers')`), found on the first reply; `null` when a Fastify
 * version does not have it, and then the public `reply.header()` / `reply.getHeader()` are used. Both lower-case
 * the name on every call (in a callgrind diff against bare Fastify, `toLowerCase` was ~600 of Lookout's ~7.6 k
 * instructions per request); Lookout's header names are lower-case already, and `getHeader` reads the same object
 * (a test pins the equivalence).
 */
let replyHeadersKey: symbol | null | undefined

/**
 * The object a Fastify reply keeps its headers in (what `reply.header()` writes, lower-case names), or
 * `undefined` when this Fastify version does not expose it that way.
 *
 * @example
 * const headers = replyHeadersOf(reply)
 * if (headers !== undefined) headers['x-request-id'] = id
 * else reply.header('x-request-id', id)
 */
export function replyHeadersOf(reply: FastifyReply): Record<string, unknown> | undefined {
  if (replyHeadersKey === undefined) {
    replyHeadersKey =
      Object.getOwnPropertySymbols(reply).find((s) => s.description === 'fastify.reply.headers') ?? null
  }
  if (replyHeadersKey === null) return undefined
  const headers = (reply as unknown as Record<symbol, unknown>)[replyHeadersKey]
  return typeof headers === 'object' && headers !== null ? (headers as Record<string, unknown>) : undefined
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
 *   request (its log controller's `incomingRequest`, see {@link logControllerOf}), or an `onRequest` hook;
 * - `onRequest`, only when the core has observers that wrap the rest of the request (async context, tracing) or
 *   the start could not happen earlier: enter their contexts;
 * - `onError`: remember the error;
 * - response `close`: finish — it fires for completed *and* aborted responses; and the connection's `close` for the
 *   pipelined responses Node never closes (see createInFlightTracker), so in-flight always returns to 0.
 *
 * Measured (callgrind, 2026-12-03, metrics area only): the two start paths cost the same within run-to-run noise
 * (hello 76.9 k / 76.5 k instructions per request, orders 110.3 k / 110.3 k); the log-controller start is the
 * default because it begins earlier (before the app's own hooks) and also sees framework errors.
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
    // One shared listener, registered with on() (not once(), and not a per-request closure): measured, a
    // once() wrapper around a closure cost ~7 µs per request on a hello-world route, a shared on() listener ~0;
    // a per-request closure instead of the connection's list, 2 % more CPU per request (co-scheduled A/B).
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

  // Start where Fastify creates the request: a view of the app's log controller whose incomingRequest starts the
  // request first. Set on this instance, so it applies where a hook added here would (this context and its
  // children, routes registered before the plugin included); another Lookout in the same context is refused by
  // decorate('lookout') above.
  const found = startIn === 'auto' ? logControllerOf(app) : undefined
  if (found !== undefined) {
    const { key, controller } = found
    const view = Object.create(controller) as LogControllerLike
    view.incomingRequest = function lookoutIncomingRequest(request, reply, metadata) {
      // `== null`: requests Fastify builds outside a route (framework errors) lack the decoration.
      if (request.lookoutRequest == null) startRequest(request, reply)
      controller.incomingRequest.call(this, request, reply, metadata)
    }
    ;(app as unknown as Record<symbol, unknown>)[key] = view
  }

  // Observers that wrap the rest of the request (async context, tracing) are installed when the instance is
  // created, so whether run() has work is known here.
  if (found === undefined || core.wraps) {
    app.addHook('onRequest', function lookoutOnRequest(request, reply, done) {
      const req = request.lookoutRequest ?? startRequest(request, reply)
      if (req === undefined) return // admission answered: skip the handler
      core.run(req, done)
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

  if (lookout.routes.length > 0) await app.register(mountOpsRoutes(lookout.routes))
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
  if (typeof body === 'string' || Buffer.isBuffer(body) || body instanceof Uint8Array) {
    if (!reply.hasHeader('content-type')) reply.header('content-type', 'text/plain; charset=utf-8')
    return reply.send(body)
  }
  reply.header('content-type', reply.getHeader('content-type') ?? 'application/json; charset=utf-8')
  return reply.send(JSON.stringify(body))
}

/**
 * The Fastify plugin. Register it once, before or after your routes; every route (404s and thrown errors
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
