import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { fullyEnabledOptions } from '../../scripts/gen-security-docs.ts'
import { startApp } from '../conformance/adapters.ts'

const GLOBAL_KEY = 'global-operator-key-0123456789'
const ACME_KEY = 'acme-operator-key-0123456789ab'

async function start(t: { after(fn: () => unknown): void }) {
  const app = await startApp(
    'fastify',
    fullyEnabledOptions({
      store: { url: 'sqlite::memory:' },
      operator: { keys: [GLOBAL_KEY, `${ACME_KEY}:acme`] },
      health: {
        checks: [
          {
            name: 'payments',
            critical: false,
            run: () => ({ status: 'fail', output: 'connect ECONNREFUSED 10.20.30.40:5432' }),
          },
        ],
      },
      status: { enabled: true, components: [{ id: 'payments', name: 'Payments' }] },
    }),
  )
  t.after(() => app.close())
  const call = async (method: string, path: string, key: string | undefined, body?: unknown) => {
    const res = await fetch(`${app.url}${path}`, {
      method,
      headers: {
        ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    return { status: res.status, json: text.startsWith('{') ? JSON.parse(text) : undefined, text }
  }
  return { app, call }
}

const incident = { title: 'Payments are down', components: ['payments'], message: 'We are looking into it.' }
const maintenance = {
  title: 'Database upgrade',
  startsAt: '2030-01-01T00:00:00Z',
  endsAt: '2030-01-01T01:00:00Z',
}

describe('a tenant-scoped operator key cannot act on the whole service', () => {
  test('it cannot open, change or list incidents of the public status page', async (t) => {
    const { call } = await start(t)
    assert.equal((await call('POST', '/observability/status/incidents', ACME_KEY, incident)).status, 403)
    const opened = await call('POST', '/observability/status/incidents', GLOBAL_KEY, incident)
    assert.equal(opened.status, 201)
    const id = opened.json.id
    const patched = await call('PATCH', `/observability/status/incidents/${id}`, ACME_KEY, {
      status: 'resolved',
      message: 'Resolved by a tenant',
    })
    assert.equal(patched.status, 403)
    assert.equal((await call('GET', '/observability/status/incidents', ACME_KEY)).status, 403)
    const shown = await call('GET', '/public/status/incidents', undefined)
    assert.deepEqual(
      shown.json.open.map((i: { title: string }) => i.title),
      ['Payments are down'],
      'only the global key’s incident is shown, unchanged',
    )
  })

  test('it cannot create, list or delete maintenance windows', async (t) => {
    const { call } = await start(t)
    assert.equal((await call('POST', '/observability/status/maintenance', ACME_KEY, maintenance)).status, 403)
    const created = await call('POST', '/observability/status/maintenance', GLOBAL_KEY, maintenance)
    assert.equal(created.status, 201)
    assert.equal((await call('GET', '/observability/status/maintenance', ACME_KEY)).status, 403)
    assert.equal(
      (await call('DELETE', `/observability/status/maintenance/${created.json.id}`, ACME_KEY)).status,
      403,
    )
    assert.equal((await call('GET', '/observability/status/maintenance', GLOBAL_KEY)).json.windows.length, 1)
  })

  test('it cannot read the configuration, which names every key’s tenant and every tenant’s overrides', async (t) => {
    const { call } = await start(t)
    const res = await call('GET', '/observability/config', ACME_KEY)
    assert.equal(res.status, 403)
    assert.ok(!res.text.includes('acme'), 'the refusal says nothing about the configuration')
    assert.equal((await call('GET', '/observability/config', GLOBAL_KEY)).status, 200)
  })

  test('it sees health statuses but not the check outputs only global keys see', async (t) => {
    const { call } = await start(t)
    const tenant = await call('GET', '/health', ACME_KEY)
    const global = await call('GET', '/health', GLOBAL_KEY)
    assert.equal(tenant.status, global.status)
    assert.ok(global.text.includes('ECONNREFUSED 10.20.30.40'), 'a global key sees check outputs')
    assert.ok(!tenant.text.includes('10.20.30.40'), 'a tenant key sees no check output')
  })

  test('it may post Alertmanager notifications only when every alert is its tenant’s', async (t) => {
    const { call } = await start(t)
    const notify = (tenants: string[]) => ({
      version: '4',
      status: 'firing',
      alerts: tenants.map((tenant) => ({
        status: 'firing',
        labels: { alertname: 'HighErrorRate', tenant },
        annotations: {},
        startsAt: '2026-01-01T00:00:00Z',
      })),
    })
    assert.equal(
      (await call('POST', '/observability/alerts/alertmanager', ACME_KEY, notify(['acme']))).status,
      200,
    )
    assert.equal(
      (await call('POST', '/observability/alerts/alertmanager', ACME_KEY, notify(['acme', 'globex']))).status,
      403,
    )
    // A malformed notification gets the same answer whichever key sends it.
    const malformed = await call('POST', '/observability/alerts/alertmanager', ACME_KEY, { version: '3' })
    const malformedGlobal = await call('POST', '/observability/alerts/alertmanager', GLOBAL_KEY, {
      version: '3',
    })
    assert.equal(malformed.status, 422)
    assert.deepEqual(malformed.json, malformedGlobal.json)
  })
})

describe('rate limits apply per operator key', () => {
  test('the declared limit of POST /observability/slo/measure applies to requests with an operator key', async (t) => {
    const { call } = await start(t)
    const statuses: number[] = []
    const started = Date.now()
    for (let i = 0; i < 12; i++)
      statuses.push((await call('POST', '/observability/slo/measure/acme', ACME_KEY)).status)
    // Burst 10, then 60 a minute: the 11th and 12th are refused unless the calls took seconds (a busy machine),
    // each of which refills one token.
    const refilled = Math.floor((Date.now() - started) / 1000)
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill(200))
    const late = statuses.slice(10)
    assert.ok(
      late.every((s) => s === 200 || s === 429),
      late.join(','),
    )
    assert.ok(
      late.filter((s) => s === 200).length <= refilled,
      `${late.join(',')} with ${refilled} token(s) refilled`,
    )
    // Another key has its own bucket.
    assert.equal((await call('POST', '/observability/slo/measure/acme', GLOBAL_KEY)).status, 200)
  })
})

describe('operator keys are never read from the query string', () => {
  for (const name of ['key', 'api_key', 'apikey', 'token', 'access_token', 'authorization']) {
    test(`?${name}=<global key> is not a key`, async (t) => {
      const { call } = await start(t)
      const res = await call('GET', `/observability/config?${name}=${GLOBAL_KEY}`, undefined)
      assert.equal(res.status, 401)
      assert.ok(!res.text.includes(GLOBAL_KEY))
    })
  }
})
