/**
 * Rate limits of the operator routes, over real HTTP on loopback: each key's shared read and write budgets for the
 * routes without a limit of their own, the per-address throttle on requests without a valid key, and what that
 * throttle counts and logs.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createLogCapture } from 'lookout/testing'
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
  routePrefix = '',
) {
  const logs = createLogCapture({ service: 'security-matrix' })
  const app = await startApp(
    adapter,
    fullyEnabledOptions({
      store: { url: 'sqlite::memory:' },
      // Loopback is the proxy: X-Forwarded-For names the client, so one test can speak from many addresses.
      http: { trustProxy: ['127.0.0.1', '::1'], routePrefix },
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
    { logger: logs.logger },
  )
  t.after(() => app.close())
  const call = async (
    method: string,
    path: string,
    options: { key?: string; from?: string; body?: unknown; authorization?: string } = {},
  ) => {
    const res = await fetch(`${app.url}${path}`, {
      method,
      headers: {
        ...(options.key === undefined ? {} : { authorization: `Bearer ${options.key}` }),
        ...(options.authorization === undefined ? {} : { authorization: options.authorization }),
        ...(options.from === undefined ? {} : { 'x-forwarded-for': options.from }),
        ...(method === 'GET' ? {} : { 'content-type': 'application/json' }),
      },
      body: method === 'GET' ? undefined : JSON.stringify(options.body ?? {}),
    })
    return { status: res.status, headers: res.headers, text: await res.text() }
  }
  const scrape = async () => (await fetch(`${app.url}${routePrefix}/metrics`)).text()
  const limited = async (route: string) => {
    const text = await scrape()
    const line = text.split('\n').find((l) => l.startsWith(`lookout_rate_limited_total{route="${route}"}`))
    return line === undefined ? 0 : Number(line.split(' ').at(-1))
  }
  /** `lookout_operator_auth_failures_total` as scraped: each series' route and reason, and its value. */
  const authFailureSeries = async () => {
    const series: { route: string; reason: string; value: number }[] = []
    for (const line of (await scrape()).split('\n')) {
      const m = /^lookout_operator_auth_failures_total\{route="([^"]*)",reason="([^"]*)"\} ([0-9.e+]+)$/.exec(
        line,
      )
      if (m) series.push({ route: m[1]!, reason: m[2]!, value: Number(m[3]) })
    }
    return series
  }
  /** `lookout_operator_auth_failures_total` by reason, summed over routes; a reason without a series is absent. */
  const authFailures = async () => {
    const counts: Record<string, number> = {}
    for (const { reason, value } of await authFailureSeries()) counts[reason] = (counts[reason] ?? 0) + value
    return counts
  }
  /** The series above zero, as `route reason` → count. */
  const authFailuresByRoute = async () =>
    Object.fromEntries(
      (await authFailureSeries()).filter((s) => s.value > 0).map((s) => [`${s.route} ${s.reason}`, s.value]),
    )
  const throttledEvents = () => logs.find({ event: 'operator_auth_throttled' })
  return {
    call,
    limited,
    scrape,
    authFailures,
    authFailuresByRoute,
    logs,
    throttledEvents,
    routes: app.lookout.routes,
    lookout: app.lookout,
  }
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

describe('failed operator-key authentication is counted by route and reason and its throttling is logged once', () => {
  test('each missing, wrong or uncompared key adds one to its reason in the scrape, and valid keys add nothing', async (t) => {
    const { call, authFailures } = await start(t, { invalidKey: SLOW })
    assert.deepEqual(await authFailures(), { missing: 0, invalid: 0, throttled: 0 }, 'series exist at zero')
    assert.equal((await call('GET', '/observability/config', { key: GLOBAL_KEY })).status, 200)
    assert.deepEqual(await authFailures(), { missing: 0, invalid: 0, throttled: 0 })

    assert.equal((await call('GET', '/observability/config')).status, 401)
    assert.deepEqual(await authFailures(), { missing: 1, invalid: 0, throttled: 0 })
    assert.equal((await call('GET', '/observability/config', { key: WRONG_KEY })).status, 401)
    assert.deepEqual(await authFailures(), { missing: 1, invalid: 1, throttled: 0 })
    // A header that carries no bearer token is a missing key, however it is malformed.
    const malformed = await call('POST', '/observability/status/incidents', {
      authorization: 'Basic dXNlcjpwYXNz',
    })
    assert.equal(malformed.status, 401)
    assert.deepEqual(await authFailures(), { missing: 2, invalid: 1, throttled: 0 })

    // The allowance (3) is spent: the right key is refused before it is compared, and counted as throttled.
    for (const key of [GLOBAL_KEY, WRONG_KEY]) {
      assert.equal((await call('GET', '/observability/config', { key })).status, 429)
    }
    assert.deepEqual(await authFailures(), { missing: 2, invalid: 1, throttled: 2 })
    // A public route answers a throttled address as anonymous; the key it sent was not compared either.
    await call('GET', '/health/detailed', { key: GLOBAL_KEY })
    assert.deepEqual(await authFailures(), { missing: 2, invalid: 1, throttled: 3 })
  })

  test('a wrong key sent to a public route is counted as invalid, and no key sent there is not a failure', async (t) => {
    const { call, authFailures } = await start(t, { invalidKey: SLOW })
    await call('GET', '/health/detailed')
    await call('GET', '/health/detailed', { key: WRONG_KEY })
    assert.deepEqual(await authFailures(), { missing: 0, invalid: 1, throttled: 0 })
  })

  test('a wrong key is counted under the template of the route it was sent to: a public route’s apart from an operator route’s', async (t) => {
    const { call, authFailuresByRoute } = await start(t, {})
    // A stale key sent to the public status page, and the same key tried on operator routes.
    assert.equal((await call('GET', '/status', { key: WRONG_KEY })).status, 200)
    assert.equal((await call('GET', '/status', { key: WRONG_KEY })).status, 200)
    assert.equal((await call('POST', '/observability/status/incidents', { key: WRONG_KEY })).status, 401)
    assert.equal((await call('GET', '/observability/config', { key: WRONG_KEY })).status, 401)
    assert.equal((await call('GET', '/observability/config')).status, 401)
    assert.deepEqual(await authFailuresByRoute(), {
      '/status invalid': 2,
      '/observability/status/incidents invalid': 1,
      '/observability/config invalid': 1,
      '/observability/config missing': 1,
    })
  })

  test('under http.routePrefix the route label is the template as mounted, prefix included', async (t) => {
    const { call, authFailuresByRoute, limited } = await start(
      t,
      { invalidKey: SLOW },
      'fastify',
      '/_lookout',
    )
    assert.equal((await call('GET', '/_lookout/public/status', { key: WRONG_KEY })).status, 200)
    assert.equal(
      (await call('PUT', '/_lookout/observability/slo/config/acme', { key: WRONG_KEY })).status,
      401,
    )
    assert.equal((await call('GET', '/_lookout/observability/config')).status, 401)
    assert.equal((await call('GET', '/_lookout/observability/config', { key: GLOBAL_KEY })).status, 429)
    assert.deepEqual(await authFailuresByRoute(), {
      '/_lookout/public/status invalid': 1,
      '/_lookout/observability/slo/config/:tenant invalid': 1,
      '/_lookout/observability/config missing': 1,
      '/_lookout/observability/config throttled': 1,
    })
    assert.equal(
      await limited('/_lookout/observability/config'),
      1,
      'the label lookout_rate_limited_total uses',
    )
  })

  test('the counter’s series carry the reason and the route template: no client address, no key and no raw path with ids', async (t) => {
    const { call, scrape, limited, routes, authFailuresByRoute } = await start(t, { invalidKey: SLOW })
    for (let i = 0; i < 5; i++) {
      await call('PATCH', '/observability/status/incidents/incident-4711', {
        key: WRONG_KEY,
        from: '203.0.113.9',
      })
    }
    assert.deepEqual(await authFailuresByRoute(), {
      '/observability/status/incidents/:id invalid': 3,
      '/observability/status/incidents/:id throttled': 2,
    })
    assert.equal(
      await limited('/observability/status/incidents/:id'),
      2,
      'the label lookout_rate_limited_total uses',
    )

    const series = (await scrape())
      .split('\n')
      .filter((l) => l.startsWith('lookout_operator_auth_failures_total'))
    for (const line of series) {
      assert.match(
        line,
        /^lookout_operator_auth_failures_total\{route="[^"]+",reason="(missing|invalid|throttled)"\} [0-9]+$/,
      )
      for (const leak of ['203.0.113.9', WRONG_KEY, 'incident-4711']) {
        assert.ok(!line.includes(leak), `${line} carries no ${leak}`)
      }
    }
    // Bound by the mounted routes, at zero from the start: every reason of each operator route, a wrong or
    // uncompared key on each public route that reads one, and nothing on /metrics (its token is no operator key).
    const expected = new Set<string>()
    for (const { route } of routes) {
      const reasons =
        route.scope.kind !== 'public'
          ? ['missing', 'invalid', 'throttled']
          : route.scope.guard === undefined
            ? ['invalid', 'throttled']
            : []
      for (const reason of reasons)
        expected.add(`lookout_operator_auth_failures_total{route="${route.path}",reason="${reason}"}`)
    }
    assert.deepEqual(new Set(series.map((l) => l.slice(0, l.lastIndexOf(' ')))), expected)
    assert.equal(series.length, expected.size)
    assert.ok(!series.some((l) => l.includes('route="/metrics"')))
  })

  test('an address is logged once when it starts being throttled, with its /64, the route and its failures, and never its key', async (t) => {
    const { call, logs, throttledEvents } = await start(t, { invalidKey: SLOW })
    const froms = ['2001:db8:1:2::a', '2001:db8:1:2:0:0:0:b', '2001:DB8:1:2:ffff::c']
    assert.equal((await call('GET', '/observability/config', { key: WRONG_KEY, from: froms[0] })).status, 401)
    assert.equal((await call('GET', '/observability/config', { from: froms[1] })).status, 401)
    assert.equal(throttledEvents().length, 0, 'not before the allowance is spent')
    assert.equal(
      (await call('PUT', '/observability/slo/config/acme', { key: WRONG_KEY, from: froms[2] })).status,
      401,
    )
    const events = throttledEvents()
    assert.equal(events.length, 1)
    const [event] = events
    assert.equal(event!.client_address, '2001:db8:1:2::/64')
    assert.equal(event!.route, '/observability/slo/config/:tenant')
    assert.equal(event!.failures, 3)
    assert.equal(event!.level, 'warn')

    // Every further refusal in the episode is a 429 and a count, not another line.
    for (let i = 0; i < 10; i++) {
      const key = i % 2 === 0 ? WRONG_KEY : GLOBAL_KEY
      assert.equal((await call('GET', '/observability/config', { key, from: '2001:db8:1:2::d' })).status, 429)
    }
    await call('GET', '/health/detailed', { key: WRONG_KEY, from: '2001:db8:1:2::e' })
    assert.equal(throttledEvents().length, 1)

    const line = logs.raw.find((l) => l.includes('"operator_auth_throttled"'))!
    for (const secret of [WRONG_KEY, GLOBAL_KEY, 'Bearer', 'authorization']) {
      assert.ok(!line.toLowerCase().includes(secret.toLowerCase()), `the event carries no ${secret}`)
    }
    for (const raw of logs.raw) {
      assert.ok(!raw.includes(WRONG_KEY) && !raw.includes(GLOBAL_KEY), 'no log line carries a key')
    }
  })

  test('each address starts its own throttling episode, logged under its own address', async (t) => {
    const { call, throttledEvents } = await start(t, { invalidKey: SLOW })
    for (const from of ['203.0.113.7', '203.0.113.8']) {
      for (let i = 0; i < 3; i++) await call('GET', '/observability/config', { key: WRONG_KEY, from })
      for (let i = 0; i < 3; i++) await call('GET', '/observability/config', { key: WRONG_KEY, from })
    }
    assert.deepEqual(
      throttledEvents().map((e) => [e.client_address, e.failures]),
      [
        ['203.0.113.7', 3],
        ['203.0.113.8', 3],
      ],
    )
  })

  test('guessing spread over addresses that are never throttled is logged as one summary line, with counts and no address or key', async (t) => {
    const { call, logs, throttledEvents, lookout } = await start(t, { invalidKey: SLOW })
    const froms = Array.from({ length: 12 }, (_, i) => `198.51.100.${i + 1}`)
    for (const from of froms) {
      assert.equal((await call('GET', '/observability/config', { key: WRONG_KEY, from })).status, 401)
      assert.equal((await call('PUT', '/observability/slo/config/acme', { from })).status, 401)
    }
    // Two hosts of one /64, each sending a wrong key to a public route: one more address.
    await call('GET', '/status', { key: WRONG_KEY, from: '2001:db8:5:6::a' })
    await call('GET', '/status', { key: WRONG_KEY, from: '2001:db8:5:6::b' })
    assert.equal(throttledEvents().length, 0, 'no address spent its allowance')
    assert.equal(logs.find({ event: 'operator_auth_failures' }).length, 0, 'not before the window ends')

    // Shutting down ends the window in progress.
    await lookout.shutdown()
    const events = logs.find({ event: 'operator_auth_failures' })
    assert.equal(events.length, 1)
    const [event] = events
    assert.equal(event!.level, 'warn')
    assert.equal(event!.failures, 26)
    assert.equal(event!.throttled, 0)
    assert.equal(event!.addresses, 13)
    assert.equal(event!.addresses_capped, undefined)
    assert.deepEqual(event!.routes, {
      '/observability/config': 12,
      '/observability/slo/config/:tenant': 12,
      '/status': 2,
    })
    assert.equal(typeof event!.window_seconds, 'number')

    const line = logs.raw.find((l) => l.includes('"operator_auth_failures"'))!
    for (const secret of [
      WRONG_KEY,
      GLOBAL_KEY,
      ACME_KEY,
      'Bearer',
      'authorization',
      '198.51.100',
      '2001:db8',
    ]) {
      assert.ok(!line.toLowerCase().includes(secret.toLowerCase()), `the line carries no ${secret}`)
    }
  })
})
