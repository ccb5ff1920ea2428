import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import Fastify from 'fastify'
import { createLookout, type LookoutOptions } from 'lookout'
import { lookout as lookoutPlugin } from 'lookout/fastify'
import { resolveConfig } from '../../../src/config/resolveConfig.ts'
import { createLogger } from '../../../src/logging/createLogger.ts'
import { startOtlpReceiver } from '../../support/otlpReceiver.ts'
import { captureStream } from '../../unit/logging/captureStream.ts'

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736'
const PARENT_SPAN = '00f067aa0ba902b7'
/** Timeouts a request or a shutdown waiting on the logs endpoint would have to wait out. */
const EXPORT_TIMEOUT_MS = 60_000

type OtlpLogOptions = NonNullable<NonNullable<LookoutOptions['logging']>['otlp']>

/** A Fastify app with Lookout's own logger (captured instead of stdout), exporting logs to `endpoint`. */
async function appWith(otlp: OtlpLogOptions, extra: LookoutOptions = {}, env: Record<string, string> = {}) {
  const options: LookoutOptions = {
    service: 'identity',
    version: '1.4.2',
    environment: 'test',
    ...extra,
    logging: { ...extra.logging, otlp: { scheduledDelayMs: 20, retryBaseMs: 20, retryMaxMs: 100, ...otlp } },
    health: { shutdown: { drainDelayMs: 0, inFlightTimeoutMs: 100 } },
  }
  const stdout = captureStream()
  const logger = createLogger(resolveConfig(options, env), stdout)
  const instance = createLookout(options, { env, logger })
  const app = Fastify()
  await app.register(lookoutPlugin, { lookout: instance })
  app.get('/orders/:id', async (req) => {
    instance.logger.info({ email: 'jane@example.com', order: 7, nested: { tier: 'gold' } }, 'order placed')
    instance.logger.warn({ password: 'hunter2' }, `stock low for ${(req.params as { id: string }).id}`)
    return { ok: true }
  })
  await app.ready()
  return { app, instance, stdout }
}

async function counter(app: Awaited<ReturnType<typeof appWith>>['app'], series: string): Promise<number> {
  const text = (await app.inject('/metrics')).body
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? 0 : Number(line.slice(series.length).trim())
}

async function until(
  check: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

const logPaths = (r: Awaited<ReturnType<typeof startOtlpReceiver>>) =>
  r.requests.filter((q) => q.path === '/v1/logs')

for (const [protocol, contentType, compression] of [
  ['http/protobuf', 'application/x-protobuf', 'gzip'],
  ['http/json', 'application/json', 'none'],
] as const) {
  describe(`OTLP log export over ${protocol} (compression ${compression})`, () => {
    test('records carry the trace resource, severity, the request trace and span ids, a body and redacted attributes', async (t) => {
      const receiver = await startOtlpReceiver()
      t.after(() => receiver.close())
      const { app } = await appWith(
        { exporter: 'otlp', protocol, compression },
        { tracing: { endpoint: receiver.url, protocol, batch: { scheduledDelayMs: 20 } } },
      )
      t.after(() => app.close())
      const res = await app.inject({
        url: '/orders/42',
        headers: { traceparent: `00-${TRACE_ID}-${PARENT_SPAN}-01` },
      })
      assert.equal(res.statusCode, 200)
      const logs = await receiver.waitForLogs((l) => l.some((r) => r.attributes.event === 'request'))
      const spans = await receiver.waitForSpans((s) => s.some((x) => x.kind === 2))
      assert.deepEqual(receiver.rejected, [])
      for (const q of logPaths(receiver)) {
        assert.equal(q.contentType, contentType)
        assert.equal(q.encoding, compression === 'gzip' ? 'gzip' : undefined)
      }

      const placed = logs.find((r) => r.body === 'order placed')
      const low = logs.find((r) => r.body === 'stock low for 42')
      const requestLine = logs.find((r) => r.attributes.event === 'request')
      assert.ok(placed && low && requestLine, `records: ${logs.map((r) => String(r.body)).join(', ')}`)
      assert.equal(placed.via, protocol)
      assert.equal(placed.scope, 'lookout')
      assert.deepEqual([placed.severityNumber, placed.severityText], [9, 'INFO'])
      assert.deepEqual([low.severityNumber, low.severityText], [13, 'WARN'])

      // The request's trace, and the server span's id: logs and the trace link up in the backend.
      const server = spans.find((s) => s.kind === 2)!
      assert.equal(server.traceId, TRACE_ID)
      for (const r of [placed, low, requestLine]) {
        assert.equal(r.traceId, TRACE_ID)
        assert.equal(r.spanId, server.spanId)
      }

      // The same resource as the spans.
      for (const key of ['service.name', 'service.version', 'deployment.environment', 'service.instance.id'])
        assert.equal(placed.resource[key], server.resource[key], key)
      assert.equal(placed.resource['service.name'], 'identity')
      assert.equal(placed.resource['service.version'], '1.4.2')

      // Fields become attributes; the resource's own fields are not repeated; secrets never leave.
      assert.equal(placed.attributes.order, 7)
      assert.deepEqual(placed.attributes.nested, { tier: 'gold' })
      assert.equal(placed.attributes.service, undefined)
      assert.equal(placed.attributes.trace_id, undefined)
      assert.ok(typeof placed.attributes.email === 'string' && placed.attributes.email !== 'jane@example.com')
      const everything = JSON.stringify(logs, (_k, v) => (typeof v === 'bigint' ? String(v) : v))
      assert.ok(!everything.includes('jane@example.com') && !everything.includes('hunter2'), everything)
      assert.ok(placed.timeUnixNano > 1_600_000_000_000_000_000n)
      await until(
        async () => (await counter(app, 'lookout_log_records_exported_total')) >= 3,
        'the exported count',
      )
    })
  })
}

test('with the endpoint down, records wait in the bounded queue and arrive when it is back; beyond the bound they are dropped and counted', async (t) => {
  const first = await startOtlpReceiver()
  const port = first.port
  await first.close()
  const { app, instance, stdout } = await appWith({
    endpoint: `http://127.0.0.1:${port}/v1/logs`,
    maxQueueSize: 40,
    maxExportBatchSize: 10,
    maxRetries: 100,
  })
  t.after(() => app.close())
  await app.ready()
  const shipped = () => stdout.lines.slice(stdout.lines.findIndex((l) => l.event === 'startup'))
  const unreachable = () => stdout.lines.filter((l) => l.event === 'otlp_logs_unreachable').length
  for (let i = 0; i < 25; i++) instance.logger.info({ i }, `down ${i}`)
  await until(() => unreachable() === 1, 'a failed export')
  let receiver = await startOtlpReceiver(port)
  t.after(() => receiver.close())
  await receiver.waitForLogs((l) => l.some((r) => r.body === 'down 24'))
  for (let i = 0; i < 25; i++)
    assert.ok(
      receiver.logs.some((r) => r.body === `down ${i}`),
      `down ${i} delivered`,
    )
  assert.equal(await counter(app, 'lookout_log_records_dropped_total{reason="queue_full"}'), 0)

  // Down again, and more lines than the queue holds.
  await receiver.close()
  for (let i = 0; i < 200; i++) instance.logger.info({ i }, `burst ${i}`)
  const queueFull = await counter(app, 'lookout_log_records_dropped_total{reason="queue_full"}')
  assert.ok(queueFull > 0, 'queue_full drops counted')
  await until(() => unreachable() === 2, 'a failed export')
  receiver = await startOtlpReceiver(port)
  await until(
    async () =>
      (await counter(app, 'lookout_log_records_exported_total')) +
        (await counter(app, 'lookout_log_records_dropped_total{reason="queue_full"}')) >=
      shipped().length,
    'every line exported or counted',
  )
  // Every line written since the exporter attached was delivered or counted as dropped: none vanished.
  const exported = await counter(app, 'lookout_log_records_exported_total')
  const dropped = await counter(app, 'lookout_log_records_dropped_total{reason="queue_full"}')
  assert.equal(exported + dropped, shipped().length)
  const bursts = receiver.logs.filter((r) => String(r.body).startsWith('burst ')).length
  assert.ok(bursts >= 30 && bursts < 200, `${bursts} burst lines delivered`)
})

test('a 400 is not retried: the batch is dropped and counted as rejected', async (t) => {
  const receiver = await startOtlpReceiver()
  t.after(() => receiver.close())
  receiver.mode = 'reject'
  const { app, instance } = await appWith({
    endpoint: `${receiver.url}/v1/logs`,
    retryBaseMs: 300,
    retryMaxMs: 300,
  })
  t.after(() => app.close())
  for (let i = 0; i < 5; i++) instance.logger.info(`refused ${i}`)
  await until(() => logPaths(receiver).length > 0, 'the first request')
  // Taken from here on: a retry of the refused batch would now be delivered.
  receiver.mode = 'ok'
  await until(
    async () => (await counter(app, 'lookout_log_records_dropped_total{reason="rejected"}')) >= 5,
    'rejected drops',
  )
  instance.logger.info('marker')
  await receiver.waitForLogs((l) => l.some((r) => r.body === 'marker'))
  assert.equal(receiver.logs.filter((r) => String(r.body).startsWith('refused')).length, 0)
})

test('a 429 is retried no sooner than its Retry-After', async (t) => {
  const receiver = await startOtlpReceiver()
  t.after(() => receiver.close())
  receiver.mode = 'throttle'
  const { app, instance } = await appWith({
    endpoint: `${receiver.url}/v1/logs`,
    retryBaseMs: 1,
    retryMaxMs: 10_000,
  })
  t.after(() => app.close())
  instance.logger.info('throttled')
  await until(() => logPaths(receiver).length > 0, 'the first request')
  receiver.mode = 'ok'
  await receiver.waitForLogs((l) => l.some((r) => r.body === 'throttled'))
  const [firstTry, retry] = logPaths(receiver)
  assert.ok(retry!.at - firstTry!.at >= 900, `retried after ${retry!.at - firstTry!.at} ms`)
  assert.equal(await counter(app, 'lookout_log_records_dropped_total{reason="retries_exhausted"}'), 0)
})

test('OTEL_LOGS_EXPORTER and OTEL_EXPORTER_OTLP_* set the export: generic endpoint + /v1/logs, logs headers, masked in the config dump', async (t) => {
  const receiver = await startOtlpReceiver()
  t.after(() => receiver.close())
  const { app, instance } = await appWith(
    {},
    {},
    {
      OTEL_LOGS_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-generic=1',
      OTEL_EXPORTER_OTLP_LOGS_HEADERS: 'authorization=Bearer%20s3cret-logs-token',
    },
  )
  t.after(() => app.close())
  instance.logger.info('from env')
  await receiver.waitForLogs((l) => l.some((r) => r.body === 'from env'))
  const q = logPaths(receiver)[0]!
  assert.equal(q.contentType, 'application/json')
  assert.equal(q.headers.authorization, 'Bearer s3cret-logs-token')
  assert.equal(q.headers['x-generic'], undefined)
  const { maskConfig } = await import('../../../src/config/maskConfig.ts')
  assert.ok(!JSON.stringify(maskConfig(instance.config)).includes('s3cret-logs-token'))
})

test('requests are unaffected while the logs endpoint hangs; the queue stays bounded and shutdown keeps its deadline', async (t) => {
  const receiver = await startOtlpReceiver()
  t.after(() => receiver.close())
  receiver.mode = 'blackhole'
  const { app, instance } = await appWith({
    endpoint: `${receiver.url}/v1/logs`,
    timeoutMs: EXPORT_TIMEOUT_MS,
    maxQueueSize: 20,
    maxExportBatchSize: 5,
    shutdownTimeoutMs: 300,
  })
  t.after(() => app.close())
  let slowest = 0
  for (let i = 0; i < 100; i++) {
    const started = performance.now()
    const res = await app.inject('/orders/1')
    slowest = Math.max(slowest, performance.now() - started)
    assert.equal(res.statusCode, 200)
  }
  // A request that waited on the exporter would have waited out its timeout.
  assert.ok(slowest < EXPORT_TIMEOUT_MS, `slowest request ${slowest} ms`)
  await until(() => logPaths(receiver).length >= 1, 'an export request, left hanging')
  assert.ok((await counter(app, 'lookout_log_records_dropped_total{reason="queue_full"}')) > 0)
  const started = performance.now()
  await instance.shutdown()
  assert.ok(performance.now() - started < EXPORT_TIMEOUT_MS, 'shutdown did not wait out the export timeout')
  const text = await instance.registry.expose('prometheus')
  assert.match(text, /lookout_log_records_dropped_total\{reason="shutdown"\} [1-9]/)
})
