import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, test } from 'node:test'
import { startSentryReceiver } from '../../support/sentryReceiver.ts'
import { frontendApp, seriesValue } from './frontendApp.ts'

const TUNNEL = '/observability/sentry/envelope'

/** An envelope whose attachment payload is binary, contains newlines and invalid UTF-8 — so any re-encoding shows. */
function envelope(dsn: string): Buffer {
  const event = Buffer.from(JSON.stringify({ event_id: 'a'.repeat(32), message: 'boom\nsecond line' }))
  const attachment = Buffer.concat([Buffer.from([0xff, 0x0a, 0x00, 0xc3, 0x28, 0x0a]), randomBytes(512)])
  return Buffer.concat([
    Buffer.from(
      `${JSON.stringify({ event_id: 'a'.repeat(32), dsn, sent_at: '2024-05-01T10:00:00.000Z' })}\n`,
    ),
    Buffer.from(`${JSON.stringify({ type: 'event', length: event.length })}\n`),
    event,
    Buffer.from('\n'),
    Buffer.from(`${JSON.stringify({ type: 'attachment', length: attachment.length, filename: 'a.bin' })}\n`),
    attachment,
  ])
}

async function setup(
  t: { after(fn: () => unknown): void },
  sentry: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
) {
  const receiver = await startSentryReceiver({ projectIds: ['42', '7'] })
  t.after(() => receiver.close())
  const fe = await frontendApp(
    {
      frontend: {
        sentry: {
          allow: [
            { host: 'sentry.allowed.test', projectIds: ['42'], upstream: receiver.url },
            `http://pub@127.0.0.1:${receiver.port}/7`,
          ],
          rateLimit: { perMinute: 100_000 },
          // The receiver listens on loopback, which the outbound policy refuses unless allowed.
          allowPrivateUpstreams: true,
          ...sentry,
        },
        ...extra,
      },
    },
    { listen: true },
  )
  t.after(() => fe.close())
  const post = (
    body: Uint8Array | string,
    headers: Record<string, string> = { 'content-type': 'text/plain;charset=UTF-8' },
  ) => fetch(`${fe.url}${TUNNEL}`, { method: 'POST', body, headers })
  return { receiver, fe, post }
}

describe('the Sentry tunnel over real sockets', () => {
  test('an allow-listed host + project is forwarded byte for byte to its upstream, and the answer comes back', async (t) => {
    const { receiver, fe, post } = await setup(t)
    const bytes = envelope('https://pubkey@sentry.allowed.test/42')
    const res = await post(bytes)
    assert.equal(res.status, 200)
    assert.deepEqual(await res.json(), { id: 'a'.repeat(32) })
    assert.equal(receiver.received.length, 1)
    assert.deepEqual(receiver.violations, [])
    const got = receiver.received[0]!
    assert.equal(got.path, '/api/42/envelope/')
    assert.ok(got.body.equals(bytes), 'the upstream received exactly the bytes sent')
    assert.equal(got.items.length, 2)
    assert.equal(
      seriesValue(await fe.metrics(), 'lookout_sentry_tunnel_requests_total{outcome="forwarded"}'),
      1,
    )
  })

  test('an exact-DSN entry is forwarded to the ingest URL derived from the configured DSN', async (t) => {
    const { receiver, post } = await setup(t)
    const bytes = envelope(`http://pub@127.0.0.1:${receiver.port}/7`)
    const res = await post(bytes, { 'content-type': 'application/x-sentry-envelope' })
    assert.equal(res.status, 200)
    assert.equal(receiver.received[0]?.path, '/api/7/envelope/')
    assert.ok(receiver.received[0]!.body.equals(bytes))
  })

  test('a binary body without a Content-Type (what fetch sends for Uint8Array) is accepted', async (t) => {
    const { receiver, fe } = await setup(t)
    const bytes = envelope('https://pubkey@sentry.allowed.test/42')
    const res = await fetch(`${fe.url}${TUNNEL}`, { method: 'POST', body: new Uint8Array(bytes) })
    assert.equal(res.status, 200)
    assert.ok(receiver.received[0]!.body.equals(bytes))
  })

  test('no client cookie, Authorization, forwarding or custom header reaches the upstream', async (t) => {
    const { receiver, post } = await setup(t)
    await post(envelope('https://pubkey@sentry.allowed.test/42'), {
      'content-type': 'text/plain',
      cookie: 'session=s3cr3t',
      authorization: 'Bearer s3cr3t',
      'x-forwarded-for': '203.0.113.9',
      'x-sentry-auth': 'Sentry sentry_key=client',
      origin: 'https://app.example.com',
      referer: 'https://app.example.com/checkout?token=s3cr3t',
      'x-custom': 'y',
    })
    const headers = receiver.received[0]!.headers
    for (const name of [
      'cookie',
      'authorization',
      'x-forwarded-for',
      'x-sentry-auth',
      'origin',
      'referer',
      'x-custom',
    ]) {
      assert.equal(headers[name], undefined, `${name} must not be forwarded`)
    }
    assert.equal(headers['content-type'], 'application/x-sentry-envelope')
    assert.equal(headers['user-agent'], 'lookout-sentry-tunnel')
  })

  test('the upstream 429 comes back with Retry-After and X-Sentry-Rate-Limits', async (t) => {
    const { receiver, fe, post } = await setup(t)
    receiver.reply(() => ({
      status: 429,
      headers: {
        'retry-after': '60',
        'x-sentry-rate-limits': '60:error;transaction:organization',
        'set-cookie': 'x=1',
      },
    }))
    const res = await post(envelope('https://pubkey@sentry.allowed.test/42'))
    assert.equal(res.status, 429)
    assert.equal(res.headers.get('retry-after'), '60')
    assert.equal(res.headers.get('x-sentry-rate-limits'), '60:error;transaction:organization')
    assert.equal(res.headers.get('set-cookie'), null, 'other upstream headers are not passed back')
    assert.equal(
      seriesValue(
        await fe.metrics(),
        'lookout_sentry_tunnel_requests_total{outcome="upstream_rate_limited"}',
      ),
      1,
    )
  })

  test('an upstream error status is passed back', async (t) => {
    const { receiver, fe, post } = await setup(t)
    receiver.reply(() => ({ status: 503, body: 'internal detail' }))
    const res = await post(envelope('https://pubkey@sentry.allowed.test/42'))
    assert.equal(res.status, 503)
    assert.ok(!(await res.text()).includes('internal detail'), 'non-JSON upstream bodies are not relayed')
    assert.equal(
      seriesValue(await fe.metrics(), 'lookout_sentry_tunnel_requests_total{outcome="upstream_error"}'),
      1,
    )
  })

  test('an upstream that does not answer in time gives 504', async (t) => {
    const { receiver, fe, post } = await setup(t, { upstreamTimeoutMs: 300 })
    receiver.reply(() => 'hang')
    const res = await post(envelope('https://pubkey@sentry.allowed.test/42'))
    assert.equal(res.status, 504)
    assert.equal(
      seriesValue(await fe.metrics(), 'lookout_sentry_tunnel_requests_total{outcome="upstream_timeout"}'),
      1,
    )
  })

  test('an unreachable upstream gives 502', async (t) => {
    const dead = await startSentryReceiver({ projectIds: ['42'] })
    const deadUrl = dead.url
    await dead.close()
    const { fe, post } = await setup(t, {
      allow: [{ host: 'sentry.allowed.test', projectIds: ['42'], upstream: deadUrl }],
    })
    const res = await post(envelope('https://pubkey@sentry.allowed.test/42'))
    assert.equal(res.status, 502)
    assert.equal(
      seriesValue(await fe.metrics(), 'lookout_sentry_tunnel_requests_total{outcome="upstream_unreachable"}'),
      1,
    )
  })

  test('an envelope over the cap gets 413 and never reaches the upstream', async (t) => {
    const { receiver, post } = await setup(t, { envelopeLimit: 2048 })
    const big = Buffer.concat([envelope('https://pubkey@sentry.allowed.test/42'), randomBytes(4096)])
    const res = await post(big)
    assert.equal(res.status, 413)
    assert.equal(receiver.connections, 0)
  })

  const refused: [string, Uint8Array | string, Record<string, string>, number, string][] = [
    [
      'a JSON content type',
      envelope('https://pubkey@sentry.allowed.test/42'),
      { 'content-type': 'application/json' },
      415,
      'unsupported_media_type',
    ],
    [
      'a form content type',
      'a=b',
      { 'content-type': 'application/x-www-form-urlencoded' },
      415,
      'unsupported_media_type',
    ],
    ['an empty body', '', { 'content-type': 'text/plain' }, 400, 'invalid_envelope'],
    [
      'a header line that is not JSON',
      'hello\n{}',
      { 'content-type': 'text/plain' },
      400,
      'invalid_envelope',
    ],
    [
      'a header without dsn',
      '{"event_id":"x"}\n{}',
      { 'content-type': 'text/plain' },
      400,
      'invalid_envelope',
    ],
    [
      'a DSN that is not allowed',
      envelope('https://pubkey@o1.ingest.sentry.io/42'),
      { 'content-type': 'text/plain' },
      403,
      'dsn_rejected',
    ],
  ]
  for (const [why, body, headers, status, outcome] of refused) {
    test(`${why} is refused with ${status}, counted as ${outcome}, and never forwarded`, async (t) => {
      const { receiver, fe, post } = await setup(t)
      const res = await post(body, headers)
      assert.equal(res.status, status)
      assert.equal(receiver.connections, 0)
      assert.equal(
        seriesValue(await fe.metrics(), `lookout_sentry_tunnel_requests_total{outcome="${outcome}"}`),
        1,
      )
    })
  }

  test('a client over the rate limit gets 429 with Retry-After, without reaching the upstream', async (t) => {
    const { receiver, post } = await setup(t, { rateLimit: { perMinute: 60, burst: 2 } })
    const bytes = envelope('https://pubkey@sentry.allowed.test/42')
    assert.equal((await post(bytes)).status, 200)
    assert.equal((await post(bytes)).status, 200)
    const limited = await post(bytes)
    assert.equal(limited.status, 429)
    assert.equal(limited.headers.get('retry-after'), '1')
    assert.equal(receiver.received.length, 2)
  })

  test('beyond maxInFlight forwards a request gets 503 with Retry-After', async (t) => {
    const { receiver, fe, post } = await setup(t, { maxInFlight: 1, upstreamTimeoutMs: 3000 })
    receiver.reply(() => 'hang')
    const bytes = envelope('https://pubkey@sentry.allowed.test/42')
    const first = post(bytes)
    await receiver.waitFor(1)
    const second = await post(bytes)
    assert.equal(second.status, 503)
    assert.equal(second.headers.get('retry-after'), '1')
    assert.equal(
      seriesValue(await fe.metrics(), 'lookout_sentry_tunnel_requests_total{outcome="overloaded"}'),
      1,
    )
    await receiver.close() // releases the hanging upstream request
    assert.ok([502, 504].includes((await first).status))
  })

  test('CORS: an allowed origin can read the tunnel answer and its rate-limit headers', async (t) => {
    const { receiver, post } = await setup(t, {}, { cors: { origins: ['https://app.example.com'] } })
    receiver.reply(() => ({ status: 429, headers: { 'retry-after': '5' } }))
    const res = await post(envelope('https://pubkey@sentry.allowed.test/42'), {
      'content-type': 'text/plain',
      origin: 'https://app.example.com',
    })
    assert.equal(res.headers.get('access-control-allow-origin'), 'https://app.example.com')
    assert.match(String(res.headers.get('access-control-expose-headers')), /retry-after/)
  })
})

describe('error reports forwarded to Sentry with a server DSN', () => {
  test('a report becomes one redacted event envelope on the server DSN project, authenticated with its key', async (t) => {
    const receiver = await startSentryReceiver({ projectIds: ['42'] })
    t.after(() => receiver.close())
    const fe = await frontendApp({
      environment: 'staging',
      frontend: {
        sentry: {
          serverDsn: `http://srvkey:srvsecret@127.0.0.1:${receiver.port}/42`,
          allowPrivateUpstreams: true,
        },
        report: { enabled: true, apps: ['web'] },
      },
    })
    t.after(() => fe.close())
    const res = await fe.app.inject({
      method: 'POST',
      url: '/observability/sentry/report',
      payload: {
        message: 'failed for jane@example.com',
        app: 'web',
        url: 'https://app.example.com/x?token=abc',
        tags: { step: 'pay' },
      },
    })
    assert.equal(res.statusCode, 202)
    await receiver.waitFor(1)
    await fe.instance.frontend.idle()
    const got = receiver.received[0]!
    assert.deepEqual(receiver.violations, [])
    assert.equal(got.path, '/api/42/envelope/')
    assert.equal(got.header.dsn, `http://srvkey@127.0.0.1:${receiver.port}/42`)
    assert.match(String(got.headers['x-sentry-auth']), /sentry_key=srvkey/)
    assert.ok(!got.body.includes('srvsecret'))
    const event = JSON.parse(got.items[0]!.payload.toString('utf8'))
    assert.equal(event.environment, 'staging')
    assert.equal(event.message.formatted, 'failed for [REDACTED_EMAIL]')
    assert.equal(event.request.url, 'https://app.example.com/x')
    assert.deepEqual(event.tags, { step: 'pay', app: 'web', kind: 'error' })
    assert.equal(seriesValue(await fe.metrics(), 'lookout_sentry_report_forwards_total{outcome="sent"}'), 1)
  })

  test('a configured redact.patterns value is replaced in the forwarded event and in the logged report', async (t) => {
    const receiver = await startSentryReceiver({ projectIds: ['42'] })
    t.after(() => receiver.close())
    const fe = await frontendApp({
      redact: { patterns: [{ name: 'customer_id', pattern: 'CUST-\\d{6}' }] },
      frontend: {
        sentry: { serverDsn: `http://srvkey@127.0.0.1:${receiver.port}/42`, allowPrivateUpstreams: true },
        report: { enabled: true, apps: ['web'] },
      },
    })
    t.after(() => fe.close())
    const res = await fe.app.inject({
      method: 'POST',
      url: '/observability/sentry/report',
      payload: {
        message: 'checkout failed for CUST-482913',
        app: 'web',
        url: 'https://app.example.com/customers/CUST-482913',
        tags: { customer: 'CUST-482913' },
      },
    })
    assert.equal(res.statusCode, 202)
    await receiver.waitFor(1)
    await fe.instance.frontend.idle()
    const got = receiver.received[0]!
    assert.doesNotMatch(got.body.toString('utf8'), /CUST-482913/)
    const event = JSON.parse(got.items[0]!.payload.toString('utf8'))
    assert.equal(event.message.formatted, 'checkout failed for [REDACTED_CUSTOMER_ID]')
    assert.equal(event.request.url, 'https://app.example.com/customers/[REDACTED_CUSTOMER_ID]')
    assert.equal(event.tags.customer, '[REDACTED_CUSTOMER_ID]')
    assert.doesNotMatch(fe.logs.join('\n'), /CUST-482913/)
  })

  test('when Sentry refuses reports they are counted as failed and the request still gets 202', async (t) => {
    const receiver = await startSentryReceiver({ projectIds: ['42'] })
    t.after(() => receiver.close())
    receiver.reply(() => ({ status: 500 }))
    const fe = await frontendApp({
      frontend: {
        sentry: { serverDsn: `http://srvkey@127.0.0.1:${receiver.port}/42`, allowPrivateUpstreams: true },
        report: { enabled: true },
      },
    })
    t.after(() => fe.close())
    for (let i = 0; i < 3; i++) {
      const res = await fe.app.inject({
        method: 'POST',
        url: '/observability/sentry/report',
        payload: { message: 'x' },
      })
      assert.equal(res.statusCode, 202)
    }
    await receiver.waitFor(3)
    await fe.instance.frontend.idle()
    assert.equal(seriesValue(await fe.metrics(), 'lookout_sentry_report_forwards_total{outcome="failed"}'), 3)
    const warnings = fe.logs.filter((l) => l.includes('frontend_report_forward_failed'))
    assert.equal(warnings.length, 1, 'logged once per failure burst')
  })
})
