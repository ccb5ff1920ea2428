import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { frontendApp, seriesValue } from './frontendApp.ts'

const DSN = 'https://pub@o1.ingest.sentry.io/42'

describe('front-end routes are mounted only when configured', () => {
  test('with defaults every front-end path is a 404', async (t) => {
    const fe = await frontendApp({})
    t.after(() => fe.close())
    for (const [method, url] of [
      ['GET', '/observability/sentry/config'],
      ['POST', '/observability/sentry/envelope'],
      ['POST', '/observability/sentry/report'],
      ['POST', '/api/v1/metrics'],
    ] as const) {
      const res = await fe.app.inject({ method, url, payload: method === 'POST' ? '{}' : undefined })
      assert.equal(res.statusCode, 404, `${method} ${url}`)
    }
    assert.deepEqual(fe.instance.frontend.paths, [])
  })
})

describe('GET /observability/sentry/config', () => {
  test('serves the public browser config, cacheable, with the tunnel path', async (t) => {
    const fe = await frontendApp({
      environment: 'production',
      frontend: {
        sentry: {
          dsn: DSN,
          release: 'web@1.4.0',
          tracesSampleRate: 0.1,
          replaysOnErrorSampleRate: 1,
          serverDsn: 'https://srv:topsecret@o1.ingest.sentry.io/43',
        },
      },
    })
    t.after(() => fe.close())
    const res = await fe.app.inject('/observability/sentry/config')
    assert.equal(res.statusCode, 200)
    assert.deepEqual(res.json(), {
      dsn: DSN,
      environment: 'production',
      release: 'web@1.4.0',
      tracesSampleRate: 0.1,
      replaysSessionSampleRate: 0,
      replaysOnErrorSampleRate: 1,
      tunnel: '/observability/sentry/envelope',
    })
    assert.equal(res.headers['cache-control'], 'public, max-age=300')
    assert.match(String(res.headers['content-type']), /^application\/json/)
    assert.ok(!res.body.includes('topsecret') && !res.body.includes('srv'), 'the server DSN is never served')
    const etag = String(res.headers.etag)
    assert.match(etag, /^"[A-Za-z0-9_-]+"$/)
    const again = await fe.app.inject({
      url: '/observability/sentry/config',
      headers: { 'if-none-match': etag },
    })
    assert.equal(again.statusCode, 304)
    assert.equal(again.body, '')
    const weak = await fe.app.inject({
      url: '/observability/sentry/config',
      headers: { 'if-none-match': `"x", W/${etag}` },
    })
    assert.equal(weak.statusCode, 304)
    const stale = await fe.app.inject({
      url: '/observability/sentry/config',
      headers: { 'if-none-match': '"old"' },
    })
    assert.equal(stale.statusCode, 200)
    const head = await fe.app.inject({ method: 'HEAD', url: '/observability/sentry/config' })
    assert.equal(head.statusCode, 200)
  })
})

describe('POST /observability/sentry/report', () => {
  const options = {
    frontend: { report: { enabled: true, apps: ['web'], rateLimit: { perMinute: 100_000 } } },
  }

  test('a valid report is redacted, logged once as frontend_error, counted by app and kind, and answered 202', async (t) => {
    const fe = await frontendApp(options)
    t.after(() => fe.close())
    const res = await fe.app.inject({
      method: 'POST',
      url: '/observability/sentry/report',
      payload: {
        message: 'checkout failed for jane.doe@example.com',
        stack: 'Error: x\n    at pay (https://app.example.com/main.js:1:2) Bearer abcdef1234567890',
        url: 'https://app.example.com/reset?token=abc123&email=jane.doe@example.com#frag',
        release: 'web@1.2.3',
        level: 'error',
        kind: 'unhandledrejection',
        app: 'web',
        tags: { route: '/checkout', password: 'hunter2' },
      },
    })
    assert.equal(res.statusCode, 202, res.body)
    assert.deepEqual(res.json(), { accepted: true })
    const lines = fe.logs.map((l) => JSON.parse(l)).filter((l) => l.event === 'frontend_error')
    assert.equal(lines.length, 1)
    const line = lines[0]
    assert.equal(line.level, 40)
    assert.equal(line.app, 'web')
    assert.equal(line.kind, 'unhandledrejection')
    assert.equal(line.report_level, 'error')
    assert.equal(line.report.url, 'https://app.example.com/reset')
    assert.equal(line.report.tags.route, '/checkout')
    const all = fe.logs.join('\n')
    for (const secret of ['jane.doe@example.com', 'abcdef1234567890', 'hunter2', 'abc123', 'frag']) {
      assert.ok(!all.includes(secret), `"${secret}" must not be logged`)
    }
    assert.equal(
      seriesValue(await fe.metrics(), 'lookout_frontend_errors_total{app="web",kind="unhandledrejection"}'),
      1,
    )
  })

  test('an app that is not on the allow-list is counted as other', async (t) => {
    const fe = await frontendApp(options)
    t.after(() => fe.close())
    for (const app of ['mobile', 'x'.repeat(60), undefined]) {
      const res = await fe.app.inject({
        method: 'POST',
        url: '/observability/sentry/report',
        payload: { message: 'boom', ...(app === undefined ? {} : { app }) },
      })
      assert.equal(res.statusCode, 202)
    }
    const text = await fe.metrics()
    assert.equal(seriesValue(text, 'lookout_frontend_errors_total{app="other",kind="error"}'), 3)
    assert.ok(!text.includes('mobile'))
  })

  test('text/plain bodies (sendBeacon, no preflight) are accepted', async (t) => {
    const fe = await frontendApp(options)
    t.after(() => fe.close())
    const res = await fe.app.inject({
      method: 'POST',
      url: '/observability/sentry/report',
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      payload: JSON.stringify({ message: 'beacon' }),
    })
    assert.equal(res.statusCode, 202)
  })

  const bad: [string, string | object, string, number][] = [
    ['a missing message', { stack: 'x' }, 'application/json', 422],
    ['an empty message', { message: '' }, 'application/json', 422],
    ['an unknown field', { message: 'x', user: 'jane' }, 'application/json', 422],
    ['an unknown level', { message: 'x', level: 'panic' }, 'application/json', 422],
    ['an unknown kind', { message: 'x', kind: 'weird' }, 'application/json', 422],
    [
      'too many tags',
      { message: 'x', tags: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`t${i}`, 'v'])) },
      'application/json',
      422,
    ],
    ['a __proto__ tag', '{"message":"x","tags":{"__proto__":"y"}}', 'application/json', 422],
    ['malformed JSON', '{"message":', 'application/json', 400],
    ['a form body', 'message=x', 'application/x-www-form-urlencoded', 415],
  ]
  for (const [why, payload, type, status] of bad) {
    test(`${why} is refused with ${status} and nothing is logged or counted`, async (t) => {
      const fe = await frontendApp(options)
      t.after(() => fe.close())
      const res = await fe.app.inject({
        method: 'POST',
        url: '/observability/sentry/report',
        headers: { 'content-type': type },
        payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
      })
      assert.equal(res.statusCode, status, res.body)
      assert.ok(!fe.logs.some((l) => l.includes('frontend_error')))
      assert.ok(!(await fe.metrics()).includes('lookout_frontend_errors_total{'))
    })
  }

  test('a body over the cap is refused with 413 before it is buffered', async (t) => {
    const fe = await frontendApp({ frontend: { report: { enabled: true, bodyLimit: 1024 } } })
    t.after(() => fe.close())
    const res = await fe.app.inject({
      method: 'POST',
      url: '/observability/sentry/report',
      payload: { message: 'x'.repeat(2000) },
    })
    assert.equal(res.statusCode, 413)
  })

  test('a client over the rate limit gets 429 with Retry-After', async (t) => {
    const fe = await frontendApp({
      frontend: { report: { enabled: true, rateLimit: { perMinute: 2, burst: 2 } } },
    })
    t.after(() => fe.close())
    const send = () =>
      fe.app.inject({ method: 'POST', url: '/observability/sentry/report', payload: { message: 'x' } })
    assert.equal((await send()).statusCode, 202)
    assert.equal((await send()).statusCode, 202)
    const limited = await send()
    assert.equal(limited.statusCode, 429)
    assert.match(String(limited.headers['retry-after']), /^\d+$/)
  })
})

describe(`POST /api/v1/metrics`, () => {
  const catalog = {
    signup_started: { labels: { plan: ['free', 'pro'] } },
    items_viewed: { labels: { page: ['home', 'cart'] }, maxValue: 20 },
  }
  const options = {
    frontend: {
      events: { catalog, maxBatch: 3, rateLimit: { perMinute: 100_000 } },
      cors: { origins: ['https://app.example.com'] },
    },
  }
  const post = (
    fe: Awaited<ReturnType<typeof frontendApp>>,
    payload: unknown,
    headers: Record<string, string> = {},
  ) =>
    fe.app.inject({
      method: 'POST',
      url: '/api/v1/metrics',
      headers: { 'content-type': 'application/json', ...headers },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    })

  test('one event, an array and {events} are accepted and counted with their catalog labels', async (t) => {
    const fe = await frontendApp(options)
    t.after(() => fe.close())
    assert.equal((await post(fe, { event: 'signup_started', labels: { plan: 'pro' } })).statusCode, 202)
    const arr = await post(fe, [
      { event: 'items_viewed', value: 5, labels: { page: 'cart' } },
      { event: 'signup_started' },
    ])
    assert.equal(arr.statusCode, 202)
    assert.deepEqual(arr.json(), { accepted: 2 })
    assert.equal(
      (await post(fe, { events: [{ event: 'signup_started', labels: { plan: 'pro' } }] })).statusCode,
      202,
    )
    const text = await fe.metrics()
    assert.equal(
      seriesValue(text, 'lookout_public_events_total{event="signup_started",page="",plan="pro"}'),
      2,
    )
    assert.equal(
      seriesValue(text, 'lookout_public_events_total{event="items_viewed",page="cart",plan=""}'),
      5,
    )
    assert.equal(seriesValue(text, 'lookout_public_events_total{event="signup_started",page="",plan=""}'), 1)
  })

  const refused: [string, unknown, string, number][] = [
    ['an unknown event', { event: 'purchase' }, 'unknown_event', 1],
    ['an undeclared label', { event: 'signup_started', labels: { color: 'red' } }, 'unknown_label', 1],
    [
      'an undeclared value',
      { event: 'signup_started', labels: { plan: 'gold' } },
      'label_value_not_allowed',
      1,
    ],
    ['an email key', { event: 'signup_started', labels: { email: 'x' } }, 'pii_key', 1],
    ['a password key', { event: 'signup_started', labels: { password: 'x' } }, 'pii_key', 1],
    ['an email value', { event: 'signup_started', labels: { plan: 'jane@example.com' } }, 'pii_value', 1],
    [
      'a card number value',
      { event: 'signup_started', labels: { plan: '4111 1111 1111 1111' } },
      'pii_value',
      1,
    ],
    ['a value above maxValue', { event: 'items_viewed', value: 21 }, 'value_out_of_range', 1],
    [
      'a batch above maxBatch',
      Array.from({ length: 4 }, () => ({ event: 'signup_started' })),
      'batch_too_large',
      1,
    ],
    ['an empty batch', [], 'invalid_body', 1],
    ['{events} with extra keys', { events: [], user: 'x' }, 'invalid_body', 1],
    [
      'a batch with one bad event',
      [{ event: 'signup_started' }, { event: 'nope' }, { event: 'nope2' }],
      'unknown_event',
      2,
    ],
    ['malformed JSON', '{"event":', 'invalid_json', 1],
  ]
  for (const [why, payload, reason, count] of refused) {
    test(`${why} is refused with 422/400 (${reason}), counted, and nothing is accepted`, async (t) => {
      const fe = await frontendApp(options)
      t.after(() => fe.close())
      const res = await post(fe, payload)
      assert.equal(res.statusCode, reason === 'invalid_json' ? 400 : 422, res.body)
      const text = await fe.metrics()
      assert.equal(seriesValue(text, `lookout_public_events_rejected_total{reason="${reason}"}`), count)
      assert.ok(!/lookout_public_events_total\{[^}]*\} [1-9]/.test(text), 'nothing accepted')
      // The full card number: a bare '4111' can occur in any process metric's digits.
      assert.ok(!text.includes('jane@example.com') && !text.includes('4111 1111 1111 1111'))
      if (res.statusCode === 422 && res.json().error.details) {
        const details = res.json().error.details as { reason: string }[]
        assert.ok(details.some((d) => d.reason === reason))
        assert.ok(!res.body.includes('jane@example.com'), 'refused values are not echoed')
      }
    })
  }

  test('a form body is refused with 415 and counted', async (t) => {
    const fe = await frontendApp(options)
    t.after(() => fe.close())
    const res = await post(fe, 'event=x', { 'content-type': 'application/x-www-form-urlencoded' })
    assert.equal(res.statusCode, 415)
    assert.equal(
      seriesValue(
        await fe.metrics(),
        'lookout_public_events_rejected_total{reason="unsupported_media_type"}',
      ),
      1,
    )
  })

  test('an allowed origin gets CORS headers and a preflight; another origin does not', async (t) => {
    const fe = await frontendApp(options)
    t.after(() => fe.close())
    const res = await post(fe, { event: 'signup_started' }, { origin: 'https://app.example.com' })
    assert.equal(res.headers['access-control-allow-origin'], 'https://app.example.com')
    const evil = await post(fe, { event: 'signup_started' }, { origin: 'https://evil.example' })
    assert.equal(evil.headers['access-control-allow-origin'], undefined)
    const pre = await fe.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/metrics',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    })
    assert.equal(pre.statusCode, 204)
    assert.equal(pre.headers['access-control-allow-origin'], 'https://app.example.com')
    assert.equal(pre.headers['access-control-allow-methods'], 'POST')
    const preEvil = await fe.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/metrics',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    })
    assert.equal(preEvil.statusCode, 403)
    assert.equal(preEvil.headers['access-control-allow-origin'], undefined)
  })

  test('the path is configurable', async (t) => {
    const fe = await frontendApp({ frontend: { events: { catalog, path: '/telemetry/events' } } })
    t.after(() => fe.close())
    const res = await fe.app.inject({
      method: 'POST',
      url: '/telemetry/events',
      payload: { event: 'signup_started' },
    })
    assert.equal(res.statusCode, 202)
    assert.equal(
      (await fe.app.inject({ method: 'POST', url: '/api/v1/metrics', payload: {} })).statusCode,
      404,
    )
  })

  test('a client over the rate limit gets 429 with Retry-After', async (t) => {
    const fe = await frontendApp({
      frontend: { events: { catalog, rateLimit: { perMinute: 60, burst: 1 } } },
    })
    t.after(() => fe.close())
    assert.equal((await post(fe, { event: 'signup_started' })).statusCode, 202)
    const limited = await post(fe, { event: 'signup_started' })
    assert.equal(limited.statusCode, 429)
    assert.equal(limited.headers['retry-after'], '1')
  })

  test('a PII-looking catalog key stops start-up with LOOKOUT_ERR_FRONTEND_CONFIG', async () => {
    await assert.rejects(
      frontendApp({ frontend: { events: { catalog: { e: { labels: { user_email: ['x'] } } } } } }),
      (e: { code?: string }) => e.code === 'LOOKOUT_ERR_FRONTEND_CONFIG',
    )
  })
})
