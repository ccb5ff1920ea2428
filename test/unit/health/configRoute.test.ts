import assert from 'node:assert/strict'
import { test } from 'node:test'
import Fastify from 'fastify'
import { lookout } from '../../../src/fastify/index.ts'
import { postgresCheck } from '../../../src/health/checks/postgresCheck.ts'
import { redisCheck } from '../../../src/health/checks/redisCheck.ts'

const KEY = 'operator-key-0123456789'
const METRICS_TOKEN = 'scrape-token-abcdefghijkl'
const DB_PASSWORD = 'db-pa55word-zyx'

async function app() {
  const server = Fastify()
  await server.register(lookout, {
    service: 'identity',
    version: '2.0.1',
    operator: { keys: [KEY] },
    metrics: { token: METRICS_TOKEN },
    logging: { level: 'silent' },
    // The ops store is opened so its own dependency entry is listed too.
    store: { enabled: true },
    health: {
      shutdown: { handleSignals: false },
      checks: [
        postgresCheck({ target: `postgres://app:${DB_PASSWORD}@db.internal:5432/identity` }),
        redisCheck({ target: `redis://:${DB_PASSWORD}@cache.internal:6380/0` }),
      ],
    },
  } as never)
  await server.ready()
  return server
}

test('GET /observability/config needs an operator key', async (t) => {
  const server = await app()
  t.after(() => server.close())
  const res = await server.inject({ url: '/observability/config' })
  assert.equal(res.statusCode, 401)
})

test('the resolved config is shown with secrets masked and no credentials anywhere', async (t) => {
  const server = await app()
  t.after(() => server.close())
  const res = await server.inject({
    url: '/observability/config',
    headers: { authorization: `Bearer ${KEY}` },
  })
  assert.equal(res.statusCode, 200)
  const body = res.json()
  for (const secret of [KEY, METRICS_TOKEN, DB_PASSWORD]) {
    assert.equal(res.body.includes(secret), false, 'a secret leaked into /observability/config')
  }
  assert.equal(body.config.metrics.token, '********')
  assert.equal(body.service, 'identity')
  assert.equal(body.version, '2.0.1')
  assert.match(body.lookout.version, /^\d+\.\d+\.\d+/)
  assert.equal(body.features.health, true)
  assert.equal(body.features.metrics, true)
})

test('dependency endpoints list hosts only', async (t) => {
  const server = await app()
  t.after(() => server.close())
  const body = (
    await server.inject({ url: '/observability/config', headers: { authorization: `Bearer ${KEY}` } })
  ).json()
  const fromChecks = body.dependencies.filter((d: { source: string }) =>
    d.source.startsWith('health.checks.'),
  )
  assert.deepEqual(fromChecks, [
    { source: 'health.checks.postgres', scheme: 'check', host: 'db.internal:5432' },
    { source: 'health.checks.redis', scheme: 'check', host: 'cache.internal:6380' },
    // The ops store registers its own (non-critical) check.
    { source: 'health.checks.lookout-store', scheme: 'check', host: 'sqlite' },
  ])
  for (const d of body.dependencies) assert.equal(/[@/]/.test(d.host), false, `${d.host} is a host`)
  assert.ok(body.routes.some((r: { path: string }) => r.path === '/health/ready'))
})
