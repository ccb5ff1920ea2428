import assert from 'node:assert/strict'
import { EventEmitter, EventEmitterAsyncResource, once } from 'node:events'
import { test } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import { resolveConfig } from '../../../src/config/resolveConfig.ts'
import { bindContext, createContextObserver, getContext, runWithContext } from '../../../src/context/index.ts'
import { createLifecycleCore } from '../../../src/http/lifecycleCore.ts'
import { createRedactor } from '../../../src/redact/index.ts'

function startRequest(headers: Record<string, string> = {}) {
  const config = resolveConfig({ metrics: { enabled: false } }, {})
  const core = createLifecycleCore({ config, metrics: undefined })
  core.addObserver(createContextObserver(createRedactor()))
  const req = core.start({
    method: 'GET',
    url: '/users/7',
    headers,
    remoteAddress: '127.0.0.1',
    route: '/users/:id',
  })
  return { core, req }
}

test('outside any request there is no context and bindContext does nothing', () => {
  assert.equal(getContext(), undefined)
  assert.equal(bindContext({ tenantId: 'acme' }), false)
})

test('a request runs inside a context carrying its request id and tenant', async () => {
  const { core, req } = startRequest({ 'x-request-id': 'req-1', 'x-tenant-id': 'acme' })
  const seen = await new Promise((resolve) => core.run(req, () => resolve(getContext())))
  assert.deepEqual(seen, { request_id: 'req-1', tenant_id: 'acme' })
})

test('trace ids set by tracing after the context store was created are still seen (read lazily)', async () => {
  const { core, req } = startRequest()
  req.traceId = '4bf92f3577b34da6a3ce929d0e0e4736'
  req.spanId = '00f067aa0ba902b7'
  const seen = await new Promise<ReturnType<typeof getContext>>((resolve) =>
    core.run(req, () => resolve(getContext())),
  )
  assert.equal(seen?.trace_id, '4bf92f3577b34da6a3ce929d0e0e4736')
  assert.equal(seen?.span_id, '00f067aa0ba902b7')
})

const carriers: [string, () => Promise<unknown>][] = [
  [
    'an await',
    async () => {
      await delay(1)
      return getContext()
    },
  ],
  ['a timer', () => new Promise((resolve) => setTimeout(() => resolve(getContext()), 1))],
  ['setImmediate', () => new Promise((resolve) => setImmediate(() => resolve(getContext())))],
  [
    'a promise chain',
    () =>
      Promise.resolve()
        .then(() => Promise.resolve())
        .then(() => getContext()),
  ],
  [
    'an event emitted inside the request',
    () => {
      const emitter = new EventEmitter()
      const p = new Promise((resolve) => emitter.once('done', () => resolve(getContext())))
      setTimeout(() => emitter.emit('done'), 1)
      return p
    },
  ],
]

for (const [name, carrier] of carriers) {
  test(`bound fields survive ${name}`, async () => {
    const { core, req } = startRequest({ 'x-request-id': 'req-2' })
    const seen = await new Promise((resolve, reject) =>
      core.run(req, () => {
        bindContext({ tenantId: 'acme', userId: 42, plan: 'pro' })
        carrier().then(resolve, reject)
      }),
    )
    assert.deepEqual(seen, { request_id: 'req-2', tenant_id: 'acme', user_id: '42', plan: 'pro' })
  })
}

test('an EventEmitterAsyncResource made in a request keeps its context when emitted from elsewhere', async () => {
  const { core, req } = startRequest({ 'x-request-id': 'req-3' })
  const emitter = await new Promise<EventEmitterAsyncResource>((resolve) =>
    core.run(req, () => resolve(new EventEmitterAsyncResource({ name: 'job' }))),
  )
  const got = once(emitter, 'tick')
  let seen: unknown
  emitter.on('tick', () => {
    seen = getContext()
  })
  setImmediate(() => emitter.emit('tick'))
  await got
  assert.deepEqual(seen, { request_id: 'req-3' })
})

test('two concurrent requests never see each other’s fields', async () => {
  const a = startRequest({ 'x-request-id': 'a' })
  const b = startRequest({ 'x-request-id': 'b' })
  const run = (r: typeof a, user: string) =>
    new Promise((resolve) =>
      r.core.run(r.req, async () => {
        bindContext({ userId: user })
        await delay(5)
        resolve(getContext())
      }),
    )
  const [ra, rb] = await Promise.all([run(a, 'ua'), run(b, 'ub')])
  assert.deepEqual(ra, { request_id: 'a', user_id: 'ua' })
  assert.deepEqual(rb, { request_id: 'b', user_id: 'ub' })
})

test('bound values are redacted once when bound', async () => {
  const seen = await runWithContext(
    { userId: 'jane@example.com', session_token: 'abc', note: 'call +1 415 555 2671' },
    async () => {
      await delay(1)
      return getContext()
    },
  )
  assert.deepEqual(seen, {
    user_id: '[REDACTED_EMAIL]',
    session_token: '[REDACTED]',
    note: 'call [REDACTED_PHONE]',
  })
})

test('a tenant header holding an email is redacted in the context', async () => {
  const { core, req } = startRequest({ 'x-request-id': 'r', 'x-tenant-id': 'ceo@example.com' })
  const seen = await new Promise((resolve) => core.run(req, () => resolve(getContext())))
  assert.deepEqual(seen, { request_id: 'r', tenant_id: '[REDACTED_EMAIL]' })
})

test('runWithContext nested in a request starts from the request’s fields and does not leak back', async () => {
  const { core, req } = startRequest({ 'x-request-id': 'outer' })
  const [inner, after] = await new Promise<unknown[]>((resolve) =>
    core.run(req, async () => {
      const i = await runWithContext({ job: 'email' }, async () => getContext())
      resolve([i, getContext()])
    }),
  )
  assert.deepEqual(inner, { request_id: 'outer', job: 'email' })
  assert.deepEqual(after, { request_id: 'outer' })
})
