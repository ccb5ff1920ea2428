import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { context, trace } from '@opentelemetry/api'
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base'
import { createLogBuffer } from '../../../src/console/logBuffer.ts'
import { createTraceBuffer } from '../../../src/console/traceBuffer.ts'

describe('console buffers stay within their bounds and count drops', () => {
  test('traces: by bytes', () => {
    const drops = { traces: 0, spans: 0 }
    const buffer = createTraceBuffer({
      maxTraces: 1000,
      maxBytes: 4096,
      maxSpansPerTrace: 3,
      onDrop: (b, n) => (drops[b] += n),
    })
    const tracer = new BasicTracerProvider({ spanProcessors: [buffer.processor] }).getTracer('t')
    for (let i = 0; i < 200; i++)
      tracer.startSpan(`op-${i}`, { attributes: { payload: 'x'.repeat(100) } }).end()
    assert.ok(buffer.bytes <= 4096, String(buffer.bytes))
    assert.ok(buffer.size < 200 && buffer.size > 0)
    assert.equal(drops.traces, 200 - buffer.size)
  })

  test('traces: spans per trace', () => {
    const drops = { traces: 0, spans: 0 }
    const buffer = createTraceBuffer({
      maxTraces: 10,
      maxBytes: 1 << 20,
      maxSpansPerTrace: 3,
      onDrop: (b, n) => (drops[b] += n),
    })
    const tracer = new BasicTracerProvider({ spanProcessors: [buffer.processor] }).getTracer('t')
    const root = tracer.startSpan('root')
    const parent = trace.setSpan(context.active(), root)
    for (let i = 0; i < 5; i++) tracer.startSpan(`child-${i}`, {}, parent).end()
    root.end()
    assert.equal(drops.spans, 2)
    const [summary] = buffer.list({ limit: 10 })
    assert.equal(summary?.name, 'root', 'the root is kept past the cap')
    assert.equal(summary?.spans, 4)
  })

  test('logs: by lines and by bytes; non-JSON text is kept as the message', () => {
    let dropped = 0
    const logs = createLogBuffer({ maxLines: 10, maxBytes: 1 << 20, onDrop: (n) => (dropped += n) })
    for (let i = 0; i < 25; i++) logs.add(`{"level":"info","msg":"line ${i}"}\n`)
    assert.equal(logs.size, 10)
    assert.equal(dropped, 15)
    assert.deepEqual(
      logs.list({ limit: 2 }).map((l) => l.msg),
      ['line 23', 'line 24'],
    )
    const small = createLogBuffer({ maxLines: 1000, maxBytes: 2048, onDrop: () => {} })
    for (let i = 0; i < 100; i++) small.add(`{"level":"warn","msg":"${'y'.repeat(100)}"}\n`)
    assert.ok(small.bytes <= 2048 && small.size < 100)
    small.add('not json')
    assert.equal(small.list({ limit: 1 })[0]!.msg, 'not json')
  })
})
