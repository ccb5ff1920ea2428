import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { describe, test } from 'node:test'
import Fastify from 'fastify'
import { createLookout } from 'lookout'
import { lookout as lookoutPlugin } from 'lookout/fastify'
import pino from 'pino'
import { startOtlpReceiver } from '../../support/otlpReceiver.ts'

const silent = pino({ level: 'silent' })
/** The exporter's timeouts: a request or a shutdown that waited on the collector would take at least this long. */
const EXPORT_TIMEOUT_MS = 60_000

/** A port nothing listens on (bound, then released). */
async function refusedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as { port: number }).port
  await new Promise<void>((r) => server.close(() => r()))
  return port
}

async function appAgainst(endpoint: string) {
  const instance = createLookout(
    {
      service: 'resilient',
      tracing: {
        endpoint,
        timeoutMs: EXPORT_TIMEOUT_MS,
        shutdownTimeoutMs: 1000,
        batch: {
          maxQueueSize: 20,
          maxExportBatchSize: 5,
          scheduledDelayMs: 10,
          exportTimeoutMs: EXPORT_TIMEOUT_MS,
        },
      },
    },
    { env: {}, logger: silent },
  )
  const app = Fastify()
  await app.register(lookoutPlugin, { lookout: instance })
  app.get('/work', async () => ({ ok: true }))
  await app.ready()
  return { app, instance }
}

function counter(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(series))
  return line === undefined ? 0 : Number(line.slice(series.length).trim())
}

for (const scenario of ['connection refused', 'black-holed'] as const) {
  describe(`with the collector ${scenario}`, () => {
    test('requests are unaffected, drops are counted, the queue stays bounded and shutdown keeps its deadline', async (t) => {
      const receiver = await startOtlpReceiver()
      t.after(() => receiver.close())
      let endpoint = receiver.url
      if (scenario === 'black-holed') receiver.mode = 'blackhole'
      else endpoint = `http://127.0.0.1:${await refusedPort()}`
      const { app, instance } = await appAgainst(endpoint)
      t.after(() => app.close())

      const slowest = { ms: 0 }
      for (let i = 0; i < 200; i++) {
        const started = performance.now()
        const res = await app.inject('/work')
        slowest.ms = Math.max(slowest.ms, performance.now() - started)
        assert.equal(res.statusCode, 200)
      }
      // The request path never waits on the exporter: one that did would have waited out its timeout.
      assert.ok(slowest.ms < EXPORT_TIMEOUT_MS, `slowest request ${slowest.ms} ms`)

      const text = await (await app.inject('/metrics')).body
      const queueFull = counter(text, 'lookout_spans_dropped_total{reason="queue_full"}')
      assert.ok(
        queueFull > 0,
        `queue_full drops counted:\n${text
          .split('\n')
          .filter((l) => l.includes('span'))
          .join('\n')}`,
      )
      assert.ok(queueFull <= 200)

      const started = performance.now()
      await instance.shutdown()
      const took = performance.now() - started
      // Shutdown keeps its own deadline instead of waiting for a hanging export.
      assert.ok(took < EXPORT_TIMEOUT_MS, `shutdown took ${took} ms (deadline 1000 ms)`)
      const after = await instance.registry.expose('prometheus')
      const total =
        counter(after, 'lookout_spans_dropped_total{reason="queue_full"}') +
        counter(after, 'lookout_spans_dropped_total{reason="export_failed"}') +
        counter(after, 'lookout_spans_dropped_total{reason="shutdown"}')
      // Every span is accounted for: none exported, every one of the 200 (+ the /metrics span is excluded) dropped.
      assert.equal(counter(after, 'lookout_spans_exported_total'), 0)
      assert.equal(total, 200)
      if (scenario === 'black-holed')
        assert.ok(receiver.requests.length >= 1, 'the exporter did reach the black hole')
    })
  })
}
