import assert from 'node:assert/strict'
import { test } from 'node:test'
import { waitFor } from '../../support/binaries.ts'
import { OPERATOR_KEY, type StatusApp, statusApp, switchCheck } from './statusApp.ts'

const auth = { authorization: `Bearer ${OPERATOR_KEY}`, 'content-type': 'application/json' }

async function sample(s: StatusApp, n: number) {
  for (let i = 0; i < n; i++) await s.instance.status!.sampleNow()
}

async function publicJson(s: StatusApp, path: string) {
  s.instance.status!.invalidate()
  const r = await s.app.inject(path)
  assert.equal(r.statusCode, 200)
  return r.json()
}

test('an outage opens one incident after two samples, flapping adds none, three good samples resolve it', async (t) => {
  const db = switchCheck('db')
  const s = await statusApp({
    health: { checks: [db.check] },
    status: { components: [{ id: 'db', name: 'Database' }] },
  })
  t.after(() => s.close())
  await sample(s, 2)
  db.state = 'fail'
  await sample(s, 1)
  assert.equal((await s.instance.status!.incidents()).open.length, 0, 'one bad sample is not an incident')
  await sample(s, 1)
  let inc = await s.instance.status!.incidents()
  assert.equal(inc.open.length, 1)
  assert.equal(inc.open[0]!.title, 'Database unavailable')
  assert.equal(inc.open[0]!.impact, 'major')
  // Flapping: good, bad, good, bad … never three good in a row.
  for (const state of ['pass', 'fail', 'pass', 'pass', 'fail', 'fail'] as const) {
    db.state = state
    await sample(s, 1)
  }
  inc = await s.instance.status!.incidents()
  assert.equal(inc.open.length, 1, 'still one incident')
  assert.equal(inc.recent.length, 0)
  db.state = 'pass'
  await sample(s, 2)
  assert.equal((await s.instance.status!.incidents()).open.length, 1)
  await sample(s, 1)
  inc = await s.instance.status!.incidents()
  assert.equal(inc.open.length, 0)
  assert.equal(inc.recent.length, 1)
  assert.deepEqual(
    inc.recent[0]!.updates.map((u) => u.status),
    ['resolved', 'investigating'],
  )
  // Failing again soon after reopens the same incident instead of a new one.
  db.state = 'fail'
  await sample(s, 2)
  inc = await s.instance.status!.incidents()
  assert.equal(inc.open.length, 1)
  assert.equal(inc.open[0]!.id, inc.open[0]!.id)
  assert.equal(inc.recent.length, 0)
  assert.match(inc.open[0]!.updates[0]!.message, /reopened/)
  assert.equal((await s.instance.store.incidents.list()).length, 1)
})

test('a degraded component opens a minor incident that is raised to major when it goes down, as updates', async (t) => {
  const db = switchCheck('db')
  const s = await statusApp({ health: { checks: [db.check] } })
  t.after(() => s.close())
  db.state = 'warn'
  await sample(s, 2)
  let open = (await s.instance.status!.incidents()).open
  assert.equal(open.length, 1)
  assert.equal(open[0]!.impact, 'minor')
  assert.equal(open[0]!.title, 'db degraded')
  db.state = 'fail'
  await sample(s, 2)
  open = (await s.instance.status!.incidents()).open
  assert.equal(open.length, 1)
  assert.equal(open[0]!.impact, 'major')
  assert.equal(open[0]!.title, 'db unavailable')
  assert.equal(open[0]!.updates.length, 2)
})

test('a maintenance window records maintenance samples, opens no incident and leaves uptime untouched', async (t) => {
  const db = switchCheck('db')
  const s = await statusApp({ health: { checks: [db.check] } })
  t.after(() => s.close())
  await sample(s, 1)
  const created = await s.app.inject({
    method: 'POST',
    url: '/observability/status/maintenance',
    headers: auth,
    payload: {
      title: 'Database upgrade',
      description: 'Minor version upgrade',
      components: ['db'],
      startsAt: new Date(Date.now() - 1000).toISOString(),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    },
  })
  assert.equal(created.statusCode, 201, created.body)
  db.state = 'fail'
  await sample(s, 4)
  assert.equal((await s.instance.status!.incidents()).open.length, 0)
  const latest = await s.instance.store.healthSamples.latest('db', 4)
  assert.deepEqual(
    latest.map((x) => x.status),
    ['maintenance', 'maintenance', 'maintenance', 'maintenance'],
  )
  const body = await publicJson(s, '/public/status')
  assert.equal(body.status, 'maintenance')
  assert.equal(body.components[0].status, 'maintenance')
  assert.equal(body.components[0].uptime30d, 100)
  assert.equal(body.maintenance[0].title, 'Database upgrade')
  assert.equal(body.maintenance[0].active, true)

  // Ending the window: the same failure now counts and opens an incident.
  const id = created.json().id
  const ended = await s.app.inject({
    method: 'PATCH',
    url: `/observability/status/maintenance/${id}`,
    headers: auth,
    payload: {
      endsAt: new Date(Date.now() - 1).toISOString(),
      startsAt: new Date(Date.now() - 2000).toISOString(),
    },
  })
  assert.equal(ended.statusCode, 200, ended.body)
  assert.equal(ended.json().active, false)
  await sample(s, 2)
  assert.equal((await s.instance.status!.incidents()).open.length, 1)
  const after = await publicJson(s, '/public/status')
  assert.ok(after.components[0].uptime30d < 100)
})

test('the public API is cached with an ETag (304 on If-None-Match), answers HEAD, and allows any origin', async (t) => {
  const s = await statusApp({
    health: { checks: [switchCheck('db').check] },
    status: { cacheSeconds: 30 },
  })
  t.after(() => s.close())
  await sample(s, 1)
  for (const path of ['/public/status', '/public/status/incidents']) {
    const first = await s.app.inject(path)
    assert.equal(first.statusCode, 200)
    assert.equal(first.headers['cache-control'], 'public, max-age=30')
    assert.equal(first.headers['access-control-allow-origin'], '*')
    const etag = String(first.headers.etag)
    const again = await s.app.inject({ url: path, headers: { 'if-none-match': etag } })
    assert.equal(again.statusCode, 304)
    assert.equal(again.body, '')
    const head = await s.app.inject({ method: 'HEAD', url: path })
    assert.equal(head.statusCode, 200)
  }
  // A write invalidates: the next answer has a new ETag.
  const before = String((await s.app.inject('/public/status/incidents')).headers.etag)
  const r = await s.app.inject({
    method: 'POST',
    url: '/observability/status/incidents',
    headers: auth,
    payload: { title: 'Slow sign-ins', components: ['db'], message: 'We are looking into slow sign-ins.' },
  })
  assert.equal(r.statusCode, 201)
  await waitFor('the incidents document to change', async () => {
    const now = await s.app.inject({ url: '/public/status/incidents', headers: { 'if-none-match': before } })
    return now.statusCode === 200 && now.json().open.length === 1
  })
})

test('the public API is rate-limited per client with 429 and Retry-After', async (t) => {
  const s = await statusApp({
    health: { checks: [switchCheck('db').check] },
    status: { rateLimit: { perMinute: 60, burst: 3 } },
  })
  t.after(() => s.close())
  const codes: number[] = []
  for (let i = 0; i < 5; i++) {
    codes.push((await s.app.inject({ url: '/public/status', remoteAddress: '198.51.100.7' })).statusCode)
  }
  assert.deepEqual(codes, [200, 200, 200, 429, 429])
  const limited = await s.app.inject({ url: '/public/status', remoteAddress: '198.51.100.7' })
  assert.ok(Number(limited.headers['retry-after']) >= 1)
  assert.equal((await s.app.inject({ url: '/public/status', remoteAddress: '198.51.100.8' })).statusCode, 200)
})

test('no internal detail reaches the public documents or the page, though operators keep it in the store', async (t) => {
  const db = switchCheck('db')
  const s = await statusApp({ health: { checks: [db.check] } })
  t.after(() => s.close())
  db.state = 'fail'
  await sample(s, 3)
  const stored = await s.instance.store.healthSamples.latest('db')
  assert.match(String(stored[0]!.detail), /ECONNREFUSED/, 'the private detail is kept')
  s.instance.status!.invalidate()
  for (const path of ['/public/status', '/public/status/incidents', '/status']) {
    const r = await s.app.inject(path)
    assert.equal(r.statusCode, 200)
    assert.doesNotMatch(r.body, /ECONNREFUSED|db-internal|5432|prod\.example/i, path)
    if (path !== '/status') assert.doesNotMatch(r.body, /"(latency\w*|detail|output|stack|error)"/i, path)
  }
})

test('before start the public API answers a bare 503, not an error message', async (t) => {
  const { createLookout } = await import('lookout')
  const Fastify = (await import('fastify')).default
  const { lookout } = await import('lookout/fastify')
  const instance = createLookout(
    { status: { enabled: true } },
    { env: { LOOKOUT_STORE_URL: 'sqlite::memory:' } },
  )
  const app = Fastify()
  // Register without ready(): routes mount, the store is not open yet.
  await app.register(lookout, { lookout: instance })
  t.after(async () => {
    await app.close()
    await instance.shutdown()
  })
  const route = instance.routes.find((r) => r.route.path === '/public/status')!
  const res = await route.handle({
    method: 'GET',
    path: '/public/status',
    params: {},
    query: new URLSearchParams(),
    headers: {},
    body: undefined,
    clientIp: '127.0.0.1',
    signal: undefined,
  })
  assert.equal(res.status, 503)
  assert.deepEqual(Object.keys((res.body as { error: object }).error), ['code', 'message'])
  assert.doesNotMatch(JSON.stringify(res.body), /store|STORE|lookout\.start/)
})

test('operator routes: 401 without a key; incidents created, updated to resolved with a timeline; validation', async (t) => {
  const s = await statusApp({ health: { checks: [switchCheck('db').check] } })
  t.after(() => s.close())
  const noKey = await s.app.inject({ method: 'POST', url: '/observability/status/incidents', payload: {} })
  assert.equal(noKey.statusCode, 401)
  const unknown = await s.app.inject({
    method: 'POST',
    url: '/observability/status/incidents',
    headers: auth,
    payload: { title: 'x', components: ['nope'], message: 'm' },
  })
  assert.equal(unknown.statusCode, 422)
  assert.equal(unknown.json().error.code, 'unknown_component')
  const invalid = await s.app.inject({
    method: 'POST',
    url: '/observability/status/incidents',
    headers: auth,
    payload: { title: 'x', components: ['db'], message: 'm', status: 'panicking' },
  })
  assert.equal(invalid.statusCode, 422)
  const created = await s.app.inject({
    method: 'POST',
    url: '/observability/status/incidents',
    headers: auth,
    payload: { title: 'Sign-in errors', impact: 'major', components: ['db'], message: 'Some sign-ins fail.' },
  })
  assert.equal(created.statusCode, 201)
  const id = created.json().id as number
  assert.equal(created.headers.location, `/observability/status/incidents/${id}`)
  assert.equal(created.json().automatic, false)
  for (const [status, message] of [
    ['identified', 'A bad deploy; rolling back.'],
    ['monitoring', 'Rolled back; watching.'],
    ['resolved', 'Sign-ins work again.'],
  ]) {
    const r = await s.app.inject({
      method: 'PATCH',
      url: `/observability/status/incidents/${id}`,
      headers: auth,
      payload: { status, message },
    })
    assert.equal(r.statusCode, 200, r.body)
  }
  const inc = await publicJson(s, '/public/status/incidents')
  assert.equal(inc.open.length, 0)
  assert.deepEqual(
    inc.recent[0].updates.map((u: { status: string }) => u.status),
    ['resolved', 'monitoring', 'identified', 'investigating'],
  )
  assert.equal(inc.recent[0].updates[0].message, 'Sign-ins work again.')
  const missing = await s.app.inject({
    method: 'PATCH',
    url: '/observability/status/incidents/999',
    headers: auth,
    payload: { message: 'x' },
  })
  assert.equal(missing.statusCode, 404)
  const list = await s.app.inject({ url: '/observability/status/incidents', headers: auth })
  assert.equal(list.json().incidents.length, 1)
})

test('maintenance windows: create, list, update, delete; endsAt must follow startsAt', async (t) => {
  const s = await statusApp({ health: { checks: [switchCheck('db').check] } })
  t.after(() => s.close())
  const start = Date.now() + 3_600_000
  const bad = await s.app.inject({
    method: 'POST',
    url: '/observability/status/maintenance',
    headers: auth,
    payload: {
      title: 'x',
      startsAt: new Date(start).toISOString(),
      endsAt: new Date(start - 1).toISOString(),
    },
  })
  assert.equal(bad.statusCode, 422)
  const created = await s.app.inject({
    method: 'POST',
    url: '/observability/status/maintenance',
    headers: auth,
    payload: {
      title: 'Network work',
      startsAt: new Date(start).toISOString(),
      endsAt: new Date(start + 60_000).toISOString(),
    },
  })
  assert.equal(created.statusCode, 201)
  const id = created.json().id
  assert.deepEqual(created.json().components, [])
  const renamed = await s.app.inject({
    method: 'PATCH',
    url: `/observability/status/maintenance/${id}`,
    headers: auth,
    payload: { title: 'Network upgrade' },
  })
  assert.equal(renamed.json().title, 'Network upgrade')
  const list = await s.app.inject({ url: '/observability/status/maintenance', headers: auth })
  assert.deepEqual(
    list.json().windows.map((w: { title: string }) => w.title),
    ['Network upgrade'],
  )
  const pub = await publicJson(s, '/public/status')
  assert.equal(pub.maintenance[0].title, 'Network upgrade')
  assert.equal(pub.maintenance[0].active, false)
  assert.equal(
    (await s.app.inject({ method: 'DELETE', url: `/observability/status/maintenance/${id}`, headers: auth }))
      .statusCode,
    204,
  )
  assert.equal(
    (await s.app.inject({ method: 'DELETE', url: `/observability/status/maintenance/${id}`, headers: auth }))
      .statusCode,
    404,
  )
})

test('the sampler runs on its own timer and exports lookout_status_component', async (t) => {
  const db = switchCheck('db')
  const s = await statusApp({ health: { checks: [db.check] }, status: { intervalMs: 100 } })
  t.after(() => s.close())
  await waitFor(
    'two samples',
    async () => (await s.instance.store.healthSamples.latest('db', 2)).length === 2,
  )
  db.state = 'fail'
  await waitFor(
    'an incident',
    async () => (await s.instance.store.incidents.list({ open: true })).length === 1,
  )
  const text = await s.instance.registry.expose('prometheus')
  assert.match(text, /lookout_status_component\{component="db"\} 0\n/)
  assert.match(text, /lookout_status_sampler_runs_total\{outcome="sampled"\} [1-9]/)
  assert.match(text, /lookout_status_incidents_opened_total\{cause="samples"\} 1\n/)
})

test('SLO page alerts handed to handleAlert open and resolve an incident when enabled', async (t) => {
  const s = await statusApp({
    health: { checks: [switchCheck('db').check] },
    status: { sloIncidents: { enabled: true, component: 'api', componentName: 'Sign-in API' } },
  })
  t.after(() => s.close())
  const status = s.instance.status!
  assert.equal(
    await status.handleAlert({ alertname: 'SloErrorBudgetBurn', severity: 'warning', firing: true }),
    undefined,
  )
  const id = await status.handleAlert({ alertname: 'SloErrorBudgetBurn', severity: 'critical', firing: true })
  assert.ok(id !== undefined)
  assert.equal(
    await status.handleAlert({ alertname: 'SloErrorBudgetBurn', severity: 'critical', firing: true }),
    id,
  )
  let inc = await status.incidents()
  assert.equal(inc.open.length, 1)
  assert.equal(inc.open[0]!.title, 'Elevated errors on Sign-in API')
  assert.deepEqual(inc.open[0]!.components, [{ id: 'api', name: 'Sign-in API' }])
  await status.handleAlert({ alertname: 'SloErrorBudgetBurn', severity: 'critical', firing: false })
  inc = await status.incidents()
  assert.equal(inc.open.length, 0)
  assert.equal(inc.recent[0]!.status, 'resolved')
})

test('status.enabled false mounts nothing and leaves lookout.status undefined', async (t) => {
  const s = await statusApp({ status: { enabled: false } })
  t.after(() => s.close())
  assert.equal(s.instance.status, undefined)
  assert.equal((await s.app.inject('/public/status')).statusCode, 404)
  assert.equal((await s.app.inject('/status')).statusCode, 404)
})
