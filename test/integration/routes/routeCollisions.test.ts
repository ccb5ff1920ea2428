import assert from 'node:assert/strict'
import type { IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { test } from 'node:test'
import express from 'express'
import Fastify from 'fastify'
import pino from 'pino'
import { createLookout } from '../../../src/core/createLookout.ts'
import { LookoutError } from '../../../src/errors.ts'
import { lookout as expressLookout } from '../../../src/express/index.ts'
import { lookout as fastifyLookout } from '../../../src/fastify/index.ts'
import { withLookout } from '../../../src/node/index.ts'

const quiet = {
  service: 'routes-test',
  logging: { level: 'silent' },
  health: { defaultChecks: false, shutdown: { handleSignals: false, drainDelayMs: 0 } },
} as const

function assertCollision(err: unknown, path: string): true {
  assert.ok(err instanceof LookoutError, String(err))
  assert.equal(err.code, 'LOOKOUT_ERR_ROUTE_COLLISION')
  assert.match(err.message, new RegExp(`GET ${path.replace(/\//g, '\\/')}`))
  assert.match(err.message, /http\.routePrefix/)
  assert.match(err.message, /LOOKOUT_ROUTE_PREFIX/)
  return true
}

async function get(port: number, path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`)
  return { status: res.status, body: await res.text() }
}

for (const path of ['/health', '/ready', '/status', '/metrics']) {
  for (const order of ['before', 'after'] as const) {
    test(`Fastify: an app route GET ${path} registered ${order} the plugin is a coded collision before listening`, async () => {
      const app = Fastify()
      const options = path === '/status' ? { ...quiet, status: { enabled: true } } : quiet
      await assert.rejects(
        async () => {
          if (order === 'before') app.get(path, async () => 'mine')
          await app.register(fastifyLookout, options as never)
          if (order === 'after') app.get(path, async () => 'mine')
          await app.listen({ port: 0, host: '127.0.0.1' })
        },
        (err) => assertCollision(err, path),
      )
      assert.equal(app.server.listening, false)
      await app.close().catch(() => {})
    })

    test(`Express: an app route GET ${path} mounted ${order} the middleware is a coded collision at listen`, () => {
      const app = express()
      const options = path === '/status' ? { ...quiet, status: { enabled: true } } : quiet
      const mw = expressLookout(options as never)
      if (order === 'before') app.get(path, (_req, res) => void res.send('mine'))
      app.use(mw)
      if (order === 'after') app.get(path, (_req, res) => void res.send('mine'))
      assert.throws(
        () => app.listen(0, '127.0.0.1'),
        (err) => assertCollision(err, path),
      )
    })
  }
}

test('Express: a route in a router mounted at /observability collides with the ops route it would shadow', () => {
  const app = express()
  const mw = expressLookout(quiet as never)
  app.use(mw)
  const router = express.Router()
  router.get('/config', (_req, res) => void res.send('mine'))
  app.use('/observability', router)
  assert.throws(
    () => app.listen(0, '127.0.0.1'),
    (err) => {
      assert.ok(err instanceof LookoutError)
      assert.equal(err.code, 'LOOKOUT_ERR_ROUTE_COLLISION')
      assert.match(err.message, /GET \/observability\/config/)
      return true
    },
  )
})

test('Express served through http.createServer: the app keeps its route and the collision is logged', async (t) => {
  const lines: Record<string, unknown>[] = []
  const logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s)) })
  const lk = createLookout(quiet as never, { logger, env: {} })
  const app = express()
  app.use(expressLookout({ lookout: lk }))
  app.get('/health', (_req, res) => void res.send('mine'))
  const { createServer } = await import('node:http')
  const server = createServer(app)
  await lk.start()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => server.close())
  t.after(() => lk.shutdown())
  const port = (server.address() as AddressInfo).port
  assert.deepEqual(await get(port, '/health'), { status: 200, body: 'mine' })
  assert.equal((await get(port, '/health/ready')).status, 200, "Lookout's other routes stay")
  assert.ok(lines.some((l) => l.event === 'route_collision'))
})

test('node:http: a route resolver that claims one of Lookout’s paths is a coded collision', () => {
  assert.throws(
    () =>
      withLookout((_req, res) => res.end('mine'), {
        ...quiet,
        route: (req: IncomingMessage) => (req.url === '/health' ? '/health' : undefined),
      } as never),
    (err) => assertCollision(err, '/health'),
  )
})

test('http.routePrefix moves every Lookout route on Fastify, Express and node:http; the app keeps /health', async (t) => {
  const options = { ...quiet, http: { routePrefix: '/_lookout' } }

  const fastify = Fastify()
  fastify.get('/health', async () => 'mine')
  await fastify.register(fastifyLookout, options as never)
  await fastify.listen({ port: 0, host: '127.0.0.1' })
  t.after(() => fastify.close())

  const app = express()
  const mw = expressLookout(options as never)
  app.use(mw)
  app.get('/health', (_req, res) => void res.send('mine'))
  const expressServer = app.listen(0, '127.0.0.1')
  await mw.lookout.start()
  await new Promise((resolve) => expressServer.once('listening', resolve))
  t.after(() => mw.lookout.shutdown())

  const handler = withLookout((_req, res) => res.end('mine'), {
    ...options,
    route: (req: IncomingMessage) => (req.url === '/health' ? '/health' : undefined),
  } as never)
  const { createServer } = await import('node:http')
  const nodeServer = createServer(handler)
  handler.lookout.attachServer(nodeServer)
  await handler.lookout.start()
  await new Promise<void>((resolve) => nodeServer.listen(0, '127.0.0.1', resolve))
  t.after(() => handler.lookout.shutdown())

  for (const [name, port] of [
    ['fastify', (fastify.server.address() as AddressInfo).port],
    ['express', (expressServer.address() as AddressInfo).port],
    ['node', (nodeServer.address() as AddressInfo).port],
  ] as const) {
    assert.deepEqual(await get(port, '/health'), { status: 200, body: 'mine' }, name)
    assert.equal((await get(port, '/_lookout/health/ready')).status, 200, name)
    assert.equal((await get(port, '/_lookout/metrics')).status, 200, name)
    assert.equal((await get(port, '/_lookout/observability/config')).status, 401, `${name}: still protected`)
    assert.doesNotMatch((await get(port, '/metrics')).body, /# HELP/, `${name}: nothing left at the old path`)
  }
})

test('LOOKOUT_ROUTE_PREFIX sets the prefix; a malformed prefix is a configuration error naming the variable', () => {
  const lk = createLookout(quiet as never, { env: { LOOKOUT_ROUTE_PREFIX: '/ops' } })
  assert.ok(lk.routes.every((r) => r.route.path.startsWith('/ops/')))
  assert.throws(
    () => createLookout(quiet as never, { env: { LOOKOUT_ROUTE_PREFIX: 'ops/' } }),
    (err) => err instanceof LookoutError && /http\.routePrefix \(LOOKOUT_ROUTE_PREFIX\)/.test(err.message),
  )
})
