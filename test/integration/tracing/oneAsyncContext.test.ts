import assert from 'node:assert/strict'
import { AsyncLocalStorage } from 'node:async_hooks'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { test } from 'node:test'
import { context, trace } from '@opentelemetry/api'
import { bindContext, createLookout, getContext } from 'lookout'
import { withLookout } from 'lookout/http'
import { createMemorySpanExporter } from 'lookout/testing'
import pino from 'pino'

// Counts every AsyncLocalStorage entry (any instance) made while `counting` is on: each `run`, and each
// `enterWith` other than the ones a `run` makes itself to enter and restore.
let counting = false
let entries = 0
let ownEntry = false
type Fn = (...args: unknown[]) => unknown
const proto = AsyncLocalStorage.prototype as unknown as { run: Fn; enterWith: Fn }
const run = proto.run
const enterWith = proto.enterWith
proto.run = function countedRun(this: unknown, store: unknown, fn: Fn, ...args: unknown[]) {
  if (counting) entries++
  const outer = ownEntry
  ownEntry = true
  try {
    const inner = (...a: unknown[]) => {
      ownEntry = false
      try {
        return fn(...a)
      } finally {
        ownEntry = true
      }
    }
    return run.call(this, store, inner, ...args)
  } finally {
    ownEntry = outer
  }
} as Fn
proto.enterWith = function countedEnterWith(this: unknown, store: unknown) {
  if (counting && !ownEntry) entries++
  return enterWith.call(this, store)
}

test('a traced request enters one AsyncLocalStorage scope, and its handler sees the server span and the request context there', async (t) => {
  const spans = createMemorySpanExporter()
  const lookout = createLookout(
    { service: 'identity', tracing: { spanExporter: spans }, health: { shutdown: { handleSignals: false } } },
    { env: {}, logger: pino({ level: 'silent' }) },
  )
  let seen:
    | { entries: number; traceId?: string; spanId?: string; ctx: ReturnType<typeof getContext> }
    | undefined
  const app = (_req: IncomingMessage, res: ServerResponse) => {
    counting = false
    const sc = trace.getActiveSpan()?.spanContext()
    // Bound inside a nested context.with: the field still belongs to the request once it is left.
    context.with(context.active(), () => bindContext({ userId: 'u-7' }))
    seen = { entries, traceId: sc?.traceId, spanId: sc?.spanId, ctx: getContext() }
    res.end('ok')
  }
  const handler = withLookout(app, {
    lookout,
    route: (req) => (req.url?.startsWith('/users/') ? '/users/:id' : undefined),
  })
  const server = createServer((req, res) => {
    entries = 0
    counting = true
    handler(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const port = (server.address() as AddressInfo).port
  const res = await fetch(`http://127.0.0.1:${port}/users/7`, { headers: { 'x-request-id': 'req-one' } })
  assert.equal(await res.text(), 'ok')
  await lookout.tracing.flush()
  const [span] = spans.spansNamed('GET /users/:id')
  assert.ok(span && seen)
  assert.equal(seen.entries, 1)
  assert.equal(seen.traceId, span.spanContext().traceId)
  assert.equal(seen.spanId, span.spanContext().spanId)
  assert.equal(res.headers.get('x-trace-id'), span.spanContext().traceId)
  assert.deepEqual(seen.ctx, {
    request_id: 'req-one',
    user_id: 'u-7',
    trace_id: span.spanContext().traceId,
    span_id: span.spanContext().spanId,
  })
})

test('with the request context switched off, the server span is still entered once', async (t) => {
  const spans = createMemorySpanExporter()
  const lookout = createLookout(
    {
      service: 'identity',
      tracing: { spanExporter: spans },
      logging: { context: false },
      health: { shutdown: { handleSignals: false } },
    },
    { env: {}, logger: pino({ level: 'silent' }) },
  )
  let seen: { entries: number; spanId?: string; ctx: ReturnType<typeof getContext> } | undefined
  const handler = withLookout(
    (_req, res) => {
      counting = false
      seen = { entries, spanId: trace.getActiveSpan()?.spanContext().spanId, ctx: getContext() }
      res.end('ok')
    },
    { lookout, route: () => undefined },
  )
  const server = createServer((req, res) => {
    entries = 0
    counting = true
    handler(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/x`)
  assert.equal(await res.text(), 'ok')
  await lookout.tracing.flush()
  const [span] = spans.spansNamed('GET')
  assert.ok(span && seen)
  assert.equal(seen.entries, 1)
  assert.equal(seen.spanId, span.spanContext().spanId)
  assert.deepEqual(seen.ctx, { trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId })
})
