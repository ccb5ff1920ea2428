import type { FastifyReply, FastifyRequest } from 'fastify'

/** The part of Fastify's route context Lookout reads. */
export interface RouteContextLike {
  readonly config?: { readonly url?: string }
}

/** The part of Fastify's `LogController` Lookout uses. */
export interface LogControllerLike {
  incomingRequest(request: FastifyRequest, reply: FastifyReply, metadata?: unknown): void
}

/** Fastify's private state Lookout reads when it is there, each with a public fallback. */
export interface FastifyInternals {
  /**
   * Fastify's route context of a request (`Symbol('fastify.context')`: one object per route definition, one for
   * all 404s), or `undefined` when this Fastify does not keep it there (then `request.routeOptions` is used).
   */
  routeContextOf(request: FastifyRequest): RouteContextLike | undefined
  /**
   * The matched route template (`/users/:id`), `undefined` for a 404 — what `request.routeOptions.url` returns,
   * without building the options object on every call.
   */
  routeOf(request: FastifyRequest): string | undefined
  /**
   * The object a reply keeps its headers in (`Symbol('fastify.reply.headers')`, lower-case names), or `undefined`
   * when this Fastify does not expose it (then `reply.header()` / `reply.getHeader()` are used).
   */
  replyHeadersOf(reply: FastifyReply): Record<string, unknown> | undefined
}

/**
 * Looks Fastify's private keys up on the first request and reply of one plugin registration; a key that is not
 * there is remembered as missing and the public API is used instead. The public getters lower-case names and
 * build objects on every call, which the private reads avoid on the request path.
 *
 * @example
 * const internals = createFastifyInternals()
 * const route = internals.routeOf(request)
 */
export function createFastifyInternals(): FastifyInternals {
  let contextKey: symbol | null | undefined
  let headersKey: symbol | null | undefined
  const routeContextOf = (request: FastifyRequest): RouteContextLike | undefined => {
    contextKey ??= symbolNamed(request, 'fastify.context')
    if (contextKey === null) return undefined
    return (request as unknown as Record<symbol, RouteContextLike | undefined>)[contextKey]
  }
  return {
    routeContextOf,
    routeOf(request) {
      const context = routeContextOf(request)
      return context !== undefined ? context.config?.url : request.routeOptions.url
    },
    replyHeadersOf(reply) {
      headersKey ??= symbolNamed(reply, 'fastify.reply.headers')
      if (headersKey === null) return undefined
      const headers = (reply as unknown as Record<symbol, unknown>)[headersKey]
      return typeof headers === 'object' && headers !== null
        ? (headers as Record<string, unknown>)
        : undefined
    },
  }
}

/**
 * Finds Fastify's log controller on an instance (`Symbol('fastify.logController')`, own or inherited from the
 * parent context): the object whose `incomingRequest(request, reply)` Fastify calls once per request, before the
 * `onRequest` hooks. `undefined` on a Fastify without one.
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

function symbolNamed(o: object, description: string): symbol | null {
  return Object.getOwnPropertySymbols(o).find((s) => s.description === description) ?? null
}
