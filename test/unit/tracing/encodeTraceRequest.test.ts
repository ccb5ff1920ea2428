import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type Attributes, context, SpanKind, SpanStatusCode, TraceFlags, trace } from '@opentelemetry/api'
import { TraceState } from '@opentelemetry/core'
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer'
import { resourceFromAttributes } from '@opentelemetry/resources'
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base'
import fc from 'fast-check'
import { encodeTraceRequest } from '../../../src/tracing/encodeTraceRequest.ts'
import { ProtobufWriter } from '../../../src/tracing/protobufWriter.ts'
import { decodeTraceRequest } from '../../support/otlpReceiver.ts'

/** Spans made by the SDK, as an exporter receives them. */
function spansOf(
  make: (tracers: {
    a: ReturnType<BasicTracerProvider['getTracer']>
    b: ReturnType<BasicTracerProvider['getTracer']>
  }) => void,
): ReadableSpan[] {
  const exporter = new InMemorySpanExporter()
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'identity',
      'service.version': '1.2.3',
      'host.cpus': 2,
    }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  })
  make({ a: provider.getTracer('lookout', '0.1.0'), b: provider.getTracer('app') })
  return exporter.getFinishedSpans()
}

/** Both encodings of `spans`, decoded by protobufjs. */
function decodedBoth(spans: ReadableSpan[]) {
  const ours = decodeTraceRequest(encodeTraceRequest(spans))
  const sdk = decodeTraceRequest(ProtobufTraceSerializer.serializeRequest(spans)!)
  return { ours, sdk }
}

test('a request of spans with every field decodes to what the OpenTelemetry serializer writes', () => {
  const spans = spansOf(({ a, b }) => {
    const remoteParent = trace.setSpanContext(context.active(), {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
      traceState: new TraceState('vendor=a,other=b'),
    })
    const server = a.startSpan('GET /users/:id', { kind: SpanKind.SERVER }, remoteParent)
    server.setAttributes({
      'http.request.method': 'GET',
      'http.response.status_code': 500,
      'http.server.request.duration': 0.0123,
      big: 2 ** 40,
      negative: -7,
      'very.negative': -(2 ** 40),
      ok: false,
      tags: ['a', 'b', 'ü'],
      counts: [1, 2.5, -3],
      flags: [true, false],
      unicode: 'naïve café — 日本 😀',
      empty: '',
    })
    server.addEvent('exception', { 'exception.type': 'TypeError', 'exception.message': 'boom' })
    server.addEvent('note')
    server.addLink({
      context: { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 0 },
      attributes: { reason: 'batch' },
    })
    server.setStatus({ code: SpanStatusCode.ERROR, message: 'lookup failed' })
    const child = b.startSpan(
      'SELECT users',
      { kind: SpanKind.CLIENT },
      trace.setSpan(context.active(), server),
    )
    child.end()
    a.startSpan('internal').end()
    server.end()
  })
  assert.equal(spans.length, 3)
  const { ours, sdk } = decodedBoth(spans)
  assert.deepEqual(ours, sdk)
  // And the content is there, not two equal empties.
  const resourceSpans = ours.resourceSpans as {
    scopeSpans: { scope: { name: string }; spans: unknown[] }[]
  }[]
  assert.equal(resourceSpans.length, 1)
  const scopes = resourceSpans[0]!.scopeSpans.map((s) => `${s.scope.name}: ${s.spans.length}`)
  assert.deepEqual(scopes.sort(), ['app: 1', 'lookout: 2'])
})

test('an empty batch and a batch of hundreds of spans encode as the OpenTelemetry serializer does', () => {
  assert.deepEqual(
    decodeTraceRequest(encodeTraceRequest([])),
    decodeTraceRequest(ProtobufTraceSerializer.serializeRequest([])!),
  )
  const spans = spansOf(({ a }) => {
    for (let i = 0; i < 600; i++) {
      const s = a.startSpan(`GET /items/${i}`, {
        kind: SpanKind.SERVER,
        attributes: { i, path: `/items/${i}?q=${'x'.repeat(i % 300)}` },
      })
      s.end()
    }
  })
  const { ours, sdk } = decodedBoth(spans)
  assert.deepEqual(ours, sdk)
})

test('attributes repeated across spans and batches encode as the first time, past the bounds of what is kept', () => {
  const make = (round: number) =>
    spansOf(({ a }) => {
      for (let i = 0; i < 300; i++) {
        const s = a.startSpan('GET /users/:id', {
          kind: SpanKind.SERVER,
          attributes: {
            'http.request.method': i % 2 === 0 ? 'GET' : 'POST',
            'http.response.status_code': 200 + (i % 3),
            'url.path': `/users/${i}`,
            'server.port': 8080,
            'network.protocol.version': '1.1',
            sampled: true,
            ratio: 0.25,
            // Past the one-byte length of a kept body, and past the longest string kept.
            long: 'x'.repeat(100 + (i % 5)),
            longer: 'y'.repeat(200),
            round,
          },
        })
        s.end()
      }
    })
  for (const round of [1, 2, 3]) {
    const { ours, sdk } = decodedBoth(make(round))
    assert.deepEqual(ours, sdk)
  }
})

test('a writer reused for a smaller batch after a larger one holds only the smaller request', () => {
  const writer = new ProtobufWriter(64)
  const large = spansOf(({ a }) => {
    for (let i = 0; i < 50; i++)
      a.startSpan(`large ${i}`, { attributes: { i, text: 'z'.repeat(i * 3) } }).end()
  })
  const small = spansOf(({ b }) => b.startSpan('small', { attributes: { only: 'one' } }).end())
  assert.deepEqual(
    decodeTraceRequest(encodeTraceRequest(large, writer)),
    decodeTraceRequest(ProtobufTraceSerializer.serializeRequest(large)!),
  )
  const { ours, sdk } = decodedBoth(small)
  assert.deepEqual(ours, sdk)
  assert.deepEqual(encodeTraceRequest(small, writer), encodeTraceRequest(small))
})

/** Attribute values the API allows, and some it does not (which both sides must treat alike). */
const attributeValue = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.boolean(),
  fc.integer(),
  fc.maxSafeInteger(),
  fc.double({ noNaN: false }),
  fc.array(fc.string({ maxLength: 10 }), { maxLength: 5 }),
  fc.array(fc.double(), { maxLength: 5 }),
  fc.array(fc.boolean(), { maxLength: 5 }),
  fc.constant(null),
)

test('any attribute values encode as the OpenTelemetry serializer encodes them (property)', () => {
  fc.assert(
    fc.property(
      fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), attributeValue, { maxKeys: 12 }),
      fc.string({ maxLength: 80 }),
      (attributes, name) => {
        const spans = spansOf(({ a }) => {
          const s = a.startSpan(name)
          s.setAttributes(attributes as Attributes)
          s.addEvent(name, attributes as Attributes)
          s.end()
        })
        const { ours, sdk } = decodedBoth(spans)
        assert.deepEqual(ours, sdk)
      },
    ),
    { numRuns: 300 },
  )
})
