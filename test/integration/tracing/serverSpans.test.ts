import assert from 'node:assert/strict'
import { once } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, test } from 'node:test'
import Fastify from 'fastify'
import { createLookout, type LookoutOptions } from 'lookout'
import { lookout as lookoutPlugin } from 'lookout/fastify'
import pino from 'pino'
import { type ReceivedSpan, startOtlpGrpcReceiver, startOtlpReceiver } from '../../support/otlpReceiver.ts'

const silent = pino({ level: 'silent' })
const SERVER = 2
const CLIENT = 3
const INTERNAL = 1
const ERROR = 2

/** A plain downstream server that records the headers of every request it gets. */
async function startDownstream() {
  const seen: http.IncomingHttpHeaders[] = []
  const server = http.createServer((req, res) => {
    seen.push(req.headers)
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { url, seen, close: () => new Promise<void>((r) => server.close(() => r())) }
}

async function appWith(options: LookoutOptions, downstreamUrl: string) {
  const instance = createLookout({ service: 'orders', ...options }, { env: {}, logger: silent })
  const app = Fastify()
  await app.register(lookoutPlugin, { lookout: instance })
  app.get('/orders/:id', async () => {
    const inner = await instance.tracing.withSpan(
      'load_order',
      async () => {
        instance.tracing.addSpanAttributes({ 'order.owner': 'alice@example.com', password: 'hunter2' })
        return 'ok'
      },
      { 'order.kind': 'retail' },
    )
    const viaFetch = await (await fetch(`${downstreamUrl}/stock?sku=1`)).json()
    const viaHttp = await new Promise<number>((resolve, reject) => {
      http
        .get(`${downstreamUrl}/price`, (res) => {
          res.resume()
          res.on('end', () => resolve(res.statusCode ?? 0))
        })
        .on('error', reject)
    })
    return { inner, viaFetch, viaHttp }
  })
  app.get('/boom', async () => {
    throw new Error('cannot charge card of bob@example.com')
  })
  app.get('/missing', async (_req, reply) => reply.code(404).send({ error: 'nope' }))
  await app.listen({ port: 0, host: '127.0.0.1' })
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  return { app, instance, base }
}

const fast = { scheduledDelayMs: 20, exportTimeoutMs: 3000 }

describe('server spans from the lifecycle core, exported over OTLP', () => {
  test('an inbound request, its handler work and its outbound fetch and http calls form one trace', async (t) => {
    const receiver = await startOtlpReceiver()
    const downstream = await startDownstream()
    const { app, instance, base } = await appWith(
      { tracing: { endpoint: receiver.url, batch: fast } },
      downstream.url,
    )
    t.after(async () => {
      await app.close()
      await instance.shutdown()
      await downstream.close()
      await receiver.close()
    })

    const res = await fetch(`${base}/orders/42?token=s3cret&q=alice@example.com`, {
      headers: { 'user-agent': 'lookout-test/1.0', 'x-request-id': 'req-abc-123' },
    })
    assert.equal(res.status, 200)
    const traceId = res.headers.get('x-trace-id')
    assert.match(traceId ?? '', /^[0-9a-f]{32}$/)

    const spans = await receiver.waitForSpans((s) => s.filter((x) => x.traceId === traceId).length >= 4)
    const mine = spans.filter((s) => s.traceId === traceId)
    const server = mine.find((s) => s.kind === SERVER)
    assert.ok(server, 'a server span')
    assert.equal(server.name, 'GET /orders/:id')
    assert.equal(server.parentSpanId, '')
    assert.equal(server.scope, 'lookout')
    assert.equal(server.via, 'http/protobuf')
    assert.deepEqual(
      {
        method: server.attributes['http.request.method'],
        route: server.attributes['http.route'],
        path: server.attributes['url.path'],
        scheme: server.attributes['url.scheme'],
        status: server.attributes['http.response.status_code'],
        address: server.attributes['server.address'],
        client: server.attributes['client.address'],
        proto: server.attributes['network.protocol.version'],
        ua: server.attributes['user_agent.original'],
        requestId: server.attributes['lookout.request_id'],
      },
      {
        method: 'GET',
        route: '/orders/:id',
        path: '/orders/42',
        scheme: 'http',
        status: 200,
        address: '127.0.0.1',
        client: '127.0.0.1',
        proto: '1.1',
        ua: 'lookout-test/1.0',
        requestId: 'req-abc-123',
      },
    )
    const query = String(server.attributes['url.query'])
    assert.ok(!query.includes('s3cret'), `token redacted: ${query}`)
    assert.ok(!query.includes('alice@example.com'), `email redacted: ${query}`)
    assert.equal(server.status.code, 0, '2xx leaves the status unset')
    assert.equal(server.resource['service.name'], 'orders')

    const work = mine.find((s) => s.name === 'load_order')
    assert.ok(work)
    assert.equal(work.kind, INTERNAL)
    assert.equal(work.parentSpanId, server.spanId)
    assert.equal(work.attributes['order.kind'], 'retail')
    assert.notEqual(work.attributes['order.owner'], 'alice@example.com')
    assert.notEqual(work.attributes.password, 'hunter2')

    const clients = mine.filter((s) => s.kind === CLIENT)
    assert.equal(clients.length, 2, `fetch and http.get client spans: ${mine.map((s) => s.name).join(', ')}`)
    for (const c of clients) assert.equal(c.parentSpanId, server.spanId)

    // Downstream got traceparent (child of the client spans) and the request id.
    assert.equal(downstream.seen.length, 2)
    for (const headers of downstream.seen) {
      const tp = String(headers.traceparent)
      assert.match(tp, new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`))
      const parent = tp.split('-')[2]
      assert.ok(
        clients.some((c) => c.spanId === parent),
        'the downstream parent is a client span',
      )
      assert.equal(headers['x-request-id'], 'req-abc-123')
    }
  })

  test('an incoming traceparent is honoured: same trace id, remote parent', async (t) => {
    const receiver = await startOtlpReceiver()
    const downstream = await startDownstream()
    const { app, instance, base } = await appWith(
      { tracing: { endpoint: receiver.url, batch: fast } },
      downstream.url,
    )
    t.after(async () => {
      await app.close()
      await instance.shutdown()
      await downstream.close()
      await receiver.close()
    })
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736'
    const res = await fetch(`${base}/missing`, {
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01`, tracestate: 'vendor=abc' },
    })
    assert.equal(res.status, 404)
    assert.equal(res.headers.get('x-trace-id'), traceId)
    const [span] = await receiver.waitForSpans((s) => s.some((x) => x.traceId === traceId))
    assert.ok(span)
    assert.equal(span.parentSpanId, '00f067aa0ba902b7')
    assert.equal(span.name, 'GET /missing')
    assert.equal(span.status.code, 0, '4xx leaves a server span unset')
    assert.equal(span.attributes['http.response.status_code'], 404)
  })

  test('a handler that throws yields an error span with a redacted exception event', async (t) => {
    const receiver = await startOtlpReceiver()
    const downstream = await startDownstream()
    const { app, instance, base } = await appWith(
      { tracing: { endpoint: receiver.url, protocol: 'http/json', batch: fast } },
      downstream.url,
    )
    t.after(async () => {
      await app.close()
      await instance.shutdown()
      await downstream.close()
      await receiver.close()
    })
    const res = await fetch(`${base}/boom`)
    assert.equal(res.status, 500)
    const traceId = res.headers.get('x-trace-id')
    const spans = await receiver.waitForSpans((s) => s.some((x) => x.traceId === traceId))
    const span = spans.find((x) => x.traceId === traceId) as ReceivedSpan
    assert.equal(span.via, 'http/json')
    assert.equal(span.name, 'GET /boom')
    assert.equal(span.status.code, ERROR)
    assert.equal(span.attributes['error.type'], 'Error')
    const exception = span.events.find((e) => e.name === 'exception')
    assert.ok(exception, 'exception event')
    const message = String(exception.attributes['exception.message'])
    assert.ok(message.includes('cannot charge card of'), message)
    assert.ok(!message.includes('bob@example.com'), `email redacted: ${message}`)
    assert.ok(!String(exception.attributes['exception.stacktrace']).includes('bob@example.com'))
  })

  test('unmatched routes are named by method only, and excluded routes are not traced', async (t) => {
    const receiver = await startOtlpReceiver()
    const downstream = await startDownstream()
    const { app, instance, base } = await appWith(
      { tracing: { endpoint: receiver.url, batch: fast, excludeRoutes: ['/missing'] } },
      downstream.url,
    )
    t.after(async () => {
      await app.close()
      await instance.shutdown()
      await downstream.close()
      await receiver.close()
    })
    const metrics = await fetch(`${base}/metrics`)
    assert.equal(metrics.headers.get('x-trace-id'), null, 'metrics path is not traced')
    const excluded = await fetch(`${base}/missing`)
    assert.equal(excluded.headers.get('x-trace-id'), null, 'configured exclusion')
    const res = await fetch(`${base}/no/such/path`, { method: 'DELETE' })
    assert.equal(res.status, 404)
    const traceId = res.headers.get('x-trace-id')
    const spans = await receiver.waitForSpans((s) => s.some((x) => x.traceId === traceId))
    const span = spans.find((x) => x.traceId === traceId) as ReceivedSpan
    assert.equal(span.name, 'DELETE')
    assert.equal(span.attributes['http.route'], undefined)
    await instance.tracing.flush()
    assert.equal(receiver.spans.length, 1, receiver.spans.map((s) => s.name).join(', '))
  })

  test('spans reach an OTLP/gRPC collector when the protocol is grpc', async (t) => {
    const receiver = await startOtlpGrpcReceiver()
    const downstream = await startDownstream()
    const { app, instance, base } = await appWith(
      { tracing: { endpoint: receiver.url, protocol: 'grpc', batch: fast } },
      downstream.url,
    )
    t.after(async () => {
      await app.close()
      await instance.shutdown()
      await downstream.close()
      await receiver.close()
    })
    const res = await fetch(`${base}/missing`)
    const traceId = res.headers.get('x-trace-id')
    const spans = await receiver.waitForSpans((s) => s.some((x) => x.traceId === traceId))
    const span = spans.find((x) => x.traceId === traceId) as ReceivedSpan
    assert.equal(span.name, 'GET /missing')
    assert.equal(span.via, 'grpc')
  })
})
