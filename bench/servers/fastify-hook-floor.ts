/**
 * The floor of hook-based instrumentation on Fastify: what Lookout's adapter does per request with nothing
 * recorded — an `onRequest` hook, a decorated request field, one response header, a shared response `close`
 * listener that reads `content-length` from the reply — and no metrics, ids or Lookout code. Any plugin that
 * measures every request through Fastify's hooks pays at least this; the gap between it and Lookout is Lookout's own
 * work.
 */
import type { ServerResponse } from 'node:http'
import Fastify, { type FastifyReply } from 'fastify'
import { announce, openBenchDb, realisticWork } from './common.ts'

const kReply = Symbol('reply')
type ReplyResponse = ServerResponse & { [kReply]?: FastifyReply }
let finished = 0
let bytes = 0

function onResponseClose(this: ReplyResponse): void {
  const length = this[kReply]?.getHeader('content-length')
  finished++
  bytes += length === undefined ? 0 : Number(length)
}

const app = Fastify({ logger: false })
app.decorateRequest('floorState', null)
app.addHook('onRequest', function floorOnRequest(request, reply, done) {
  ;(request as unknown as { floorState: number }).floorState = finished
  reply.header('x-request-id', '4bf92f3577b34da6a3ce929d0e0e4736')
  const res = reply.raw as ReplyResponse
  res[kReply] = reply
  res.on('close', onResponseClose)
  done()
})
const db = openBenchDb()
app.get('/hello', async () => ({ hello: 'world' }))
app.post('/orders', async (req) => realisticWork(db, req.body))
app.get('/floor', async () => ({ finished, bytes }))
await app.listen({ port: 0, host: '127.0.0.1' })
announce((app.server.address() as { port: number }).port)
