import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import { test } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import { type Context, context, createContextKey, ROOT_CONTEXT } from '@opentelemetry/api'
import { bindContext, getContext, runWithContext } from '../../../src/context/index.ts'
import { lookoutContextManager } from '../../../src/context/lookoutContextManager.ts'

const KEY = createContextKey('test key')
const ctxOf = (value: string): Context => ROOT_CONTEXT.setValue(KEY, value)
const current = () => context.active().getValue(KEY)

assert.equal(context.setGlobalContextManager(lookoutContextManager.enable()), true)

test('outside any request, context.with makes its context active across awaits and restores the outer one', async () => {
  assert.equal(context.active(), ROOT_CONTEXT)
  const seen = await context.with(ctxOf('a'), async () => {
    await delay(1)
    const inner = await context.with(ctxOf('b'), async () => {
      await new Promise((resolve) => setImmediate(resolve))
      return current()
    })
    return [inner, current(), getContext()]
  })
  assert.deepEqual(seen, ['b', 'a', undefined])
  assert.equal(context.active(), ROOT_CONTEXT)
})

test('context.with passes this and the arguments to the function', () => {
  const target = { n: 2 }
  const out = context.with(
    ctxOf('a'),
    function (this: typeof target, x: number) {
      return [this.n * x, current()]
    },
    target,
    21,
  )
  assert.deepEqual(out, [42, 'a'])
})

test('inside a request context, context.with keeps the request fields and fields bound inside stay with the request', async () => {
  const seen = await runWithContext({ requestId: 'req-1' }, async () => {
    const inner = await context.with(ctxOf('span'), async () => {
      await delay(1)
      bindContext({ userId: 'u-1' })
      return [current(), getContext()]
    })
    return [inner, current(), getContext()]
  })
  assert.deepEqual(seen, [
    ['span', { request_id: 'req-1', user_id: 'u-1' }],
    undefined,
    { request_id: 'req-1', user_id: 'u-1' },
  ])
})

test('context.with(ROOT_CONTEXT) inside a request leaves the request fields in place', async () => {
  const seen = await context.with(ctxOf('outer'), () =>
    runWithContext({ requestId: 'req-2' }, () => context.with(ROOT_CONTEXT, () => [current(), getContext()])),
  )
  assert.deepEqual(seen, [undefined, { request_id: 'req-2' }])
})

test('runWithContext keeps the OpenTelemetry context that was active', async () => {
  const seen = await context.with(ctxOf('parent'), () =>
    runWithContext({ job: 'nightly' }, async () => {
      await delay(1)
      return current()
    }),
  )
  assert.equal(seen, 'parent')
})

test('a bound function runs in its context wherever it is called, with its this, arguments and arity', async () => {
  const fn = function (this: { k: string }, a: number, b: number) {
    return [this.k, a + b, current()]
  }
  const bound = context.bind(ctxOf('bound'), fn)
  assert.equal(bound.length, 2)
  const out = await context.with(ctxOf('caller'), async () => {
    await delay(1)
    return bound.call({ k: 'this' }, 1, 2)
  })
  assert.deepEqual(out, ['this', 3, 'bound'])
})

test('listeners of a bound emitter run in the bound context, and the app’s own listener removes them', async () => {
  const emitter = new EventEmitter()
  assert.equal(context.bind(ctxOf('bound'), emitter), emitter)
  const seen: unknown[] = []
  const on = (tag: string) => () => seen.push([tag, current()])
  const kept = on('on')
  const removed = on('removed')
  const onceRemoved = on('once-removed')
  context.with(ctxOf('adder'), () => {
    emitter.on('tick', kept)
    emitter.prependListener('tick', on('prepend'))
    emitter.once('tick', on('once'))
    emitter.on('tick', removed)
    emitter.once('tick', onceRemoved)
    emitter.on('other', on('other'))
  })
  emitter.off('tick', removed)
  emitter.removeListener('tick', onceRemoved)
  await context.with(ctxOf('emitter'), async () => {
    await delay(1)
    emitter.emit('tick')
    emitter.emit('tick')
  })
  assert.deepEqual(seen, [
    ['prepend', 'bound'],
    ['on', 'bound'],
    ['once', 'bound'],
    ['prepend', 'bound'],
    ['on', 'bound'],
  ])
  emitter.removeAllListeners('tick')
  assert.equal(emitter.listenerCount('tick'), 0)
  assert.equal(emitter.listenerCount('other'), 1)
  emitter.removeAllListeners()
  assert.equal(emitter.listenerCount('other'), 0)
  // Binding again keeps the first context.
  context.bind(ctxOf('second'), emitter)
  emitter.on('tick', on('again'))
  emitter.emit('tick')
  assert.deepEqual(seen.at(-1), ['again', 'bound'])
})
