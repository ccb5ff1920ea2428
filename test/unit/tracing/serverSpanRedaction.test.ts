import assert from 'node:assert/strict'
import { test } from 'node:test'
import { trace } from '@opentelemetry/api'
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base'
import { createRedactor } from '../../../src/redact/createRedactor.ts'
import type { SpanRedactor } from '../../../src/tracing/spanRedactor.ts'
import { createTracedCore } from '../../support/tracedCore.ts'

const redactor = createRedactor()

/** A core traced at 100 %, whose span processors scan through a redactor that records each string it is given. */
function tracedCore() {
  const scanned: string[] = []
  const scanning: SpanRedactor = {
    redact: (value) => redactor.redact(value),
    redactString(s) {
      scanned.push(s)
      return redactor.redactString(s)
    },
    isSensitiveKey: (key) => redactor.isSensitiveKey(key),
  }
  const ended: ReadableSpan[] = []
  const processor: SpanProcessor = {
    onStart() {},
    onEnd: (span) => ended.push(span),
    forceFlush: async () => {},
    shutdown: async () => {},
  }
  const { core, runtime } = createTracedCore({
    sampleRate: 1,
    processors: [processor],
    processorRedactor: scanning,
  })
  return { core, runtime, scanned, ended }
}

test('a server span’s own attributes are not scanned again when it ends, while one the app added to it is', () => {
  const { core, scanned, ended } = tracedCore()
  const req = core.startWith(
    'GET',
    '/users/7',
    { host: 'api', 'user-agent': 'probe/1.0' },
    null,
    '/users/:id',
  )
  core.run(req, () => {
    trace.getActiveSpan()?.setAttribute('app.note', 'mail jane.doe@example.com')
  })
  core.finish(req, 200, 2)

  assert.equal(ended.length, 1)
  const span = ended[0]!
  assert.equal(span.attributes['url.path'], '/users/7')
  assert.equal(span.attributes['user_agent.original'], 'probe/1.0')
  assert.ok(
    !String(span.attributes['app.note']).includes('jane.doe@example.com'),
    String(span.attributes['app.note']),
  )
  assert.deepEqual(scanned, ['mail jane.doe@example.com'])
})

test('a span ended after the server span, with the same attribute values, is scanned in full', () => {
  const { core, runtime, scanned, ended } = tracedCore()
  const req = core.startWith('GET', '/users/7', { host: 'api' }, null, '/users/:id')
  core.run(req, () => {})
  core.finish(req, 200, 2)
  assert.deepEqual(scanned, [])

  const later = runtime.tracer.startSpan('later', {
    attributes: { 'url.path': '/users/7', 'server.address': 'api' },
  })
  later.end()
  assert.equal(ended.length, 2)
  assert.deepEqual(scanned.sort(), ['/users/7', 'api'])
})

test('a 5xx server span with the handler’s error is ended with its own attributes unscanned and its exception redacted', () => {
  const { core, scanned, ended } = tracedCore()
  const req = core.startWith('GET', '/users/7', { host: 'api' }, null, '/users/:id')
  core.run(req, () => {})
  req.error = new Error('no user for jane.doe@example.com')
  core.finish(req, 500, 2)

  assert.equal(ended.length, 1)
  const span = ended[0]!
  assert.equal(span.attributes['error.type'], 'Error')
  assert.equal(span.attributes['url.path'], '/users/7')
  const message = String(span.events[0]?.attributes?.['exception.message'])
  assert.ok(!message.includes('jane.doe@example.com'), message)
  assert.ok(!scanned.includes('/users/7'), scanned.join(', '))
})
