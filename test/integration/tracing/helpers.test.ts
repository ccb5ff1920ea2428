import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { SpanKind, SpanStatusCode } from '@opentelemetry/api'
import Fastify from 'fastify'
import { createLookout, type LookoutOptions } from 'lookout'
import { lookout as lookoutPlugin } from 'lookout/fastify'
import { createMemorySpanExporter } from 'lookout/testing'
import pino from 'pino'
import { startOtlpReceiver } from '../../support/otlpReceiver.ts'

const silent = pino({ level: 'silent' })

async function appWith(tracing: NonNullable<LookoutOptions['tracing']>) {
  const spans = createMemorySpanExporter()
  const instance = createLookout(
    { service: 'identity', tracing: { spanExporter: spans, ...tracing } },
    { env: {}, logger: silent },
  )
  const login = instance.instrument(
    { preset: 'auth', operation: 'login', classify: (ok: boolean) => (ok ? 'success' : 'failure') },
    async (email: string) => {
      instance.tracing.addSpanAttributes(
        instance.tracing.presets.auth({ type: 'login', email, userId: 'u-1' }),
      )
      return email.endsWith('@example.com')
    },
  )
  const app = Fastify()
  await app.register(lookoutPlugin, { lookout: instance })
  app.get('/login', async () => ({ ok: await login('carol@example.com') }))
  app.get('/fail', async () => {
    throw new Error('db down for dave@example.com')
  })
  await app.ready()
  return { app, instance, spans }
}

describe('span helpers, instrument() spans, exemplars and sampling', () => {
  test('instrument() gives a child span with the preset attributes, redacted', async (t) => {
    const { app, instance, spans } = await appWith({})
    t.after(() => app.close())
    const res = await app.inject('/login')
    assert.equal(res.statusCode, 200)
    await instance.tracing.flush()
    const [server] = spans.spansNamed('GET /login')
    const [child] = spans.spansNamed('auth.login')
    assert.ok(server && child)
    assert.equal(server.kind, SpanKind.SERVER)
    assert.equal(child.parentSpanContext?.spanId, server.spanContext().spanId)
    assert.equal(child.attributes['auth.type'], 'login')
    assert.equal(child.attributes['auth.status'], 'success')
    assert.equal(typeof child.attributes['auth.duration_seconds'], 'number')
    assert.equal(child.attributes['user.id'], 'u-1')
    assert.ok(
      !String(child.attributes['user.email']).includes('carol'),
      String(child.attributes['user.email']),
    )
  })

  test('the sampled trace id becomes an OpenMetrics exemplar on the request histogram', async (t) => {
    const { app } = await appWith({})
    t.after(() => app.close())
    const res = await app.inject('/login')
    const traceId = String(res.headers['x-trace-id'])
    const metrics = await app.inject({
      url: '/metrics',
      headers: { accept: 'application/openmetrics-text; version=1.0.0' },
    })
    assert.ok(metrics.body.includes(`trace_id="${traceId}"`), 'exemplar with the trace id')
  })

  test('at ratio 0 nothing is exported, but responses still carry a trace id for log correlation', async (t) => {
    const { app, instance, spans } = await appWith({ sampleRate: 0 })
    t.after(() => app.close())
    const res = await app.inject('/login')
    assert.match(String(res.headers['x-trace-id']), /^[0-9a-f]{32}$/)
    await instance.tracing.flush()
    assert.equal(spans.getFinishedSpans().length, 0)
  })

  test('keepErrors records the 5xx span of an unsampled request under the ids its logs carry', async (t) => {
    const { app, instance, spans } = await appWith({ sampleRate: 0, keepErrors: true })
    t.after(() => app.close())
    await app.inject('/login')
    const res = await app.inject('/fail')
    assert.equal(res.statusCode, 500)
    await instance.tracing.flush()
    const finished = spans.getFinishedSpans()
    assert.equal(finished.length, 1, finished.map((s) => s.name).join(', '))
    const span = finished[0]!
    assert.equal(span.name, 'GET /fail')
    assert.equal(span.spanContext().traceId, res.headers['x-trace-id'])
    assert.equal(span.status.code, SpanStatusCode.ERROR)
    assert.equal(span.attributes['lookout.sampling.kept_error'], true)
    const event = span.events.find((e) => e.name === 'exception')
    assert.ok(!String(event?.attributes?.['exception.message']).includes('dave@'))
  })

  test('withSpan records a rejection and re-throws it', async (t) => {
    const { app, instance, spans } = await appWith({})
    t.after(() => app.close())
    await assert.rejects(
      instance.tracing.withSpan('risky', async () => {
        throw new TypeError('bad input from eve@example.com')
      }),
      TypeError,
    )
    await instance.tracing.flush()
    const [span] = spans.spansNamed('risky')
    assert.equal(span?.status.code, SpanStatusCode.ERROR)
    assert.equal(span?.attributes['error.type'], 'TypeError')
  })

  test('with OTEL_METRICS_EXPORTER=otlp the same metrics are pushed over OTLP', async (t) => {
    const receiver = await startOtlpReceiver()
    t.after(() => receiver.close())
    const instance = createLookout(
      { service: 'pushy', tracing: { endpoint: receiver.url, metricsExport: { intervalMs: 100 } } },
      { env: { OTEL_METRICS_EXPORTER: 'otlp' }, logger: silent },
    )
    const app = Fastify()
    await app.register(lookoutPlugin, { lookout: instance })
    app.get('/x', async () => 'x')
    await app.ready()
    t.after(() => app.close())
    await app.inject('/x')
    const [request] = await receiver.waitForMetrics()
    const names = JSON.stringify(request)
    assert.ok(names.includes('http_requests_total'), 'HTTP request counter pushed')
    assert.ok(names.includes('http_request_duration_seconds'), 'duration histogram pushed')
  })
})
