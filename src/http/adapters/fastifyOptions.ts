import type { FastifyReply, FastifyRequest, FastifyServerOptions, LogController } from 'fastify'
import * as fastifyModule from 'fastify'
import type { Lookout } from '../../core/lookout.ts'

/** Where the Fastify plugin leaves its request starter on the instance (child contexts inherit it). */
export const REQUEST_STARTER = Symbol('lookout.requestStarter')

/** Starts Lookout's lifecycle for a request Fastify just created. */
export type RequestStarter = (request: FastifyRequest, reply: FastifyReply) => void

const BRAND = Symbol('lookout.logController')

/** Fastify's `LogController` class; `undefined` on a Fastify 5 release before it existed. */
const FastifyLogController = (fastifyModule as { LogController?: typeof LogController }).LogController

/**
 * A Fastify log controller that starts Lookout's lifecycle where Fastify creates each request — before any
 * `onRequest` hook, for routes, 404s and framework errors alike — through Fastify's public `logController`
 * option. Fastify's own per-request lines stay off (Lookout writes one request line itself).
 */
function createLogController(): LogController | undefined {
  if (typeof FastifyLogController !== 'function') return undefined
  class LookoutLogController extends FastifyLogController {
    readonly [BRAND] = true
    override incomingRequest(
      request: FastifyRequest,
      reply: FastifyReply,
      metadata?: Record<string, unknown>,
    ): void {
      // `== null`: requests Fastify builds outside a route (framework errors) lack the decoration.
      if (request.lookoutRequest == null) {
        const start = (request.server as unknown as Record<symbol, RequestStarter | undefined>)[
          REQUEST_STARTER
        ]
        start?.(request, reply)
      }
      super.incomingRequest(request, reply, metadata)
    }
  }
  return new LookoutLogController({ disableRequestLogging: true })
}

/** Whether a log controller is the one {@link fastifyOptions} built. */
export function isLookoutLogController(controller: object): boolean {
  return (controller as Record<symbol, unknown>)[BRAND] === true
}

/** The Fastify server options {@link fastifyOptions} returns. */
export type LookoutFastifyServerOptions = Pick<
  FastifyServerOptions,
  'loggerInstance' | 'logController' | 'disableRequestLogging' | 'childLoggerFactory'
>

/**
 * The Fastify server options that wire Fastify to a Lookout instance: its logger (so app and Fastify lines share
 * format, redaction and context); a log controller that starts each request where Fastify creates it (Fastify
 * ≥ 5.12; earlier releases start it in an `onRequest` hook) with Fastify's own per-request lines off (Lookout
 * writes one request line itself); and — when the request context is on, which already puts `request_id` on
 * every line — `request.log` is the instance logger itself instead of a new pino child per request.
 *
 * @example
 * import Fastify from 'fastify'
 * import { createLookout } from 'lookout'
 * import { fastifyOptions, lookout as lookoutPlugin } from 'lookout/fastify'
 * const lookout = createLookout({ service: 'api' })
 * const app = Fastify({ ...fastifyOptions(lookout), bodyLimit: 1_048_576 })
 * await app.register(lookoutPlugin, { lookout })
 */
export function fastifyOptions(lookout: Lookout): LookoutFastifyServerOptions {
  const logController = createLogController()
  const options: LookoutFastifyServerOptions = {
    loggerInstance: lookout.logger,
    // The top-level option is deprecated where the log controller exists, which turns the same lines off.
    ...(logController === undefined ? { disableRequestLogging: true } : { logController }),
  }
  if (lookout.config.logging.context) {
    return { ...options, childLoggerFactory: (logger) => logger }
  }
  return options
}
