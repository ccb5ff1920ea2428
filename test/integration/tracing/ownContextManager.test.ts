import assert from 'node:assert/strict'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { test } from 'node:test'
import { context, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { createLookout, getContext } from 'lookout'
import { withLookout } from 'lookout/http'
import { createMemorySpanExporter } from 'lookout/testing'
import pino from 'pino'

// The app registered its own context manager before Lookout was created.
const theirs = new AsyncLocalStorageContextManager().enable()
assert.equal(context.setGlobalContextManager(theirs), true)

test('a context manager the app registered first is kept, and requests still run in their server span', async (t) => {
  const spans = createMemorySpanExporter()
  const lookout = createLookout(
    { service: 'identity', tracing: { spanExporter: spans }, health: { shutdown: { handleSignals: false } } },
    { env: {}, logger: pino({ level: 'silent' }) },
  )
  let seen: { viaTheirs?: string; active?: string; ctx: ReturnType<typeof getContext> } | undefined
  const app = (_req: IncomingMessage, res: ServerResponse) => {
    seen = {
      viaTheirs: trace.getSpan(theirs.active())?.spanContext().spanId,
      active: trace.getActiveSpan()?.spanContext().spanId,
      ctx: getContext(),
    }
    res.end('ok')
  }
  const server = createServer(withLookout(app, { lookout, route: () => undefined }))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/users/7`, {
    headers: { 'x-request-id': 'req-own' },
  })
  assert.equal(await res.text(), 'ok')
  await lookout.tracing.flush()
  const [span] = spans.spansNamed('GET')
  assert.ok(span && seen)
  const { traceId, spanId } = span.spanContext()
  assert.equal(seen.viaTheirs, spanId)
  assert.equal(seen.active, spanId)
  assert.deepEqual(seen.ctx, { request_id: 'req-own', trace_id: traceId, span_id: spanId })
})
