import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createContextKey, ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api'
import { isTracingSuppressed, suppressTracing, W3CTraceContextPropagator } from '@opentelemetry/core'
import {
  type ReadableSpan,
  SamplingDecision,
  type Span,
  type SpanProcessor,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base'
import type { LifecycleRequest } from '../../../src/http/lifecycleRequest.ts'
import { RequestIdPropagator } from '../../../src/tracing/requestIdPropagator.ts'
import { ServerSpanContext } from '../../../src/tracing/serverSpanContext.ts'
import { traceIdRatio, traceIdRatioBound } from '../../../src/tracing/traceIdRatio.ts'
import { createRandomHexPool } from '../../../src/util/randomHexPool.ts'
import { createTracedCore } from '../../support/tracedCore.ts'

/** A lifecycle core traced at `sampleRate`, with a processor that records every span the SDK starts. */
function tracedCore(sampleRate: number) {
  const started: Span[] = []
  const ended: ReadableSpan[] = []
  const processor: SpanProcessor = {
    onStart: (span) => started.push(span),
    onEnd: (span) => ended.push(span),
    forceFlush: async () => {},
    shutdown: async () => {},
  }
  const { core, runtime } = createTracedCore({ sampleRate, processors: [processor] })
  let startSpanCalls = 0
  const startSpan = runtime.tracer.startSpan.bind(runtime.tracer)
  runtime.tracer.startSpan = (...args) => {
    startSpanCalls++
    return startSpan(...args)
  }
  const request = () => {
    const req: LifecycleRequest = core.startWith('GET', '/users/7', { host: 'api' }, null, '/users/:id')
    let active: ReturnType<typeof trace.getActiveSpan>
    let recording = false
    core.run(req, () => {
      active = trace.getActiveSpan()
      recording = active?.isRecording() ?? false
    })
    core.finish(req, 200, 2)
    return { req, active, recording }
  }
  return { request, started, ended, startSpanCalls: () => startSpanCalls }
}

test('an unsampled request builds no SDK span and the processors see none, yet it has ids, X-Trace-Id and an active span carrying them', () => {
  const traced = tracedCore(0)
  for (let i = 0; i < 50; i++) {
    const { req, active, recording } = traced.request()
    assert.match(req.traceId ?? '', /^[0-9a-f]{32}$/)
    assert.match(req.spanId ?? '', /^[0-9a-f]{16}$/)
    assert.equal(req.sampled, false)
    assert.deepEqual(req.responseHeaders, ['x-trace-id', req.traceId])
    assert.ok(active)
    assert.equal(recording, false)
    const { traceId, spanId, traceFlags } = active.spanContext()
    assert.deepEqual([traceId, spanId, traceFlags], [req.traceId, req.spanId, TraceFlags.NONE])
  }
  assert.equal(traced.startSpanCalls(), 0)
  assert.equal(traced.started.length, 0)
  assert.equal(traced.ended.length, 0)
})

test('at a 0.5 sample rate, exactly the requests the SDK ratio sampler samples by trace id are recorded, under the ids their logs carry', () => {
  const traced = tracedCore(0.5)
  const sdkSampler = new TraceIdRatioBasedSampler(0.5)
  const sampled: string[] = []
  for (let i = 0; i < 400; i++) {
    const { req, recording } = traced.request()
    const expected =
      sdkSampler.shouldSample(ROOT_CONTEXT, req.traceId!).decision === SamplingDecision.RECORD_AND_SAMPLED
    assert.equal(req.sampled, expected)
    assert.equal(recording, expected)
    if (expected) sampled.push(`${req.traceId}/${req.spanId}`)
  }
  assert.ok(sampled.length > 100 && sampled.length < 300, String(sampled.length))
  assert.equal(traced.startSpanCalls(), sampled.length)
  assert.deepEqual(
    traced.ended.map((s) => `${s.spanContext().traceId}/${s.spanContext().spanId}`),
    sampled,
  )
})

test('the root decision on a trace id is the SDK ratio sampler’s, at every ratio, from the hex and from the id’s bytes', () => {
  const ids = createRandomHexPool(32)
  const sample = Array.from({ length: 3000 }, () => ({ id: ids.next(), xor: ids.lastWordsXor() }))
  for (const ratio of [0, 0.001, 0.1, 0.5, 0.999, 1, -1, 2, Number.NaN]) {
    const records = traceIdRatio(ratio)
    const bound = traceIdRatioBound(ratio)
    const sdkSampler = new TraceIdRatioBasedSampler(ratio)
    for (const { id, xor } of sample) {
      const sdk = sdkSampler.shouldSample(ROOT_CONTEXT, id).decision === SamplingDecision.RECORD_AND_SAMPLED
      assert.equal(records(id), sdk, `ratio ${ratio}, trace id ${id}`)
      assert.equal(xor < bound, sdk, `ratio ${ratio}, trace id ${id} by its bytes`)
    }
  }
})

test('a request’s OpenTelemetry context behaves as a context: span, parent values, children, deletion, suppression and request-id injection', () => {
  const parentKey = createContextKey('parent value')
  const parent = ROOT_CONTEXT.setValue(parentKey, 'from parent')
  const span = trace.wrapSpanContext({
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '00f067aa0ba902b7',
    traceFlags: TraceFlags.NONE,
  })
  const child = trace.wrapSpanContext({ ...span.spanContext(), spanId: '1111111111111111' })
  const ctx = new ServerSpanContext(parent, span, 'x-request-id', 'req-9')
  const withChild = trace.setSpan(ctx, child)
  const carrier: Record<string, string> = {}
  new W3CTraceContextPropagator().inject(ctx, carrier, { set: (c, k, v) => (c[k] = v) })
  new RequestIdPropagator().inject(ctx, carrier, { set: (c, k, v) => (c[k] = v) })
  const noHeader: Record<string, string> = {}
  new RequestIdPropagator().inject(new ServerSpanContext(parent, span, undefined, 'req-9'), noHeader, {
    set: (c, k, v) => (c[k] = v),
  })
  const cases: [string, unknown, unknown][] = [
    ['its span', trace.getSpan(ctx), span],
    ['a parent value', ctx.getValue(parentKey), 'from parent'],
    ['a child span set over it', trace.getSpan(withChild), child],
    ['the parent value under the child', withChild.getValue(parentKey), 'from parent'],
    ['its own span after a child was set', trace.getSpan(ctx), span],
    ['a deleted span', trace.getSpan(trace.deleteSpan(withChild)), undefined],
    ['a deleted parent value', ctx.deleteValue(parentKey).getValue(parentKey), undefined],
    ['suppression set over it', isTracingSuppressed(suppressTracing(withChild)), true],
    ['no suppression of its own', isTracingSuppressed(ctx), false],
    [
      'the injected traceparent (unsampled)',
      carrier.traceparent,
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00',
    ],
    ['the injected request id', carrier['x-request-id'], 'req-9'],
    ['no request id without a header', noHeader, {}],
  ]
  for (const [name, actual, expected] of cases) assert.deepEqual(actual, expected, name)
})
