/** The metrics peer: fastify-metrics (prom-client) as its README registers it. */
import Fastify from 'fastify'
import fastifyMetrics from 'fastify-metrics'
import { announce } from './common.mjs'

const app = Fastify()
await app.register(fastifyMetrics, { endpoint: '/metrics' })
app.get('/users/:id', async (req) => ({ id: req.params.id }))
await app.listen({ port: 0, host: '127.0.0.1' })
announce(app.server)
