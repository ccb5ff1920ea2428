import Fastify from 'fastify'
import { announce, openBenchDb, realisticWork } from './common.ts'

const app = Fastify({ logger: false })
const db = openBenchDb()
app.get('/hello', async () => ({ hello: 'world' }))
app.post('/orders', async (req) => realisticWork(db, req.body))
await app.listen({ port: 0, host: '127.0.0.1' })
announce((app.server.address() as { port: number }).port)
