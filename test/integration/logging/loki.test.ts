import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { test } from 'node:test'
import { resolveConfig } from '../../../src/config/resolveConfig.ts'
import type { LookoutOptions } from '../../../src/config/schema.ts'
import { runWithContext } from '../../../src/context/index.ts'
import { createLogger } from '../../../src/logging/createLogger.ts'
import { createLokiCounters, startLokiShipping } from '../../../src/logging/startLokiShipping.ts'
import { createMetricRegistry } from '../../../src/metrics/metricRegistry.ts'
import { startLokiReceiver } from '../../support/lokiReceiver.ts'
import { captureStream } from '../../unit/logging/captureStream.ts'

type Loki = NonNullable<LookoutOptions['logging']>['loki']

/** A logger shipping to `url` through the real worker transport, with its own registry. */
function shipTo(url: string, loki: Loki = {}) {
  const config = resolveConfig(
    {
      service: 'identity',
      environment: 'test',
      logging: { loki: { url, batchIntervalMs: 50, retryBaseMs: 20, retryMaxMs: 100, ...loki } },
    },
    {},
  )
  const stdout = captureStream()
  const logger = createLogger(config, stdout)
  const registry = createMetricRegistry()
  const shipping = startLokiShipping(config, logger, createLokiCounters(registry))
  assert.ok(shipping)
  return { logger, registry, shipping, stdout }
}

async function counter(registry: ReturnType<typeof createMetricRegistry>, name: string, reason?: string) {
  const text = await registry.expose('prometheus')
  const re = new RegExp(`^${name}${reason ? `\\{reason="${reason}"\\}` : ''} (\\d+)`, 'm')
  return Number(text.match(re)?.[1] ?? 0)
}

async function until(check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 20))
  }
}

test('lines reach Loki from the worker: low-cardinality labels, ns timestamps, trace id as metadata, gzip, tenant header', async (t) => {
  const loki = await startLokiReceiver()
  t.after(() => loki.close())
  const { logger, shipping, registry } = shipTo(loki.url, { labels: { team: 'core' }, tenant: 'acme' })
  t.after(() => shipping.stop())
  const before = BigInt(Date.now()) * 1_000_000n
  logger.info({ user: 'jane@example.com' }, 'first')
  runWithContext({ requestId: 'req-1' }, () => logger.warn('second'))
  logger.error({ password: 'hunter2' }, 'third')
  await loki.waitFor((e) => e.length >= 3)
  assert.deepEqual(loki.violations, [])
  const byMsg = new Map(loki.entries.map((e) => [JSON.parse(e.line).msg as string, e]))
  assert.deepEqual(byMsg.get('first')!.labels, {
    service: 'identity',
    environment: 'test',
    team: 'core',
    level: 'info',
  })
  assert.equal(byMsg.get('second')!.labels.level, 'warn')
  assert.deepEqual(byMsg.get('second')!.metadata, { request_id: 'req-1' })
  assert.ok(BigInt(byMsg.get('first')!.ts) >= before - 1_000_000n)
  assert.equal(byMsg.get('first')!.tenant, 'acme')
  assert.equal(loki.lastHeaders?.['content-encoding'], 'gzip')
  const all = loki.entries.map((e) => e.line).join('\n')
  assert.ok(!all.includes('jane@example.com') && !all.includes('hunter2'))
  await until(async () => (await counter(registry, 'lookout_log_batches_sent_total')) >= 1)
})

test('trace and span ids set on the request travel as structured metadata, never as labels', async (t) => {
  const loki = await startLokiReceiver()
  t.after(() => loki.close())
  const { logger, shipping } = shipTo(loki.url)
  t.after(() => shipping.stop())
  logger.info({ trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7' }, 'traced')
  await loki.waitFor((e) => e.length >= 1)
  assert.deepEqual(loki.entries[0]!.metadata, {
    trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
    span_id: '00f067aa0ba902b7',
  })
  assert.equal(loki.entries[0]!.labels.trace_id, undefined)
})

test('lines below the Loki minimum level stay on stdout only', async (t) => {
  const loki = await startLokiReceiver()
  t.after(() => loki.close())
  const { logger, shipping, stdout } = shipTo(loki.url, { minLevel: 'warn' })
  t.after(() => shipping.stop())
  logger.info('local only')
  logger.warn('shipped')
  await loki.waitFor((e) => e.length >= 1)
  await shipping.stop()
  assert.deepEqual(
    loki.entries.map((e) => JSON.parse(e.line).msg),
    ['shipped'],
  )
  assert.deepEqual(
    stdout.lines.map((l) => l.msg),
    ['local only', 'shipped'],
  )
})

test('a Loki answering 500 is retried with backoff and the batch arrives once it recovers', async (t) => {
  const loki = await startLokiReceiver()
  t.after(() => loki.close())
  loki.mode = '500'
  const { logger, shipping, registry } = shipTo(loki.url, { maxRetries: 50 })
  t.after(() => shipping.stop())
  logger.info('during outage')
  await loki.waitForRequests(3)
  loki.mode = 'ok'
  await loki.waitFor((e) => e.some((x) => JSON.parse(x.line).msg === 'during outage'))
  assert.ok((loki.requests['500'] ?? 0) >= 3)
  assert.equal(await counter(registry, 'lookout_log_batches_dropped_total', 'retries_exhausted'), 0)
  assert.deepEqual(loki.violations, [])
})

test('a 429 is retried too', async (t) => {
  const loki = await startLokiReceiver()
  t.after(() => loki.close())
  loki.mode = '429'
  const { logger, shipping } = shipTo(loki.url, { maxRetries: 50 })
  t.after(() => shipping.stop())
  logger.info('throttled')
  await loki.waitForRequests(2)
  loki.mode = 'ok'
  await loki.waitFor((e) => e.length >= 1)
})

test('a 400 is never retried: the batch is dropped and counted as rejected', async (t) => {
  const loki = await startLokiReceiver()
  t.after(() => loki.close())
  loki.mode = '400'
  const { logger, shipping, registry } = shipTo(loki.url, { maxRetries: 50 })
  t.after(() => shipping.stop())
  logger.info('bad batch')
  await until(async () => (await counter(registry, 'lookout_log_batches_dropped_total', 'rejected')) === 1)
  loki.mode = 'ok'
  logger.info('good batch')
  await loki.waitFor((e) => e.length >= 1)
  assert.equal(loki.requests['400'], 1)
  assert.deepEqual(
    loki.entries.map((e) => JSON.parse(e.line).msg),
    ['good batch'],
  )
})

test('a hanging Loki times out, is retried, and the app keeps logging without waiting', async (t) => {
  const loki = await startLokiReceiver()
  t.after(() => loki.close())
  loki.mode = 'hang'
  const { logger, shipping } = shipTo(loki.url, { timeoutMs: 200, maxRetries: 50 })
  t.after(() => shipping.stop())
  logger.info('while hanging')
  await loki.waitForRequests(2)
  const t0 = performance.now()
  for (let i = 0; i < 1000; i++) logger.info({ i }, 'burst')
  // Logging that waited on the hanging push would wait out its retries: 50 timeouts of 200 ms.
  const took = performance.now() - t0
  assert.ok(took < 50 * 200, `the burst took ${took} ms`)
  loki.mode = 'ok'
  await loki.waitFor((e) => e.some((x) => JSON.parse(x.line).msg === 'while hanging'), 15_000)
})

test('with Loki unreachable, batches beyond the bounded queue are dropped and counted, and logging never throws', async (t) => {
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port
      s.close(() => resolve(p))
    })
  })
  const { logger, shipping, registry } = shipTo(`http://127.0.0.1:${port}`, {
    batchSize: 10,
    maxPendingBatches: 2,
    maxRetries: 1,
    retryBaseMs: 10,
    shutdownTimeoutMs: 200,
  })
  t.after(() => shipping.stop())
  assert.doesNotThrow(() => {
    for (let i = 0; i < 500; i++) logger.info({ i }, 'lost')
  })
  await until(async () => (await counter(registry, 'lookout_log_batches_dropped_total', 'queue_full')) > 0)
  await until(async () => (await counter(registry, 'lookout_log_entries_dropped_total', 'queue_full')) >= 10)
})

test('stop ships buffered lines without blocking the event loop, even with a shutdown timeout past thread-stream’s 10 s', async (t) => {
  // thread-stream's end() waits synchronously (Atomics.wait) for the worker to finish; with the receiver in this
  // very process that used to starve the push until end() gave up at 10 s and destroyed the lines.
  const loki = await startLokiReceiver()
  t.after(() => loki.close())
  const { logger, shipping } = shipTo(loki.url, { batchIntervalMs: 600_000, shutdownTimeoutMs: 30_000 })
  for (let i = 0; i < 25; i++) logger.info({ i }, 'pending')
  let maxGap = 0
  let last = Date.now()
  const ticker = setInterval(() => {
    const now = Date.now()
    maxGap = Math.max(maxGap, now - last)
    last = now
  }, 10)
  try {
    await shipping.stop()
  } finally {
    clearInterval(ticker)
  }
  assert.equal(loki.entries.length, 25)
  // thread-stream's synchronous end() blocked the loop until its 10 s limit; anything shorter is scheduling.
  assert.ok(maxGap < 9000, `the loop was blocked for ${maxGap} ms during stop`)
  assert.deepEqual(loki.violations, [])
})

test('lines still buffered are flushed to Loki on stop', async (t) => {
  const loki = await startLokiReceiver()
  t.after(() => loki.close())
  const { logger, shipping } = shipTo(loki.url, { batchIntervalMs: 600_000 })
  for (let i = 0; i < 25; i++) logger.info({ i }, 'pending')
  await shipping.stop()
  assert.equal(loki.entries.length, 25)
  const ts = loki.entries.map((e) => BigInt(e.ts))
  assert.equal(new Set(ts).size, 25, 'timestamps are distinct')
  assert.deepEqual(loki.violations, [])
  assert.doesNotThrow(() => logger.info('after stop'))
})
