import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { createLookout } from 'lookout'
import pino from 'pino'
import { startOtlpReceiver } from '../../support/otlpReceiver.ts'

const silent = pino({ level: 'silent' })
const fixture = fileURLToPath(new URL('../../fixtures/tracing-apps/export-then-exit.mjs', import.meta.url))

function tracedInstance(tracing: Record<string, unknown>) {
  return createLookout(
    { service: 'exporter', tracing: { batch: { scheduledDelayMs: 10 }, ...tracing } },
    { env: {}, logger: silent },
  )
}

test('spans are sent over http/protobuf with the configured headers and gzip compression', async (t) => {
  const receiver = await startOtlpReceiver()
  t.after(() => receiver.close())
  const lookout = tracedInstance({
    endpoint: receiver.url,
    headers: { 'x-collector-tenant': 'payments' },
    compression: 'gzip',
  })
  t.after(() => lookout.shutdown())
  await lookout.tracing.withSpan('settle batch', async () => 'settled', { 'batch.size': 3 })
  await lookout.tracing.flush()
  const [span] = await receiver.waitForSpans((s) => s.length === 1)
  assert.equal(span?.name, 'settle batch')
  assert.equal(span?.attributes['batch.size'], 3)
  assert.equal(span?.via, 'http/protobuf')
  const request = receiver.requests.find((r) => r.path === '/v1/traces')
  assert.equal(request?.encoding, 'gzip')
  assert.equal(request?.contentType, 'application/x-protobuf')
  assert.equal(request?.headers['x-collector-tenant'], 'payments')
  assert.deepEqual(receiver.rejected, [])
})

test('a collector answering 429 with Retry-After gets the spans on a later attempt', async (t) => {
  const receiver = await startOtlpReceiver()
  t.after(() => receiver.close())
  receiver.mode = 'throttle'
  const lookout = tracedInstance({ endpoint: receiver.url })
  t.after(() => lookout.shutdown())
  await lookout.tracing.withSpan('reconcile', async () => 'done')
  // The first attempt is refused; the collector takes requests again before the transport retries.
  const poll = setInterval(() => {
    if (receiver.requests.length > 0) receiver.mode = 'ok'
  }, 5)
  t.after(() => clearInterval(poll))
  await lookout.tracing.flush()
  const spans = await receiver.waitForSpans((s) => s.length === 1, 30_000)
  assert.equal(spans[0]?.name, 'reconcile')
  assert.ok(receiver.requests.length >= 2, `${receiver.requests.length} requests`)
})

test('a process that exported spans exits by itself: the export worker does not hold it open', async (t) => {
  const receiver = await startOtlpReceiver()
  t.after(() => receiver.close())
  const child = spawn(process.execPath, ['--conditions=lookout-source', '--import', 'tsx', fixture], {
    env: { ...process.env, OTLP_ENDPOINT: receiver.url },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  child.stdout.on('data', (chunk) => {
    out += chunk
  })
  // Generous for a busy machine; a process held open by the worker never exits at all.
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
  const [code, signal] = await once(child, 'exit')
  clearTimeout(timer)
  assert.equal(signal, null, 'killed: the process did not exit by itself')
  assert.equal(code, 0)
  assert.equal(out, 'flushed\n')
  const spans = await receiver.waitForSpans((s) => s.length === 1)
  assert.equal(spans[0]?.name, 'nightly job')
})
