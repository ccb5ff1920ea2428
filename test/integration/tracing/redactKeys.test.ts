import assert from 'node:assert/strict'
import { once } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { test } from 'node:test'
import { SpanKind } from '@opentelemetry/api'
import Fastify from 'fastify'
import { createLookout } from 'lookout'
import { lookout as lookoutPlugin } from 'lookout/fastify'
import { createMemorySpanExporter } from 'lookout/testing'
import pino from 'pino'

const SECRET = 'secret-1'

test('a configured redact.keys entry is redacted in the spans of every span source', async (t) => {
  const downstream = http.createServer((_req, res) => res.end('ok'))
  downstream.listen(0, '127.0.0.1')
  await once(downstream, 'listening')
  t.after(() => new Promise<void>((r) => downstream.close(() => r())))
  const downstreamUrl = `http://127.0.0.1:${(downstream.address() as AddressInfo).port}`

  const spans = createMemorySpanExporter()
  const instance = createLookout(
    { service: 'billing', redact: { keys: ['acct'] }, tracing: { spanExporter: spans } },
    { env: {}, logger: pino({ level: 'silent' }) },
  )
  const charge = instance.instrument(
    { preset: 'user', operation: 'update', attributes: { acct: SECRET } },
    async () => 'charged',
  )
  const app = Fastify()
  await app.register(lookoutPlugin, { lookout: instance })
  app.get('/charge', async () => {
    await instance.tracing.withSpan('load_account', async () => 'loaded', { acct: SECRET })
    await charge()
    const res = await fetch(`${downstreamUrl}/ledger?acct=${SECRET}`)
    await res.text()
    return { ok: true }
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.after(async () => {
    await app.close()
    await instance.shutdown()
  })

  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  const res = await fetch(`${base}/charge?acct=${SECRET}`)
  assert.equal(res.status, 200)
  await instance.tracing.flush()

  const finished = spans.getFinishedSpans()
  const sources = {
    server: finished.find((s) => s.kind === SpanKind.SERVER && s.name === 'GET /charge'),
    withSpan: finished.find((s) => s.name === 'load_account'),
    instrument: finished.find((s) => s.name === 'user.operation.update'),
    outbound: finished.find((s) => s.kind === SpanKind.CLIENT),
  }
  const carried: Record<string, string[]> = {}
  for (const [source, span] of Object.entries(sources)) {
    assert.ok(span, `a ${source} span (got ${finished.map((s) => s.name).join(', ')})`)
    carried[source] = Object.entries(span.attributes)
      .filter(([, v]) => String(v).includes(SECRET))
      .map(([k]) => k)
  }
  assert.deepEqual(carried, { server: [], withSpan: [], instrument: [], outbound: [] })
  // The keys are kept: what is redacted is the value.
  assert.match(String(sources.server?.attributes['url.query']), /acct=/)
  assert.ok(sources.withSpan?.attributes.acct !== undefined)
  assert.ok(sources.instrument?.attributes.acct !== undefined)
  assert.match(String(sources.outbound?.attributes['url.full']), /acct=/)
})

test('spans from instrumentations Lookout does not own are redacted before any exporter sees them', async (t) => {
  const spans = createMemorySpanExporter()
  const instance = createLookout(
    { service: 'billing', redact: { keys: ['acct'] }, tracing: { spanExporter: spans } },
    { env: {}, logger: pino({ level: 'silent' }) },
  )
  t.after(() => instance.shutdown())

  // What a database driver's instrumentation does: raw tracer calls, no Lookout helper in between.
  const span = instance.tracing.tracer.startSpan('SELECT accounts', {
    attributes: {
      'db.query.text': "SELECT * FROM accounts WHERE email = 'ann.person@example.com'",
      acct: SECRET,
      'db.query.parameters': ['ann.person@example.com', 'plain'],
      'db.rows': 3,
    },
  })
  span.addEvent('row', { acct: SECRET })
  span.recordException(new Error('no account for ann.person@example.com'))
  span.end()
  await instance.tracing.flush()

  const [exported] = spans.getFinishedSpans()
  assert.ok(exported)
  const text = JSON.stringify({ attributes: exported.attributes, events: exported.events })
  assert.doesNotMatch(text, /ann\.person@example\.com/)
  assert.doesNotMatch(text, new RegExp(SECRET))
  assert.equal(exported.attributes.acct, '[REDACTED]')
  assert.equal(exported.attributes['db.rows'], 3)
  assert.deepEqual(exported.attributes['db.query.parameters'], ['[REDACTED_EMAIL]', 'plain'])
  assert.match(String(exported.attributes['db.query.text']), /WHERE email = '\[REDACTED_EMAIL\]'/)
})
