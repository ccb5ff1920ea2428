/** Fastify with its own request logging, as its documentation enables it: pino to stdout (its default, asynchronous destination), two lines per request. */
import Fastify from 'fastify'
import { announce } from './common.mjs'

const app = Fastify({ logger: true })
app.get('/users/:id', async (req) => ({ id: req.params.id }))
await app.listen({ port: 0, host: '127.0.0.1' })
announce(app.server)
