export type { FastifyLookoutOptions, LogControllerLike } from '../http/adapters/fastify.ts'
export { logControllerOf, lookout, replyHeadersOf, routeOf } from '../http/adapters/fastify.ts'
export { fastifyOptions } from '../http/adapters/fastifyOptions.ts'
