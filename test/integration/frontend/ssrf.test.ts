import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  type DecoyServer,
  type SentryReceiver,
  startDecoyServer,
  startSentryReceiver,
} from '../../support/sentryReceiver.ts'
import { type FrontendApp, frontendApp, seriesValue } from './frontendApp.ts'

// The tunnel must never connect anywhere but the allow-listed upstream. Decoys listen on loopback (IPv4 and, when
// the machine has it, IPv6); every hostile DSN below points at them in some disguise, and at the end no decoy may
// have seen a single connection.

let receiver: SentryReceiver
let decoy: DecoyServer
let decoy2: DecoyServer
let decoy6: DecoyServer | undefined
let fe: FrontendApp

before(async () => {
  receiver = await startSentryReceiver({ projectIds: ['42', '7'] })
  decoy = await startDecoyServer('127.0.0.1')
  decoy2 = await startDecoyServer('127.0.0.1')
  try {
    decoy6 = await startDecoyServer('::1')
  } catch {
    decoy6 = undefined // no IPv6 loopback here; the IPv6 DSNs are still refused, checked against the IPv4 decoys
  }
  fe = await frontendApp(
    {
      frontend: {
        sentry: {
          allow: [
            { host: 'sentry.allowed.test', projectIds: ['42'], upstream: receiver.url },
            `http://pub@127.0.0.1:${receiver.port}/7`,
          ],
          rateLimit: { perMinute: 100_000 },
          upstreamTimeoutMs: 2000,
          // The upstream listens on loopback; with private upstreams allowed, only the allow-list keeps the
          // decoys (on loopback too) out of reach.
          allowPrivateUpstreams: true,
        },
      },
    },
    { listen: true },
  )
})

after(async () => {
  await fe?.close()
  await receiver?.close()
  await decoy?.close()
  await decoy2?.close()
  await decoy6?.close()
})

function envelopeWith(header: Record<string, unknown>): Buffer {
  return Buffer.from(`${JSON.stringify(header)}\n{"type":"event","length":2}\n{}`)
}

async function send(header: Record<string, unknown>): Promise<Response> {
  return fetch(`${fe.url}/observability/sentry/envelope`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: envelopeWith(header),
  })
}

function noDecoyReached(): void {
  assert.equal(decoy.connections, 0, 'IPv4 decoy reached')
  assert.equal(decoy2.connections, 0, 'second IPv4 decoy reached')
  assert.equal(decoy6?.connections ?? 0, 0, 'IPv6 decoy reached')
}

describe('SSRF: hostile DSNs never cause a connection', () => {
  const hostile = (): [string, unknown][] => {
    const D = decoy.port
    const D2 = decoy2.port
    const D6 = decoy6?.port ?? D
    const R = receiver.port
    return [
      ['another loopback port', `http://pub@127.0.0.1:${D}/42`],
      ['another loopback port with the exact-DSN project', `http://pub@127.0.0.1:${D}/7`],
      ['localhost', `http://pub@localhost:${D2}/42`],
      ['the allowed host on another port', `http://pub@sentry.allowed.test:${D}/42`],
      ['the receiver as a host that is not allow-listed', `http://pub@127.0.0.1:${R}/42`],
      ['the exact DSN with another project', `http://pub@127.0.0.1:${R}/8`],
      ['the exact DSN with another scheme and port', `https://pub@127.0.0.1:${D}/7`],
      ['IPv6 loopback', `http://pub@[::1]:${D6}/42`],
      ['IPv4-mapped IPv6', `http://pub@[::ffff:127.0.0.1]:${D}/42`],
      ['IPv4-mapped IPv6 in hex', `http://pub@[::ffff:7f00:1]:${D}/42`],
      ['IPv6 unspecified', `http://pub@[::]:${D6}/42`],
      ['the userinfo trick', `https://key@sentry.allowed.test@127.0.0.1:${D}/42`],
      ['the userinfo trick with a port', `http://pub@sentry.allowed.test:80@127.0.0.1:${D}/42`],
      ['a backslash', `http://pub@sentry.allowed.test\\@127.0.0.1:${D}/42`],
      ['a reversed backslash', `http://pub@127.0.0.1:${D}\\@sentry.allowed.test/42`],
      ['a fragment trick', `http://pub@sentry.allowed.test#@127.0.0.1:${D}/42`],
      ['a query trick', `http://pub@sentry.allowed.test/42?@127.0.0.1:${D}`],
      ['a percent-encoded host', `http://pub@%31%32%37.0.0.1:${D}/42`],
      ['a percent-encoded colon', `http://pub@127.0.0.1%3A${D}/42`],
      ['a decimal IPv4', `http://pub@2130706433:${D}/42`],
      ['a hex IPv4', `http://pub@0x7f000001:${D}/42`],
      ['an octal IPv4', `http://pub@0177.0.0.1:${D}/42`],
      ['a short IPv4', `http://pub@127.1:${D}/42`],
      ['unicode dots', `http://pub@127。0。0。1:${D}/42`],
      ['a path with ..', 'http://pub@sentry.allowed.test/../42'],
      ['a path ending in ..', 'http://pub@sentry.allowed.test/42/..'],
      ['an encoded ..', 'http://pub@sentry.allowed.test/..%2f42'],
      ['an api traversal', `http://pub@sentry.allowed.test/api/../../127.0.0.1:${D}/42`],
      ['a non-numeric project id', 'http://pub@sentry.allowed.test/abc'],
      ['a project id with letters', 'http://pub@sentry.allowed.test/42abc'],
      ['a hex project id', 'http://pub@sentry.allowed.test/0x2a'],
      ['a NUL in the project id', 'http://pub@sentry.allowed.test/42\u0000'],
      ['a CRLF injection', `http://pub@sentry.allowed.test/42\r\nHost: 127.0.0.1:${D}`],
      ['no public key', `http://127.0.0.1:${D}/42`],
      ['a protocol-relative DSN', `//pub@127.0.0.1:${D}/42`],
      ['a file URL', 'file:///etc/passwd'],
      ['a gopher URL', `gopher://pub@127.0.0.1:${D}/42`],
      ['an object', { host: '127.0.0.1', port: D, projectId: '42' }],
      ['an array', [`http://pub@127.0.0.1:${D}/42`]],
      ['a number', 42],
    ]
  }

  test('every hostile DSN is refused with 400/403 and no decoy (or the upstream) sees a connection', async () => {
    const cases = hostile()
    for (const [why, dsn] of cases) {
      const res = await send({ dsn })
      assert.ok([400, 403].includes(res.status), `${why}: got ${res.status}`)
      await res.arrayBuffer()
    }
    noDecoyReached()
    assert.equal(receiver.connections, 0, 'the upstream was not reached either')
    const text = await fe.metrics()
    assert.equal(
      (seriesValue(text, 'lookout_sentry_tunnel_requests_total{outcome="dsn_rejected"}') ?? 0) +
        (seriesValue(text, 'lookout_sentry_tunnel_requests_total{outcome="invalid_envelope"}') ?? 0),
      cases.length,
    )
  })

  test('extra header fields (an "upstream", a "url") are ignored: only the allow-listed upstream is contacted', async () => {
    const before = receiver.received.length
    const res = await send({
      dsn: 'http://pub@sentry.allowed.test/42',
      upstream: decoy.url,
      url: `${decoy.url}/api/42/envelope/`,
      host: `127.0.0.1:${decoy.port}`,
    })
    assert.equal(res.status, 200)
    await res.arrayBuffer()
    assert.equal(receiver.received.length, before + 1)
    assert.equal(receiver.received.at(-1)!.path, '/api/42/envelope/')
    noDecoyReached()
  })

  for (const status of [301, 302, 303, 307, 308]) {
    test(`an upstream ${status} redirect to a decoy is not followed: the client gets 502`, async () => {
      receiver.reply(() => ({ status, headers: { location: `${decoy.url}/api/42/envelope/` } }))
      try {
        const res = await send({ dsn: 'http://pub@sentry.allowed.test/42' })
        assert.equal(res.status, 502)
        assert.equal(res.headers.get('location'), null)
        await res.arrayBuffer()
      } finally {
        receiver.reply(() => ({
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: '{"id":"x"}',
        }))
      }
      noDecoyReached()
    })
  }

  test('redirects are counted as upstream_redirect', async () => {
    assert.equal(
      seriesValue(await fe.metrics(), 'lookout_sentry_tunnel_requests_total{outcome="upstream_redirect"}'),
      5,
    )
  })

  test('a Host header pointing at a decoy changes nothing', async () => {
    const res = await fetch(`${fe.url}/observability/sentry/envelope`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-forwarded-host': `127.0.0.1:${decoy.port}` },
      body: envelopeWith({ dsn: `http://pub@127.0.0.1:${decoy.port}/42` }),
    })
    assert.equal(res.status, 403)
    await res.arrayBuffer()
    noDecoyReached()
  })
})
