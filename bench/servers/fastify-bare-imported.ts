/**
 * Bare Fastify in a process that has imported Lookout (`lookout` and `lookout/fastify`) without creating or
 * registering it: no Lookout code runs per request. Against fastify-bare it isolates what the loaded module graph
 * (a larger heap and code space) costs the request path, from what Lookout's per-request work costs.
 */
import 'lookout'
import 'lookout/fastify'
import Fastify from 'fastify'
import { announce, openBenchDb, realisticWork } from './common.ts'

const app = Fastify({ logger: false })
const db = openBenchDb()
app.get('/hello', async () => ({ hello: 'world' }))
app.post('/orders', async (req) => realisticWork(db, req.body))
await app.listen({ port: 0, host: '127.0.0.1' })
announce((app.server.address() as { port: number }).port)
