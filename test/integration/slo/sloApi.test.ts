import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import Fastify from 'fastify'
import { createLookout, type LookoutOptions } from 'lookout'
import { lookout as lookoutPlugin } from 'lookout/fastify'
import pino from 'pino'

const OPS = 'ops-key-0123456789abcdef'
const ACME_KEY = 'acme-key-0123456789abcdef'
const silent = pino({ level: 'silent' })

async function appWith(options: LookoutOptions = {}) {
  const instance = createLookout(
    {
      service: 'identity',
      store: { url: 'sqlite::memory:' },
      operator: { keys: [OPS, { key: ACME_KEY, tenant: 'acme' }] },
      http: { tenants: ['globex'] },
      slo: { evaluateIntervalMs: 0, flushIntervalMs: 60_000 },
      ...options,
    },
    { env: {}, logger: silent },
  )
  const app = Fastify()
  await app.register(lookoutPlugin, { lookout: instance })
  app.get('/users/:id', async () => ({ ok: true }))
  app.get('/boom', async (_req, reply) => reply.code(503).send({ ok: false }))
  await app.ready()
  return { app, instance }
}

const auth = (key = OPS) => ({ authorization: `Bearer ${key}` })

test('status reflects in-process traffic per tenant: errors burn acme only', async (t) => {
  const { app } = await appWith()
  t.after(() => app.close())
  for (let i = 0; i < 90; i++) await app.inject({ url: '/users/1', headers: { 'x-tenant-id': 'acme' } })
  for (let i = 0; i < 10; i++) await app.inject({ url: '/boom', headers: { 'x-tenant-id': 'acme' } })
  for (let i = 0; i < 20; i++) await app.inject({ url: '/users/1', headers: { 'x-tenant-id': 'globex' } })

  const res = await app.inject({ url: '/observability/slo/status/acme', headers: auth() })
  assert.equal(res.statusCode, 200, res.body)
  const body = res.json()
  assert.equal(body.source, 'in-process')
  assert.deepEqual(
    body.slos.map((s: { slo: string }) => s.slo),
    ['availability', 'latency-p95', 'latency-p99'],
  )
  const availability = body.slos[0]
  assert.equal(availability.total, 100)
  assert.equal(availability.good, 90)
  assert.equal(availability.compliance, 0.9)
  assert.equal(availability.budgetRemaining, -99)
  assert.equal(availability.status, 'exhausted')
  assert.equal(availability.burnRates['5m'], 100)
  assert.equal(body.status, 'exhausted')

  const globex = (await app.inject({ url: '/observability/slo/status/globex', headers: auth() })).json()
  assert.equal(globex.slos[0].total, 20)
  assert.equal(globex.slos[0].status, 'ok')
  assert.equal(globex.status, 'ok')
})

test('a tenant-scoped key reads its own tenant and gets 403 for another', async (t) => {
  const { app } = await appWith()
  t.after(() => app.close())
  assert.equal(
    (await app.inject({ url: '/observability/slo/status/acme', headers: auth(ACME_KEY) })).statusCode,
    200,
  )
  assert.equal(
    (await app.inject({ url: '/observability/slo/status/globex', headers: auth(ACME_KEY) })).statusCode,
    403,
  )
  assert.equal((await app.inject({ url: '/observability/slo/status/acme' })).statusCode, 401)
})

test('PUT config overrides a tenant, survives in the store, and refuses thresholds that are not buckets', async (t) => {
  const { app, instance } = await appWith()
  t.after(() => app.close())
  const put = (body: unknown) =>
    app.inject({
      method: 'PUT',
      url: '/observability/slo/config/acme',
      headers: { ...auth(), 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    })
  const ok = await put({
    slos: [
      { name: 'availability', objective: 99.5 },
      { name: 'latency-p99', enabled: false },
    ],
  })
  assert.equal(ok.statusCode, 200, ok.body)
  assert.equal(ok.json().origin, 'api')
  const got = (await app.inject({ url: '/observability/slo/config/acme', headers: auth() })).json()
  assert.deepEqual(
    got.slos.map((s: { name: string; objective: number }) => [s.name, s.objective]),
    [
      ['availability', 0.995],
      ['latency-p95', 0.95],
    ],
  )
  assert.equal((await instance.store.sloConfigs.get('acme'))?.tenant, 'acme')
  const notBucket = await put({ slos: [{ name: 'latency-p95', threshold: '333ms' }] })
  assert.equal(notBucket.statusCode, 422)
  assert.equal(notBucket.json().error.code, 'invalid_slo')
  const invalid = await put({ slos: [{ name: 'availability', objective: 0.99 }] })
  assert.equal(invalid.statusCode, 422)
  assert.equal((await put({ slos: 'nope' })).statusCode, 422)
  const defaults = (await app.inject({ url: '/observability/slo/config/globex', headers: auth() })).json()
  assert.equal(defaults.origin, 'defaults')
})

test('measure stores a measurement that history returns newest first; unknown SLOs are 404', async (t) => {
  const { app } = await appWith()
  t.after(() => app.close())
  await app.inject({ url: '/users/1', headers: { 'x-tenant-id': 'acme' } })
  const first = await app.inject({ method: 'POST', url: '/observability/slo/measure/acme', headers: auth() })
  assert.equal(first.statusCode, 200, first.body)
  await app.inject({ url: '/boom', headers: { 'x-tenant-id': 'acme' } })
  await app.inject({ method: 'POST', url: '/observability/slo/measure/acme', headers: auth() })
  const history = await app.inject({
    url: '/observability/slo/history/acme/availability?limit=10',
    headers: auth(),
  })
  assert.equal(history.statusCode, 200, history.body)
  const m = history.json().measurements
  assert.equal(m.length, 2)
  assert.equal(m[0].compliance, 0.5)
  assert.equal(m[1].compliance, 1)
  assert.equal(m[0].detail.total, 2)
  assert.equal(
    (await app.inject({ url: '/observability/slo/history/acme/nope', headers: auth() })).statusCode,
    404,
  )
  assert.equal(
    (await app.inject({ url: '/observability/slo/history/acme/availability?limit=x', headers: auth() }))
      .statusCode,
    400,
  )
})

test('burndown ends at the current remaining budget and gauges expose compliance, budget and burn', async (t) => {
  const { app } = await appWith()
  t.after(() => app.close())
  for (let i = 0; i < 999; i++) await app.inject({ url: '/users/1', headers: { 'x-tenant-id': 'acme' } })
  await app.inject({ url: '/boom', headers: { 'x-tenant-id': 'acme' } })
  const res = await app.inject({ url: '/observability/slo/burndown/acme?points=30', headers: auth() })
  assert.equal(res.statusCode, 200, res.body)
  const availability = res.json().slos[0]
  assert.equal(availability.points.length, 30)
  assert.equal(availability.points[0].remaining, 1)
  assert.equal(availability.points.at(-1).remaining, 0)
  assert.equal(availability.figures.budgetRemaining, 0)
  assert.equal(availability.stepSeconds, 86_400)
  assert.equal(
    (await app.inject({ url: '/observability/slo/burndown/acme?points=3', headers: auth() })).statusCode,
    400,
  )

  const metrics = (await app.inject({ url: '/metrics' })).body
  assert.match(metrics, /lookout_slo_compliance_ratio\{slo="availability"\} 0\.999/)
  assert.match(metrics, /lookout_error_budget_remaining_ratio\{slo="availability"\} 0/)
  assert.match(metrics, /lookout_slo_burn_rate\{slo="availability",window="5m"\} 1/)
})

test('in-process buckets survive a restart on the same SQLite file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-slo-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const options = { store: { url: `sqlite:${dir}/lookout.db` } }
  const first = await appWith(options)
  for (let i = 0; i < 4; i++) await first.app.inject({ url: '/boom', headers: { 'x-tenant-id': 'acme' } })
  await first.app.close()
  const second = await appWith(options)
  t.after(() => second.app.close())
  await second.app.inject({ url: '/users/1', headers: { 'x-tenant-id': 'acme' } })
  const body = (await second.app.inject({ url: '/observability/slo/status/acme', headers: auth() })).json()
  assert.equal(body.slos[0].total, 5)
  assert.equal(body.slos[0].good, 1)
})
