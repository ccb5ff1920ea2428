import assert from 'node:assert/strict'
import { test } from 'node:test'
import Fastify from 'fastify'
import { lookout } from '../../../src/fastify/index.ts'
import type { HealthCheck } from '../../../src/health/healthCheck.ts'

const KEY = 'operator-key-0123456789'
const quiet = { handleSignals: false, drainDelayMs: 0 }

async function appWith(health: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  const app = Fastify()
  await app.register(lookout, {
    service: 'probe-test',
    version: '1.2.3',
    operator: { keys: [KEY] },
    logging: { level: 'silent' },
    health: { shutdown: quiet, ...health },
    ...extra,
  } as never)
  app.get('/work', async () => ({ ok: true }))
  await app.ready()
  return app
}

test('every default probe path and alias answers application/health+json, not cached', async (t) => {
  const app = await appWith()
  t.after(() => app.close())
  for (const url of [
    '/health/live',
    '/livez',
    '/healthz',
    '/health/ready',
    '/readyz',
    '/health/startup',
    '/startupz',
    '/health',
    '/health/detailed',
  ]) {
    const res = await app.inject({ url })
    assert.equal(res.statusCode, 200, url)
    assert.match(String(res.headers['content-type']), /^application\/health\+json/, url)
    assert.equal(res.headers['cache-control'], 'no-store', url)
    assert.equal(res.json().status, 'pass', url)
  }
})

test('HEAD on a probe answers the same status with no body', async (t) => {
  const app = await appWith({ checks: [{ name: 'db', run: () => false }] })
  t.after(() => app.close())
  const ready = await app.inject({ method: 'HEAD', url: '/health/ready' })
  assert.equal(ready.statusCode, 503)
  assert.equal(ready.body, '')
  const live = await app.inject({ method: 'HEAD', url: '/health/live' })
  assert.equal(live.statusCode, 200)
})

test('a failing critical check fails readiness with 503 but never liveness', async (t) => {
  const app = await appWith({ checks: [{ name: 'db', componentType: 'datastore', run: () => false }] })
  t.after(() => app.close())
  const ready = await app.inject({ url: '/health/ready' })
  assert.equal(ready.statusCode, 503)
  assert.equal(ready.json().status, 'fail')
  assert.equal(ready.json().checks['db:responseTime'][0].status, 'fail')
  assert.equal((await app.inject({ url: '/health/live' })).statusCode, 200)
  assert.equal((await app.inject({ url: '/health' })).statusCode, 503)
})

test('a failing non-critical check degrades the detailed view to warn (200) and leaves readiness passing', async (t) => {
  const app = await appWith({ checks: [{ name: 'cache', critical: false, run: () => false }] })
  t.after(() => app.close())
  const detailed = await app.inject({ url: '/health' })
  assert.equal(detailed.statusCode, 200)
  assert.equal(detailed.json().status, 'warn')
  const ready = await app.inject({ url: '/health/ready' })
  assert.equal(ready.statusCode, 200)
  assert.equal(ready.json().checks, undefined, 'readiness lists critical checks only')
})

test('error details are shown only to a caller with an operator key', async (t) => {
  const failing: HealthCheck = {
    name: 'db',
    run: () => {
      throw new Error('password authentication failed for user "app"')
    },
  }
  const app = await appWith({ checks: [failing] })
  t.after(() => app.close())
  const anonymous = await app.inject({ url: '/health' })
  assert.equal(anonymous.body.includes('password authentication'), false)
  assert.equal(anonymous.json().checks['db:responseTime'][0].output, undefined)
  const operator = await app.inject({ url: '/health', headers: { authorization: `Bearer ${KEY}` } })
  assert.equal(
    operator.json().checks['db:responseTime'][0].output,
    'password authentication failed for user "app"',
  )
  assert.equal(operator.json().serviceId, 'probe-test')
  assert.equal(operator.json().version, '1.2.3')
})

test('startup and readiness wait for declared startup tasks', async (t) => {
  const app = Fastify()
  await app.register(lookout, { logging: { level: 'silent' }, health: { shutdown: quiet } } as never)
  const warmUp = app.lookout.health.startupTask('warm-cache')
  await app.ready()
  t.after(() => app.close())
  assert.equal((await app.inject({ url: '/health/startup' })).statusCode, 503)
  const ready = await app.inject({ url: '/health/ready' })
  assert.equal(ready.statusCode, 503)
  assert.deepEqual(ready.json().notes, ['starting'])
  warmUp()
  assert.equal((await app.inject({ url: '/health/startup' })).statusCode, 200)
  assert.equal((await app.inject({ url: '/health/ready' })).statusCode, 200)
})

test('probe paths are configurable, and configured paths are excluded from HTTP metrics', async (t) => {
  const app = await appWith({
    paths: { live: ['/ping'], ready: ['/ready'], startup: [], detailed: ['/status/health'] },
  })
  t.after(() => app.close())
  assert.equal((await app.inject({ url: '/ping' })).statusCode, 200)
  assert.equal((await app.inject({ url: '/ready' })).statusCode, 200)
  assert.equal((await app.inject({ url: '/status/health' })).statusCode, 200)
  assert.equal((await app.inject({ url: '/health/live' })).statusCode, 404)
  await app.inject({ url: '/work' })
  const metrics = measured((await app.inject({ url: '/metrics' })).body)
  assert.match(metrics, /http_requests_total\{method="GET",route="\/work",status="200"\} 1/)
  for (const path of ['/ping', '/ready', '/status/health']) {
    assert.equal(metrics.includes(`route="${path}"`), false, `${path} must not be measured`)
  }
})

test('default probes are not measured in HTTP metrics', async (t) => {
  const app = await appWith()
  t.after(() => app.close())
  for (const url of ['/health/live', '/health/ready', '/healthz', '/readyz', '/livez', '/health'])
    await app.inject({ url })
  const metrics = measured((await app.inject({ url: '/metrics' })).body)
  assert.equal(/route="\/(health|healthz|readyz|livez)/.test(metrics), false)
})

/**
 * The scrape without `lookout_operator_auth_failures_total`, which has a series at zero for every mounted route
 * that reads operator keys, probes included: what is left names a route only when a request to it was measured.
 */
function measured(scrape: string): string {
  return scrape
    .split('\n')
    .filter((l) => !l.startsWith('lookout_operator_auth_failures_total'))
    .join('\n')
}

test('while overloaded, app requests get 503 + Retry-After and are counted; probes and /metrics still answer', async (t) => {
  // A 1-byte heap limit is always exceeded: the first sample (taken at start) turns shedding on.
  const app = await appWith({ shedding: { maxHeapUsedBytes: 1, retryAfterSeconds: 7 } })
  t.after(() => app.close())
  const shed = await app.inject({ url: '/work' })
  assert.equal(shed.statusCode, 503)
  assert.equal(shed.headers['retry-after'], '7')
  assert.equal(shed.json().error.code, 'overloaded')
  assert.equal((await app.inject({ url: '/health/live' })).statusCode, 200)
  const ready = await app.inject({ url: '/health/ready' })
  assert.equal(ready.statusCode, 503)
  assert.deepEqual(ready.json().notes, ['overloaded'])
  const operator = await app.inject({ url: '/health/ready', headers: { authorization: `Bearer ${KEY}` } })
  assert.match(operator.json().notes[0], /^overloaded: heapUsed \d+ B > 1 B$/)
  const metrics = await app.inject({ url: '/metrics' })
  assert.equal(metrics.statusCode, 200)
  assert.match(metrics.body, /lookout_load_shed_total 1\n/)
  assert.match(metrics.body, /lookout_load_overloaded 1\n/)
  assert.match(metrics.body, /http_requests_total\{method="GET",route="\/work",status="503"\} 1/)
  assert.equal(app.lookout.health.overloaded, true)
})

test('with rejectRequests off, an overloaded process only fails readiness', async (t) => {
  const app = await appWith({ shedding: { maxHeapUsedBytes: 1, rejectRequests: false } })
  t.after(() => app.close())
  assert.equal((await app.inject({ url: '/work' })).statusCode, 200)
  assert.equal((await app.inject({ url: '/health/ready' })).statusCode, 503)
})

test('checks given in options and added later both appear in the detailed view', async (t) => {
  const app = await appWith(
    {
      defaultChecks: false,
      checks: [{ name: 'from-options', run: () => undefined }],
    },
    // With the ops store open, its own check joins the list as well.
    { store: { enabled: true } },
  )
  t.after(() => app.close())
  app.lookout.health.addCheck({ name: 'added-later', critical: false, run: () => ({ status: 'warn' }) })
  await app.lookout.health.check()
  const body = (await app.inject({ url: '/health' })).json()
  assert.deepEqual(Object.keys(body.checks).sort(), [
    'added-later:responseTime',
    'from-options:responseTime',
    'lookout-store:responseTime', // the ops store's own non-critical check
  ])
  assert.equal(body.status, 'warn')
})

test('disabling health removes the probes', async (t) => {
  const app = await appWith({ enabled: false })
  t.after(() => app.close())
  assert.equal((await app.inject({ url: '/health/ready' })).statusCode, 404)
})

test('/ready and /startup are mounted by default beside the /health/* paths', async (t) => {
  const app = await appWith({ checks: [{ name: 'db', run: () => false }] })
  t.after(() => app.close())
  const ready = await app.inject({ url: '/ready' })
  assert.equal(ready.statusCode, 503)
  assert.equal(ready.json().checks['db:responseTime'][0].status, 'fail')
  const startup = await app.inject({ url: '/startup' })
  assert.equal(startup.statusCode, 200)
  assert.equal(startup.json().status, 'pass')
})

test('under http.routePrefix the /ready and /startup aliases move with the other probes', async (t) => {
  const app = await appWith({}, { http: { routePrefix: '/ops' } })
  t.after(() => app.close())
  assert.equal((await app.inject({ url: '/ops/ready' })).statusCode, 200)
  assert.equal((await app.inject({ url: '/ops/startup' })).statusCode, 200)
  assert.equal((await app.inject({ url: '/ready' })).statusCode, 404)
})

test('the legacy body answers { status, ready, checks: { name: { status, response_ms } } } as application/json', async (t) => {
  const app = await appWith({
    body: 'legacy',
    defaultChecks: false,
    checks: [
      { name: 'db', run: () => true },
      { name: 'cache', critical: false, run: () => false },
    ],
  })
  t.after(() => app.close())
  const detailed = await app.inject({ url: '/health' })
  assert.equal(detailed.statusCode, 200)
  assert.match(String(detailed.headers['content-type']), /^application\/json/)
  const body = detailed.json()
  assert.equal(body.status, 'warn')
  assert.equal(body.ready, true)
  assert.deepEqual(Object.keys(body.checks).sort(), ['cache', 'db'])
  assert.equal(body.checks.db.status, 'pass')
  assert.equal(body.checks.cache.status, 'fail')
  assert.equal(typeof body.checks.db.response_ms, 'number')
  assert.equal(body.checks.cache.message, undefined, 'error details only for operators')
  const ready = (await app.inject({ url: '/ready' })).json()
  assert.deepEqual(Object.keys(ready.checks), ['db'], 'readiness lists critical checks only')
  assert.equal(ready.ready, true)
  const live = await app.inject({ url: '/health/live' })
  assert.match(String(live.headers['content-type']), /^application\/json/)
})

test('the legacy body says ready: false with 503 when a critical check fails, and details reach operators only', async (t) => {
  const app = await appWith({
    body: 'legacy',
    defaultChecks: false,
    checks: [{ name: 'db', run: () => Promise.reject(new Error('connection refused')) }],
  })
  t.after(() => app.close())
  const res = await app.inject({ url: '/health' })
  assert.equal(res.statusCode, 503)
  assert.equal(res.json().status, 'fail')
  assert.equal(res.json().ready, false)
  assert.equal(res.json().checks.db.message, undefined)
  const op = await app.inject({ url: '/health', headers: { authorization: `Bearer ${KEY}` } })
  assert.match(op.json().checks.db.message, /connection refused/)
})

test('LOOKOUT_HEALTH_BODY=legacy selects the legacy body and an unknown shape is a start-up error', async () => {
  const { resolveConfig } = await import('../../../src/config/resolveConfig.ts')
  assert.equal(resolveConfig({ service: 's' }, { LOOKOUT_HEALTH_BODY: 'legacy' }).health.body, 'legacy')
  assert.throws(() => resolveConfig({ service: 's' }, { LOOKOUT_HEALTH_BODY: 'xml' }), /health\.body/)
})
