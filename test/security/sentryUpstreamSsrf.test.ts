import assert from 'node:assert/strict'
import { test } from 'node:test'
import { resolveConfig } from '../../src/config/resolveConfig.ts'
import { createSentryForwarder } from '../../src/frontend/createSentryForwarder.ts'
import { createOutboundGuard } from '../../src/outbound/createOutboundGuard.ts'
import { startDecoyListener } from './decoyListener.ts'

const attempt = (sentry: Record<string, unknown>, env: Record<string, string> = {}) => {
  try {
    resolveConfig({ frontend: { sentry } } as never, env)
    return undefined
  } catch (err) {
    return err as { code: string; message: string }
  }
}

test('Sentry upstreams on loopback or internal addresses stop start-up, naming the option, unless opted in', () => {
  const exact = attempt({ allow: ['http://pub@127.0.0.1:9000/7'] })
  assert.equal(exact?.code, 'LOOKOUT_ERR_CONFIG_INVALID')
  assert.match(
    exact!.message,
    /frontend\.sentry\.allow\.0: refused: host "127\.0\.0\.1" is a loopback address/,
  )
  assert.match(exact!.message, /frontend\.sentry\.allowPrivateUpstreams/)
  const relay = attempt({
    allow: [{ host: 'sentry.example.com', projectIds: ['1'], upstream: 'http://10.0.0.5:9000' }],
  })
  assert.match(
    relay!.message,
    /frontend\.sentry\.allow\.0: refused: host "10\.0\.0\.5" is a private-network address/,
  )
  const server = attempt({}, { LOOKOUT_SENTRY_SERVER_DSN: 'http://key:secret@localhost:9000/42' })
  assert.match(
    server!.message,
    /frontend\.sentry\.serverDsn \(LOOKOUT_SENTRY_SERVER_DSN\): refused: host "localhost"/,
  )
  assert.doesNotMatch(server!.message, /secret/, 'the DSN secret is not echoed')
  assert.equal(
    attempt({
      allowPrivateUpstreams: true,
      allow: [{ host: 's.example.com', projectIds: ['1'], upstream: 'http://10.0.0.5' }],
    }),
    undefined,
  )
  assert.equal(attempt({ allow: ['https://pub@o1.ingest.sentry.io/42'] }), undefined)
  const metadata = attempt({
    allowPrivateUpstreams: true,
    allow: [{ host: 's.example.com', projectIds: ['1'], upstream: 'http://169.254.169.254' }],
  })
  assert.match(metadata!.message, /a cloud metadata endpoint/)
})

test('the tunnel forwarder connects only to vetted addresses: a name resolving to loopback gets 502 and no traffic', async (t) => {
  const decoy = await startDecoyListener()
  t.after(() => decoy.close())
  const envelope = Buffer.from('{"dsn":"http://k@localhost/42"}\n{"type":"event","length":2}\n{}')
  const url = `http://localhost:${decoy.port}/api/42/envelope/`
  const strict = createSentryForwarder({
    timeoutMs: 5000,
    guard: createOutboundGuard({ connectTimeoutMs: 5000 }),
  })
  t.after(() => strict.close())
  const refused = await strict.forward(url, envelope)
  assert.deepEqual([refused.outcome, refused.status], ['upstream_unreachable', 502])
  assert.equal(decoy.connections, 0)
  // With private upstreams allowed the same forward reaches the listener: the zero above is the guard's doing.
  const onPrem = createSentryForwarder({
    timeoutMs: 5000,
    guard: createOutboundGuard({ allowPrivate: true, connectTimeoutMs: 5000 }),
  })
  t.after(() => onPrem.close())
  await onPrem.forward(url, envelope)
  assert.ok(decoy.connections >= 1)
})
