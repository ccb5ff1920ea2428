import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { test } from 'node:test'
import { SpanKind } from '@opentelemetry/api'
import Fastify from 'fastify'
import { createLookout } from 'lookout'
import { lookout as lookoutPlugin } from 'lookout/fastify'
import { createMemorySpanExporter } from 'lookout/testing'
import pino from 'pino'

const CUSTOMER = 'CUST-482913'

test('a configured redact.patterns entry is redacted in server, helper and raw spans', async (t) => {
  const spans = createMemorySpanExporter()
  const instance = createLookout(
    {
      service: 'billing',
      redact: { patterns: [{ name: 'customer_id', pattern: 'CUST-\\d{6}' }] },
      tracing: { spanExporter: spans },
    },
    { env: {}, logger: pino({ level: 'silent' }) },
  )
  const app = Fastify()
  await app.register(lookoutPlugin, { lookout: instance })
  app.get('/customers/:id', async () => {
    // Set on the server span itself, beside the attributes Lookout gives it when the request ends.
    instance.tracing.addSpanAttributes({ 'customer.ref': CUSTOMER })
    await instance.tracing.withSpan('load_customer', async () => 'loaded', { customer: CUSTOMER })
    const raw = instance.tracing.tracer.startSpan('SELECT customers', {
      attributes: { 'db.query.text': `SELECT * FROM customers WHERE ref = '${CUSTOMER}'` },
    })
    raw.addEvent('row', { ref: CUSTOMER })
    raw.end()
    return { ok: true }
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.after(async () => {
    await app.close()
    await instance.shutdown()
  })

  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  const res = await fetch(`${base}/customers/${CUSTOMER}?ref=${CUSTOMER}`, {
    headers: { 'user-agent': `checkout/${CUSTOMER}` },
  })
  assert.equal(res.status, 200)
  await instance.tracing.flush()

  const finished = spans.getFinishedSpans()
  const server = finished.find((s) => s.kind === SpanKind.SERVER)
  const helper = finished.find((s) => s.name === 'load_customer')
  const raw = finished.find((s) => s.name === 'SELECT customers')
  assert.ok(server && helper && raw, `spans: ${finished.map((s) => s.name).join(', ')}`)
  const text = JSON.stringify(finished.map((s) => ({ attributes: s.attributes, events: s.events })))
  assert.doesNotMatch(text, /CUST-482913/)
  assert.equal(helper.attributes.customer, '[REDACTED_CUSTOMER_ID]')
  assert.equal(
    raw.attributes['db.query.text'],
    "SELECT * FROM customers WHERE ref = '[REDACTED_CUSTOMER_ID]'",
  )
  assert.deepEqual(raw.events[0]?.attributes, { ref: '[REDACTED_CUSTOMER_ID]' })
  assert.equal(server.attributes['customer.ref'], '[REDACTED_CUSTOMER_ID]')
  assert.equal(server.attributes['url.path'], '/customers/[REDACTED_CUSTOMER_ID]')
  assert.equal(server.attributes['user_agent.original'], 'checkout/[REDACTED_CUSTOMER_ID]')
  // The query keeps its encoding: the marker is percent-encoded like any other value.
  assert.equal(server.attributes['url.query'], 'ref=%5BREDACTED_CUSTOMER_ID%5D')
})
