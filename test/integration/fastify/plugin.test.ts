import assert from 'node:assert/strict'
import { once } from 'node:events'
import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import { describe, test } from 'node:test'
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify'
import { createLookout, type LookoutOptions } from 'lookout'
import { lookout } from 'lookout/fastify'
import pino from 'pino'
import { createFastifyInternals, logControllerOf } from '../../../src/http/adapters/fastifyInternals.ts'
import { waitFor } from '../../support/binaries.ts'

const silent = pino({ level: 'silent' })

async function appWith(options: LookoutOptions = {}, env: Record<string, string> = {}, logger = silent) {
  const instance = createLookout(options, { env, logger })
  const app = Fastify()
  app.get('/early/:id', async () => ({ early: true }))
  await app.register(lookout, { lookout: instance })
  app.get('/users/:id', async (req) => ({ id: (req.params as { id: string }).id }))
  app.get('/sync-throw', () => {
    throw new Error('sync failure')
  })
  app.get('/async-throw', async () => {
    throw new Error('async failure')
  })
  app.post('/echo', async (req) => req.body)
  return { app, instance }
}

async function scrape(app: Awaited<ReturnType<typeof appWith>>['app'], headers: Record<string, string> = {}) {
  const res = await app.inject({ url: '/metrics', headers })
  assert.equal(res.statusCode, 200, res.body)
  return res.body
}

describe('the Fastify plugin', () => {
  test('every route is measured with its template, including routes registered before the plugin', async () => {
    const { app } = await appWith()
    await app.inject('/users/1')
    await app.inject('/users/2')
    await app.inject('/early/9')
    const text = await scrape(app)
    assert.match(text, /http_requests_total\{method="GET",route="\/users\/:id",status="200"\} 2/)
    assert.match(text, /http_requests_total\{method="GET",route="\/early\/:id",status="200"\} 1/)
    assert.match(
      text,
      /http_request_duration_seconds_count\{method="GET",route="\/users\/:id",status="200"\} 2/,
    )
    assert.match(text, /http_requests_in_flight\{method="GET",route="\/users\/:id"\} 0/)
    await app.close()
  })

  test('a route with several methods, its HEAD route and an excluded user route each count under their own method and route', async () => {
    const { app, instance } = await appWith()
    app.route({ method: ['PUT', 'PATCH'], url: '/items/:id', handler: async () => ({}) })
    app.get('/health/custom', async () => 'ok')
    for (const [method, url] of [
      ['PUT', '/items/1'],
      ['PATCH', '/items/2'],
      ['PUT', '/items/3'],
      ['PATCH', '/items/4'],
      ['PATCH', '/items/5'],
      ['HEAD', '/users/1'],
      ['GET', '/users/1'],
      ['GET', '/health/custom'],
    ] as const) {
      assert.equal((await app.inject({ method, url })).statusCode, 200, `${method} ${url}`)
    }
    const text = await scrape(app)
    assert.match(text, /http_requests_total\{method="PUT",route="\/items\/:id",status="200"\} 2\n/)
    assert.match(text, /http_requests_total\{method="PATCH",route="\/items\/:id",status="200"\} 3\n/)
    assert.match(text, /http_requests_total\{method="HEAD",route="\/users\/:id",status="200"\} 1\n/)
    assert.match(text, /http_requests_total\{method="GET",route="\/users\/:id",status="200"\} 1\n/)
    assert.match(text, /http_requests_in_flight\{method="PATCH",route="\/items\/:id"\} 0\n/)
    assert.doesNotMatch(text, /route="\/health\/custom"/, 'a /health* route is excluded by default')
    assert.equal(instance.core.inFlight, 0)
    await app.close()
  })

  test('with a tenant label, requests of one route count under their own configured tenants', async () => {
    const { app } = await appWith({ metrics: { tenantLabel: true }, http: { tenants: ['acme', 'globex'] } })
    for (const tenant of ['acme', 'globex', 'acme']) {
      await app.inject({ url: '/users/1', headers: { 'x-tenant-id': tenant } })
    }
    await app.inject('/users/1')
    const text = await scrape(app)
    assert.match(
      text,
      /http_requests_total\{method="GET",route="\/users\/:id",status="200",tenant="acme"\} 2\n/,
    )
    assert.match(
      text,
      /http_requests_total\{method="GET",route="\/users\/:id",status="200",tenant="globex"\} 1\n/,
    )
    assert.match(
      text,
      /http_requests_total\{method="GET",route="\/users\/:id",status="200",tenant="none"\} 1\n/,
    )
    await app.close()
  })

  test('the route template read from the route context equals routeOptions.url (matched, HEAD and 404)', async () => {
    const app = Fastify()
    const { routeOf } = createFastifyInternals()
    const seen: [string | undefined, string | undefined][] = []
    app.addHook('onRequest', (request, _reply, done) => {
      seen.push([routeOf(request), request.routeOptions.url])
      done()
    })
    app.get('/users/:id', async () => ({}))
    app.route({ method: ['PUT', 'PATCH'], url: '/items/:id', handler: async () => ({}) })
    await app.inject('/users/1')
    await app.inject({ method: 'HEAD', url: '/users/1' })
    await app.inject({ method: 'PATCH', url: '/items/3' })
    await app.inject('/nowhere')
    assert.deepEqual(seen, [
      ['/users/:id', '/users/:id'],
      ['/users/:id', '/users/:id'],
      ['/items/:id', '/items/:id'],
      [undefined, undefined],
    ])
    await app.close()
  })

  test('the reply header store is what reply.header() writes, reply.getHeader() reads and the response carries', async () => {
    const app = Fastify()
    const { replyHeadersOf } = createFastifyInternals()
    const seen: unknown[] = []
    app.get('/h', async (_request, reply) => {
      const stored = replyHeadersOf(reply)
      assert.ok(stored)
      stored['x-direct'] = 'a'
      reply.header('X-Public', 'b')
      seen.push(reply.getHeader('x-direct'), stored['x-public'], reply.hasHeader('x-direct'))
      return 'ok'
    })
    app.addHook('onSend', async (_request, reply) => {
      seen.push(replyHeadersOf(reply)?.['content-length'], reply.getHeader('content-length'))
    })
    let stored: unknown
    app.get('/len', async (_request, reply) => {
      reply.raw.on('finish', () => {
        stored = replyHeadersOf(reply)?.['content-length']
      })
      return 'four'
    })
    const res = await app.inject('/h')
    assert.equal(res.headers['x-direct'], 'a')
    assert.equal(res.headers['x-public'], 'b')
    assert.deepEqual(seen, ['a', 'b', true, undefined, undefined])
    await app.inject('/len')
    assert.equal(stored, '4', 'Fastify stores the content-length it computes in the same object')
    await app.close()
  })

  test('errors thrown by handlers (sync and async) are measured as 500', async () => {
    const { app } = await appWith()
    assert.equal((await app.inject('/sync-throw')).statusCode, 500)
    assert.equal((await app.inject('/async-throw')).statusCode, 500)
    const text = await scrape(app)
    assert.match(text, /route="\/sync-throw",status="500"\} 1/)
    assert.match(text, /route="\/async-throw",status="500"\} 1/)
    await app.close()
  })

  test('10 000 distinct random paths create one unmatched series, not 10 000', async () => {
    const { app } = await appWith()
    for (let i = 0; i < 10_000; i++) await app.inject(`/scan/${Math.random().toString(36).slice(2)}/${i}`)
    const text = await scrape(app)
    const lines = text.split('\n').filter((l) => l.startsWith('http_requests_total{'))
    assert.deepEqual(lines, ['http_requests_total{method="GET",route="__unmatched__",status="404"} 10000'])
    assert.ok(!text.includes('/scan/'))
    await app.close()
  })

  test('unknown methods are labelled _OTHER', async () => {
    const { app } = await appWith()
    await app.inject({ method: 'PROPFIND' as 'GET', url: '/users/1' })
    assert.match(
      await scrape(app),
      /http_requests_total\{method="_OTHER",route="__unmatched__",status="404"\} 1/,
    )
    await app.close()
  })

  test('a valid X-Request-Id is echoed; a malformed one is replaced', async () => {
    const { app } = await appWith()
    assert.equal(
      (await app.inject({ url: '/users/1', headers: { 'x-request-id': 'req-42' } })).headers['x-request-id'],
      'req-42',
    )
    const replaced = (await app.inject({ url: '/users/1', headers: { 'x-request-id': '<bad id>' } })).headers[
      'x-request-id'
    ]
    assert.match(String(replaced), /^[0-9a-f]{32}$/)
    await app.close()
  })

  test('request and response sizes are observed from content-length', async () => {
    const { app } = await appWith()
    const body = JSON.stringify({ hello: 'x'.repeat(300) })
    await app.inject({
      method: 'POST',
      url: '/echo',
      payload: body,
      headers: { 'content-type': 'application/json' },
    })
    const text = await scrape(app)
    assert.match(
      text,
      new RegExp(`http_request_size_bytes_sum\\{method="POST",route="/echo",status="200"\\} ${body.length}`),
    )
    assert.match(
      text,
      new RegExp(`http_response_size_bytes_sum\\{method="POST",route="/echo",status="200"\\} ${body.length}`),
    )
    await app.close()
  })

  test('the metrics and health paths are not themselves measured by default', async () => {
    const { app } = await appWith()
    await scrape(app)
    const text = await scrape(app)
    assert.ok(!text.includes('route="/metrics"'))
    await app.close()
  })

  test('otel conventions switch every HTTP name and label', async () => {
    const { app } = await appWith({ metrics: { conventions: 'otel' } })
    await app.inject('/users/1')
    const text = await scrape(app)
    assert.match(
      text,
      /http_server_request_duration_seconds_count\{http_request_method="GET",http_route="\/users\/:id",http_response_status_code="200"\} 1/,
    )
    assert.match(text, /http_server_request_duration_seconds_bucket\{[^}]*le="0.075"\}/)
    assert.match(text, /http_server_active_requests\{/)
    assert.ok(!text.includes('http_requests_total'))
    await app.close()
  })

  test('the tenant label admits vouched tenants up to the slot count and folds the rest into other', async () => {
    const { app } = await appWith({
      metrics: { tenantLabel: true, cardinality: { maxTenants: 1 } },
      http: {
        tenantOf: (request) => (request as FastifyRequest).headers['x-tenant-id'] as string | undefined,
      },
    })
    await app.inject({ url: '/users/1', headers: { 'x-tenant-id': 'acme' } })
    await app.inject({ url: '/users/1', headers: { 'x-tenant-id': 'globex' } })
    await app.inject({ url: '/users/1' })
    const text = await scrape(app)
    assert.match(text, /route="\/users\/:id",status="200",tenant="acme"\} 1/)
    assert.match(text, /route="\/users\/:id",status="200",tenant="other"\} 1/)
    assert.match(text, /route="\/users\/:id",status="200",tenant="none"\} 1/)
    await app.close()
  })

  test('process and host metrics are exposed', async () => {
    const { app } = await appWith()
    const text = await scrape(app)
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_eventloop_utilization_ratio',
      'lookout_host_memory_utilization_ratio',
      'lookout_host_disk_utilization_ratio',
    ]) {
      assert.ok(text.includes(name), name)
    }
    await app.close()
  })

  test('requests start before the app’s own onRequest hooks, which see the request id and count in the duration', async () => {
    for (const startIn of ['auto', 'onRequest'] as const) {
      const instance = createLookout({}, { env: {}, logger: silent })
      const app = Fastify()
      const seenIds: unknown[] = []
      // Registered before the plugin: with startIn 'auto' Lookout has already started the request.
      app.addHook('onRequest', async (request, reply) => {
        if (request.url === '/metrics') return
        seenIds.push(reply.getHeader('x-request-id'))
        await new Promise((r) => setTimeout(r, 60))
      })
      await app.register(lookout, { lookout: instance, startIn })
      app.get('/users/:id', async () => ({}))
      const res = await app.inject({ url: '/users/1', headers: { 'x-request-id': 'req-7' } })
      assert.equal(res.headers['x-request-id'], 'req-7')
      const text = await scrape(app)
      const le = (bound: string) =>
        Number(
          new RegExp(
            `http_request_duration_seconds_bucket\\{method="GET",route="/users/:id",status="200",le="${bound}"\\} (\\d+)`,
          ).exec(text)?.[1],
        )
      if (startIn === 'auto') {
        assert.deepEqual(seenIds, ['req-7'], 'the earlier hook sees the echoed id')
        assert.equal(le('0.05'), 0, 'the earlier hook’s 60 ms are inside the measured duration')
      } else {
        assert.deepEqual(seenIds, [undefined], 'a hook-started request begins after the earlier hook')
        assert.equal(le('0.05'), 1, 'and the earlier hook’s 60 ms are not measured')
      }
      assert.match(
        text,
        /http_request_duration_seconds_count\{method="GET",route="\/users\/:id",status="200"\} 1/,
      )
      await app.close()
    }
  })

  test('framework errors answered before any hook (a malformed URL) are measured when Fastify has a log controller', async () => {
    const instance = createLookout({}, { env: {}, logger: silent })
    const app = Fastify({
      frameworkErrors: (error, _request, reply) => {
        ;(reply as unknown as FastifyReply).code(400).send({ error: error.code })
      },
    })
    await app.register(lookout, { lookout: instance })
    app.get('/users/:id', async () => ({}))
    const res = await app.inject('/users/%E0%A4%A')
    assert.equal(res.statusCode, 400)
    assert.match(res.headers['x-request-id'] as string, /^[0-9a-f]{32}$/)
    assert.match(
      await scrape(app),
      /http_requests_total\{method="GET",route="__unmatched__",status="400"\} 1/,
    )
    await app.close()
  })

  test('the log controller is found on an app and its child contexts, and nothing is found on other objects', async () => {
    const app = Fastify()
    const found = logControllerOf(app)
    assert.ok(found)
    assert.equal(typeof found.controller.incomingRequest, 'function')
    await app.register(async (child) => {
      assert.equal(logControllerOf(child)?.controller, found.controller)
    })
    await app.ready()
    assert.equal(logControllerOf({}), undefined)
    assert.equal(logControllerOf({ [Symbol('fastify.logController')]: {} }), undefined)
    await app.close()
  })

  test('an unknown startIn is a coded error', async () => {
    const app = Fastify()
    const instance = createLookout({}, { env: {}, logger: silent })
    await assert.rejects(
      async () => {
        await app.register(lookout, { lookout: instance, startIn: 'preHandler' as 'auto' })
        await app.ready()
      },
      { code: 'LOOKOUT_ERR_ADAPTER' },
    )
  })

  test('registering with both an instance and options is a coded error', async () => {
    const app = Fastify()
    const instance = createLookout({}, { env: {}, logger: silent })
    await assert.rejects(
      async () => {
        await app.register(lookout, { lookout: instance, service: 'x' })
        await app.ready()
      },
      { code: 'LOOKOUT_ERR_ADAPTER' },
    )
  })
})

describe('/metrics protection', () => {
  const token = 'scrape-token-0123456789'
  test('a missing or wrong bearer token gets 401 and the token is never echoed', async () => {
    const lines: string[] = []
    const capture = pino({ level: 'trace' }, { write: (line: string) => lines.push(line) })
    const { app } = await appWith({ metrics: { token } }, {}, capture)
    const none = await app.inject('/metrics')
    assert.equal(none.statusCode, 401)
    const wrong = await app.inject({
      url: '/metrics',
      headers: { authorization: 'Bearer wrong-token-xxxxxxxx' },
    })
    assert.equal(wrong.statusCode, 401)
    assert.ok(!wrong.body.includes('wrong-token'))
    assert.ok(!lines.join('').includes(token))
    const ok = await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${token}` } })
    assert.equal(ok.statusCode, 200)
    assert.match(ok.body, /lookout_metrics_scrape_denied_total\{reason="token"\} 2/)
    await app.close()
    assert.ok(!lines.join('').includes('wrong-token'))
  })

  test('an address outside the allow-list gets 403', async () => {
    const { app } = await appWith({ metrics: { allow: ['10.0.0.0/8'] } })
    const refused = await app.inject({ url: '/metrics', remoteAddress: '192.0.2.1' })
    assert.equal(refused.statusCode, 403)
    const allowed = await app.inject({ url: '/metrics', remoteAddress: '10.1.2.3' })
    assert.equal(allowed.statusCode, 200)
    await app.close()
  })

  test('disabled metrics mount no endpoint', async () => {
    const { app } = await appWith({ metrics: { enabled: false } })
    assert.equal((await app.inject('/metrics')).statusCode, 404)
    await app.close()
  })

  test('a separate metrics port serves metrics there and not on the app port', async () => {
    const { app, instance } = await appWith({ metrics: { port: 0, token } })
    await app.listen({ port: 0, host: '127.0.0.1' })
    const appPort = (app.server.address() as { port: number }).port
    assert.equal((await fetch(`http://127.0.0.1:${appPort}/metrics`)).status, 404)
    await fetch(`http://127.0.0.1:${appPort}/users/5`)
    const port = instance.metricsPort!
    assert.equal((await fetch(`http://127.0.0.1:${port}/metrics`)).status, 401)
    const res = await fetch(`http://127.0.0.1:${port}/metrics`, {
      headers: { authorization: `Bearer ${token}` },
    })
    assert.equal(res.status, 200)
    assert.match(await res.text(), /route="\/users\/:id",status="200"\} 1/)
    assert.equal((await fetch(`http://127.0.0.1:${port}/other`)).status, 404)
    await app.close()
  })
})

describe('hostile input on a real socket', () => {
  test('a huge header is refused by the server and the host keeps serving', async () => {
    const { app } = await appWith()
    await app.listen({ port: 0, host: '127.0.0.1' })
    const port = (app.server.address() as { port: number }).port
    const req = httpRequest({
      port,
      host: '127.0.0.1',
      path: '/users/1',
      headers: { 'x-big': 'a'.repeat(64 * 1024) },
    })
    req.end()
    const [res] = (await once(req, 'response')) as [import('node:http').IncomingMessage]
    assert.equal(res.statusCode, 431)
    res.resume()
    assert.equal((await fetch(`http://127.0.0.1:${port}/users/2`)).status, 200)
    await app.close()
  })

  test('pipelined requests on one kept-alive connection are each measured once, answered in order, and in-flight returns to 0', async () => {
    const instance = createLookout({}, { env: {}, logger: silent })
    const app = Fastify()
    await app.register(lookout, { lookout: instance })
    // The first request answers last: the later ones finish their handlers while it is still in flight.
    app.get('/wait/:ms', async (req) => {
      const ms = Number((req.params as { ms: string }).ms)
      await new Promise((r) => setTimeout(r, ms))
      return { ms }
    })
    await app.listen({ port: 0, host: '127.0.0.1' })
    const port = (app.server.address() as { port: number }).port
    const socket = connect(port, '127.0.0.1')
    await once(socket, 'connect')
    const get = (ms: number) => `GET /wait/${ms} HTTP/1.1\r\nHost: x\r\n\r\n`
    let text = ''
    socket.setEncoding('utf8')
    socket.on('data', (d: string) => {
      text += d
    })
    socket.write(get(60) + get(0) + get(20))
    const deadline = Date.now() + 5000
    while ((text.match(/HTTP\/1\.1 200/g) ?? []).length < 3 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10))
    }
    assert.deepEqual(
      [...text.matchAll(/\{"ms":(\d+)\}/g)].map((m) => Number(m[1])),
      [60, 0, 20],
    )
    // Then 50 sequential requests on the same connection.
    for (let i = 0; i < 50; i++) {
      const before = text.length
      socket.write(get(0))
      while (!text.slice(before).includes('{"ms":0}')) await new Promise((r) => setTimeout(r, 1))
    }
    await instance.core.idle()
    const exposed = await instance.registry.expose()
    assert.match(exposed, /http_requests_total\{method="GET",route="\/wait\/:ms",status="200"\} 53/)
    assert.match(exposed, /http_requests_in_flight\{method="GET",route="\/wait\/:ms"\} 0/)
    socket.destroy()
    await app.close()
  })

  test('a client that disconnects mid-request is counted as 499 and in-flight returns to 0', async () => {
    const instance = createLookout({}, { env: {}, logger: silent })
    const app = Fastify()
    await app.register(lookout, { lookout: instance })
    let release!: () => void
    const released = new Promise<void>((r) => {
      release = r
    })
    let entered!: () => void
    const inHandler = new Promise<void>((r) => {
      entered = r
    })
    app.get('/slow', async () => {
      entered()
      await released
      return { done: true }
    })
    await app.listen({ port: 0, host: '127.0.0.1' })
    const port = (app.server.address() as { port: number }).port
    const req = httpRequest({ port, host: '127.0.0.1', path: '/slow' })
    req.on('error', () => {})
    req.end()
    await inHandler
    req.destroy()
    // The server sees the disconnect when the response closes; release the handler only after that.
    await waitFor('the disconnect to be counted', async () =>
      /http_requests_total\{method="GET",route="\/slow",status="499"\} 1/.test(
        await instance.registry.expose(),
      ),
    )
    release()
    await instance.core.idle()
    const text = await instance.registry.expose()
    assert.match(text, /http_requests_total\{method="GET",route="\/slow",status="499"\} 1/)
    assert.match(text, /http_requests_in_flight\{method="GET",route="\/slow"\} 0/)
    await app.close()
  })
})
