export type { FastifyLookoutOptions } from '../http/adapters/fastify.ts'
export { lookout } from '../http/adapters/fastify.ts'
export type { LookoutFastifyServerOptions } from '../http/adapters/fastifyOptions.ts'
export { fastifyOptions } from '../http/adapters/fastifyOptions.ts'
