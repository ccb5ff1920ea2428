/** Fastify + Lookout registered as the README shows; a row's extra options come from the runner. */
import Fastify from 'fastify'
import { lookout } from 'lookout/fastify'
import { announce, rowOptions } from './common.mjs'

const app = Fastify()
await app.register(lookout, {
  service: 'bench',
  metrics: { token: process.env.METRICS_TOKEN },
  ...rowOptions(),
})
app.get('/users/:id', async (req) => ({ id: req.params.id }))
await app.listen({ port: 0, host: '127.0.0.1' })
announce(app.server)
