/**
 * Rate limits of the operator routes, over real HTTP on loopback: each key's shared read and write budgets for the
 * routes without a limit of their own, and the per-address throttle on requests without a valid key.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { fullyEnabledOptions } from '../../scripts/gen-security-docs.ts'
import { type AdapterName, startApp } from '../conformance/adapters.ts'

const GLOBAL_KEY = 'global-operator-key-0123456789'
const ACME_KEY = 'acme-operator-key-0123456789ab'
const WRONG_KEY = 'wrong-operator-key-0123456789a'

type Limit = { perMinute: number; burst: number }

async function start(
  t: { after(fn: () => unknown): void },
  rateLimit: { read?: Limit; write?: Limit; invalidKey?: Limit },
  adapter: AdapterName = 'fastify',
) {
  const app = await startApp(
    adapter,
    fullyEnabledOptions({
      store: { url: 'sqlite::memory:' },
      // Loopback is the proxy: X-Forwarded-For names the client, so one test can speak from many addresses.
      http: { trustProxy: ['127.0.0.1', '::1'] },
      operator: { keys: [GLOBAL_KEY, `${ACME_KEY}:acme`], rateLimit },
      health: {
        checks: [
          {
            name: 'payments',
            critical: false,
            run: () => ({ status: 'fail', output: 'connect ECONNREFUSED 10.20.30.40:5432' }),
          },
        ],
      },
    }),
  )
  t.after(() => app.close())
  const call = async (
    method: string,
    path: string,
    options: { key?: string; from?: string; body?: unknown } = {},
  ) => {
    const res = await fetch(`${app.url}${path}`, {
      method,
      headers: {
        ...(options.key === undefined ? {} : { authorization: `Bearer ${options.key}` }),
        ...(options.from === undefined ? {} : { 'x-forwarded-for': options.from }),
        ...(method === 'GET' ? {} : { 'content-type': 'application/json' }),
      },
      body: method === 'GET' ? undefined : JSON.stringify(options.body ?? {}),
    })
    return { status: res.status, headers: res.headers, text: await res.text() }
  }
  const limited = async (route: string) => {
    const text = await (await fetch(`${app.url}/metrics`)).text()
    const line = text.split('\n').find((l) => l.startsWith(`lookout_rate_limited_total{route="${route}"}`))
    return line === undefined ? 0 : Number(line.split(' ').at(-1))
  }
  return { call, limited }
}

/** A Retry-After of whole seconds, at most a minute (the slowest refill the tests configure). */
function assertRetryAfter(headers: Headers): void {
  const value = headers.get('retry-after')
  assert.match(value ?? '', /^[0-9]+$/, `Retry-After: ${value}`)
  assert.ok(Number(value) >= 1 && Number(value) <= 60, `Retry-After: ${value}`)
}

const SLOW = { perMinute: 1, burst: 3 }

describe('operator routes without a limit of their own draw on their key’s budgets', () => {
  test('a tenant key spreading writes over several routes is refused with 429 and Retry-After once its write budget is spent', async (t) => {
    const { call, limited } = await start(t, { write: SLOW })
    const writes = [
      ['POST', '/observability/alerts/fire/acme'],
      ['PUT', '/observability/slo/config/acme'],
      ['POST', '/observability/alerts/acknowledge/acme'],
    ] as const
    for (const [method, path] of writes) {
      assert.notEqual((await call(method, path, { key: ACME_KEY })).status, 429, `${method} ${path}`)
    }
    const refused = await call('PUT', '/observability/alerts/config/acme', {
      key: ACME_KEY,
      body: { channels: [] },
    })
    assert.equal(refused.status, 429)
    assertRetryAfter(refused.headers)
    assert.equal(JSON.parse(refused.text).error.code, 'rate_limited')
    assert.ok(!refused.text.includes(ACME_KEY), 'the refusal does not echo the key')
    assert.equal(await limited('/observability/alerts/config/:tenant'), 1)
    // Reads have their own budget, and another key its own buckets.
    assert.equal((await call('GET', '/observability/alerts/history/acme', { key: ACME_KEY })).status, 200)
    assert.notEqual((await call('POST', '/observability/alerts/fire/acme', { key: GLOBAL_KEY })).status, 429)
  })

  test('a key’s reads are refused once its read budget is spent, whichever GET routes they went to', async (t) => {
    const { call, limited } = await start(t, { read: SLOW })
    assert.equal((await call('GET', '/observability/config', { key: GLOBAL_KEY })).status, 200)
    assert.equal((await call('GET', '/observability/status/incidents', { key: GLOBAL_KEY })).status, 200)
    assert.equal((await call('GET', '/observability/slo/status/acme', { key: GLOBAL_KEY })).status, 200)
    const refused = await call('GET', '/observability/config', { key: GLOBAL_KEY })
    assert.equal(refused.status, 429)
    assertRetryAfter(refused.headers)
    assert.equal(await limited('/observability/config'), 1)
  })

  test('a route with a limit of its own keeps it instead of the key’s write budget', async (t) => {
    const { call } = await start(t, { write: { perMinute: 1, burst: 1 } })
    // POST /observability/slo/measure/:tenant declares 10 in a burst.
    for (let i = 0; i < 3; i++) {
      assert.equal((await call('POST', '/observability/slo/measure/acme', { key: ACME_KEY })).status, 200)
    }
    assert.notEqual((await call('PUT', '/observability/slo/config/acme', { key: ACME_KEY })).status, 429)
    assert.equal((await call('PUT', '/observability/slo/config/acme', { key: ACME_KEY })).status, 429)
  })
})

describe('an address that keeps failing authentication is refused before its keys are compared', () => {
  for (const adapter of ['fastify', 'express', 'node'] as const) {
    test(`on ${adapter}, wrong and missing keys spend the address's allowance, then even the right key gets 429`, async (t) => {
      const { call, limited } = await start(t, { invalidKey: SLOW }, adapter)
      assert.equal((await call('GET', '/observability/config', { key: WRONG_KEY })).status, 401)
      assert.equal((await call('GET', '/observability/config')).status, 401)
      assert.equal(
        (await call('POST', '/observability/status/incidents', { key: ACME_KEY.slice(1) })).status,
        401,
      )
      for (const key of [WRONG_KEY, GLOBAL_KEY]) {
        const refused = await call('GET', '/observability/config', { key })
        assert.equal(refused.status, 429)
        assertRetryAfter(refused.headers)
        assert.equal(refused.headers.get('www-authenticate'), null)
        assert.ok(!refused.text.includes(key), 'the refusal does not echo the key')
        assert.equal(JSON.parse(refused.text).error.code, 'rate_limited')
      }
      assert.equal(await limited('/observability/config'), 2)
    })
  }

  test('successful requests neither spend the allowance nor earn it back', async (t) => {
    const { call } = await start(t, { invalidKey: SLOW })
    for (let i = 0; i < 5; i++) {
      assert.equal((await call('GET', '/observability/config', { key: GLOBAL_KEY })).status, 200)
    }
    // A valid tenant key between guesses does not reset the count.
    for (const key of [WRONG_KEY, ACME_KEY, WRONG_KEY, ACME_KEY, WRONG_KEY]) {
      const res = await call('GET', '/observability/slo/status/acme', { key })
      assert.equal(res.status, key === ACME_KEY ? 200 : 401)
    }
    assert.equal((await call('GET', '/observability/slo/status/acme', { key: ACME_KEY })).status, 429)
  })

  test('each address has its own allowance, and IPv6 addresses share their /64', async (t) => {
    const { call } = await start(t, { invalidKey: SLOW })
    for (const from of ['203.0.113.7', '203.0.113.7', '203.0.113.7']) {
      assert.equal((await call('GET', '/observability/config', { key: WRONG_KEY, from })).status, 401)
    }
    assert.equal(
      (await call('GET', '/observability/config', { key: GLOBAL_KEY, from: '203.0.113.7' })).status,
      429,
    )
    assert.equal(
      (await call('GET', '/observability/config', { key: GLOBAL_KEY, from: '203.0.113.8' })).status,
      200,
    )
    assert.equal((await call('GET', '/observability/config', { key: GLOBAL_KEY })).status, 200)

    for (const from of ['2001:db8:1:2::a', '2001:db8:1:2:0:0:0:b', '2001:DB8:1:2:ffff::c']) {
      assert.equal((await call('GET', '/observability/config', { key: WRONG_KEY, from })).status, 401)
    }
    const sameNetwork = await call('GET', '/observability/config', {
      key: GLOBAL_KEY,
      from: '2001:db8:1:2:abcd::1',
    })
    assert.equal(sameNetwork.status, 429)
    const nextNetwork = await call('GET', '/observability/config', {
      key: GLOBAL_KEY,
      from: '2001:db8:1:3::a',
    })
    assert.equal(nextNetwork.status, 200)
  })

  test('wrong keys sent to a public route count too, and a refused address is then answered there as anonymous', async (t) => {
    const { call } = await start(t, { invalidKey: SLOW })
    const before = await call('GET', '/health/detailed', { key: GLOBAL_KEY })
    assert.ok(before.text.includes('ECONNREFUSED 10.20.30.40'), 'a global key sees check outputs')
    // Public routes stay open to callers without a key, however many.
    for (let i = 0; i < 5; i++) assert.equal((await call('GET', '/health/detailed')).status, before.status)
    for (let i = 0; i < 3; i++) {
      assert.equal((await call('GET', '/health/detailed', { key: WRONG_KEY })).status, before.status)
    }
    const after = await call('GET', '/health/detailed', { key: GLOBAL_KEY })
    assert.equal(after.status, before.status, 'a public route never answers 429 for a key')
    assert.ok(!after.text.includes('10.20.30.40'), 'the key was not compared: no check output')
    assert.equal((await call('GET', '/observability/config', { key: GLOBAL_KEY })).status, 429)
  })

  test('a scraper’s bearer token sent to /metrics is its own credential, never counted as a wrong operator key', async (t) => {
    const token = 'scrape-token-0123456789abcdef'
    const app = await startApp(
      'fastify',
      fullyEnabledOptions({
        store: { url: 'sqlite::memory:' },
        metrics: { token },
        operator: { keys: [GLOBAL_KEY], rateLimit: { invalidKey: SLOW } },
      }),
    )
    t.after(() => app.close())
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })
      await res.arrayBuffer()
      assert.equal(res.status, 200)
    }
    const res = await fetch(`${app.url}/observability/config`, {
      headers: { authorization: `Bearer ${GLOBAL_KEY}` },
    })
    await res.arrayBuffer()
    assert.equal(res.status, 200)
  })
})
