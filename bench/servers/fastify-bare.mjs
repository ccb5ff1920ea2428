/** Fastify, no observability. */
import Fastify from 'fastify'
import { announce } from './common.mjs'

const app = Fastify()
app.get('/users/:id', async (req) => ({ id: req.params.id }))
await app.listen({ port: 0, host: '127.0.0.1' })
announce(app.server)
