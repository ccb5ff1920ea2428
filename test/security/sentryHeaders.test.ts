import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createMemorySpanExporter } from 'lookout/testing'
import { startApp } from '../conformance/adapters.ts'
import { startSentryReceiver } from '../support/sentryReceiver.ts'

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736'
// What a browser (or anyone) can send that outbound instrumentation would otherwise copy onto the upstream call.
const CLIENT_HEADERS = {
  traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01`,
  tracestate: 'vendor=client-state',
  baggage: 'user.email=jane@example.com,session=s3cr3t',
  'x-request-id': 'client-chosen-request-id',
}
const LEAKABLE = ['traceparent', 'tracestate', 'baggage', 'x-request-id', 'x-correlation-id']

function envelope(dsn: string): Buffer {
  const event = Buffer.from(JSON.stringify({ event_id: 'b'.repeat(32), message: 'boom' }))
  return Buffer.concat([
    Buffer.from(`${JSON.stringify({ event_id: 'b'.repeat(32), dsn })}\n`),
    Buffer.from(`${JSON.stringify({ type: 'event', length: event.length })}\n`),
    event,
  ])
}

// Traced apps on every adapter: the adapter decides which context the forward runs in.
for (const adapter of ['fastify', 'express', 'node'] as const) {
  describe(`the Sentry tunnel and report forwarder on ${adapter}`, () => {
    async function setup(t: { after(fn: () => unknown): void }) {
      const receiver = await startSentryReceiver({ projectIds: ['7', '9'] })
      t.after(() => receiver.close())
      const app = await startApp(adapter, {
        tracing: { spanExporter: createMemorySpanExporter(), sampleRate: 1 },
        frontend: {
          sentry: {
            allow: [`http://pub@127.0.0.1:${receiver.port}/7`],
            serverDsn: `http://server@127.0.0.1:${receiver.port}/9`,
            // The receiver listens on loopback, which the outbound policy refuses unless allowed.
            allowPrivateUpstreams: true,
          },
          report: { enabled: true, apps: ['web'] },
        },
      } as never)
      t.after(() => app.close())
      return { receiver, app }
    }

    test('a tunnelled envelope reaches Sentry without the client trace, baggage or request id headers', async (t) => {
      const { receiver, app } = await setup(t)
      const res = await fetch(`${app.url}/observability/sentry/envelope`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', ...CLIENT_HEADERS },
        body: envelope(`http://pub@127.0.0.1:${receiver.port}/7`),
      })
      assert.equal(res.status, 200)
      await receiver.waitFor(1)
      const headers = receiver.received[0]!.headers
      for (const name of LEAKABLE) assert.equal(headers[name], undefined, `${name} reached Sentry`)
      assert.ok(!JSON.stringify(headers).includes(TRACE_ID), 'the client trace id reached Sentry')
    })

    test('a forwarded error report reaches Sentry without the client trace, baggage or request id headers', async (t) => {
      const { receiver, app } = await setup(t)
      const res = await fetch(`${app.url}/observability/sentry/report`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...CLIENT_HEADERS },
        body: JSON.stringify({ message: 'TypeError: x is undefined', app: 'web' }),
      })
      assert.equal(res.status, 202)
      await receiver.waitFor(1)
      const headers = receiver.received[0]!.headers
      for (const name of LEAKABLE) assert.equal(headers[name], undefined, `${name} reached Sentry`)
      assert.ok(!JSON.stringify(headers).includes(TRACE_ID), 'the client trace id reached Sentry')
      assert.match(String(headers['x-sentry-auth']), /sentry_key=server/)
    })
  })
}

test('tag keys of an error report are redacted like values before they are logged or forwarded', async (t) => {
  const receiver = await startSentryReceiver({ projectIds: ['9'] })
  t.after(() => receiver.close())
  const app = await startApp('fastify', {
    frontend: {
      sentry: { serverDsn: `http://server@127.0.0.1:${receiver.port}/9`, allowPrivateUpstreams: true },
      report: { enabled: true, apps: ['web'] },
    },
  } as never)
  t.after(() => app.close())
  const res = await fetch(`${app.url}/observability/sentry/report`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      message: 'failed',
      app: 'web',
      tags: { AKIAIOSFODNN7EXAMPLE: 'x', 'password:hunter2hunter2': 'y', plan: 'pro' },
    }),
  })
  assert.equal(res.status, 202)
  await receiver.waitFor(1)
  const sent = receiver.received[0]!.items[0]!.payload.toString('utf8')
  assert.ok(!sent.includes('AKIAIOSFODNN7EXAMPLE'), 'an AWS key id used as a tag key reached Sentry')
  assert.ok(!sent.includes('hunter2'), 'a password used as a tag key reached Sentry')
  const tags = (JSON.parse(sent) as { tags: Record<string, string> }).tags
  assert.equal(tags.plan, 'pro')
  assert.deepEqual(
    Object.keys(tags)
      .filter((k) => k.startsWith('redacted_'))
      .sort(),
    ['redacted_1', 'redacted_2'],
  )
})
