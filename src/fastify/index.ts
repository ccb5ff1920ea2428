export type { FastifyLookoutOptions } from '../http/adapters/fastify.ts'
export { lookout, routeOf } from '../http/adapters/fastify.ts'
export { fastifyOptions } from '../http/adapters/fastifyOptions.ts'
