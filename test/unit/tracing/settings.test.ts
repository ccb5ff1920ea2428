import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { defaultTextMapGetter, ROOT_CONTEXT, trace } from '@opentelemetry/api'
import { resolveConfig } from '../../../src/config/resolveConfig.ts'
import { getDefaultRedactor } from '../../../src/redact/index.ts'
import { createPropagator, createResource, createSampler } from '../../../src/tracing/createTracing.ts'
import { parseKeyValueList } from '../../../src/tracing/parseKeyValueList.ts'
import { redactQuery } from '../../../src/tracing/redactQuery.ts'
import { resolveTracingSettings } from '../../../src/tracing/resolveTracingSettings.ts'
import { exposition2otlp } from '../../../src/tracing/startOtlpMetricsPush.ts'

const settingsOf = (env: Record<string, string>, options = {}) =>
  resolveTracingSettings(resolveConfig(options, env))

describe('tracing settings from the environment', () => {
  const cases: [string, Record<string, string>, (s: ReturnType<typeof settingsOf>) => unknown, unknown][] = [
    ['no endpoint means nothing is exported', {}, (s) => s.otlp, undefined],
    [
      'a base endpoint gets /v1/traces appended',
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' },
      (s) => s.otlp?.url,
      'http://c:4318/v1/traces',
    ],
    [
      'a base endpoint with a path keeps it',
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c/otlp/' },
      (s) => s.otlp?.url,
      'http://c/otlp/v1/traces',
    ],
    [
      'a per-signal endpoint is used as-is',
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://t:9/x' },
      (s) => s.otlp?.url,
      'http://t:9/x',
    ],
    [
      'OTLP_ENDPOINT on port 4317 means gRPC',
      { OTLP_ENDPOINT: 'http://otel-collector:4317' },
      (s) => [s.otlp?.protocol, s.otlp?.url],
      ['grpc', 'http://otel-collector:4317'],
    ],
    [
      'an explicit protocol wins over the port guess',
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
      (s) => s.otlp?.protocol,
      'http/json',
    ],
    [
      'the default protocol is http/protobuf',
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' },
      (s) => s.otlp?.protocol,
      'http/protobuf',
    ],
    [
      'headers are percent-decoded',
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_HEADERS: 'api-key=a%20b,x=1' },
      (s) => s.otlp?.headers,
      { 'api-key': 'a b', x: '1' },
    ],
    [
      'timeout and compression are read',
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
        OTEL_EXPORTER_OTLP_TIMEOUT: '2500',
        OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
      },
      (s) => [s.otlp?.timeoutMs, s.otlp?.compression],
      [2500, 'gzip'],
    ],
    [
      'a ratio alone selects parentbased_traceidratio',
      { TRACE_SAMPLE_RATE: '0.1' },
      (s) => [s.sampler, s.ratio],
      ['parentbased_traceidratio', 0.1],
    ],
    [
      'the default sampler is parentbased_always_on',
      {},
      (s) => [s.sampler, s.ratio],
      ['parentbased_always_on', 1],
    ],
    [
      'OTEL_TRACES_SAMPLER and its argument',
      { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' },
      (s) => [s.sampler, s.ratio],
      ['traceidratio', 0.25],
    ],
    [
      'OTEL_SDK_DISABLED turns tracing off',
      { OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' },
      (s) => [s.enabled, s.otlp],
      [false, undefined],
    ],
    ['TRACING_ENABLED=false turns tracing off', { TRACING_ENABLED: 'false' }, (s) => s.enabled, false],
    ['TELEMETRY_ENABLED=false turns tracing off', { TELEMETRY_ENABLED: 'false' }, (s) => s.enabled, false],
    [
      'OTEL_TRACES_EXPORTER=console prints without an endpoint',
      { OTEL_TRACES_EXPORTER: 'console' },
      (s) => [s.console, s.otlp],
      [true, undefined],
    ],
    [
      'OTEL_TRACES_EXPORTER=none exports nothing even with an endpoint',
      { OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' },
      (s) => s.otlp,
      undefined,
    ],
    [
      'unsupported propagators are reported, not fatal',
      { OTEL_PROPAGATORS: 'tracecontext,b3' },
      (s) => [s.propagators, s.unsupportedPropagators],
      [['tracecontext'], ['b3']],
    ],
    ['OTEL_PROPAGATORS=none propagates nothing', { OTEL_PROPAGATORS: 'none' }, (s) => s.propagators, []],
    [
      'the outbound request id header follows http.requestIdHeader',
      { LOOKOUT_REQUEST_ID_HEADER: 'X-Correlation-Id' },
      (s) => s.outboundRequestIdHeader,
      'x-correlation-id',
    ],
    [
      'an empty outbound header disables injection',
      {},
      (_s) => settingsOf({}, { tracing: { outbound: { requestIdHeader: '' } } }).outboundRequestIdHeader,
      undefined,
    ],
    [
      'OTEL_METRICS_EXPORTER=otlp pushes to <endpoint>/v1/metrics',
      { OTEL_METRICS_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' },
      (s) => s.metricsPush?.url,
      'http://c:4318/v1/metrics',
    ],
    [
      'metrics push maps a gRPC port to the HTTP one',
      { OTEL_METRICS_EXPORTER: 'otlp', OTLP_ENDPOINT: 'http://c:4317' },
      (s) => s.metricsPush?.url,
      'http://c:4318/v1/metrics',
    ],
  ]
  for (const [name, env, pick, expected] of cases) {
    test(name, () => assert.deepEqual(pick(settingsOf(env)), expected))
  }

  test('code options win over the environment', () => {
    const s = settingsOf({ TRACE_SAMPLE_RATE: '0.5' }, { tracing: { sampleRate: 0.1 } })
    assert.equal(s.ratio, 0.1)
  })

  const invalid: [string, Record<string, string>, RegExp][] = [
    ['a ratio above 1', { OTEL_TRACES_SAMPLER_ARG: '1.5' }, /OTEL_TRACES_SAMPLER_ARG/],
    ['an unknown sampler', { OTEL_TRACES_SAMPLER: 'jaeger_remote' }, /OTEL_TRACES_SAMPLER/],
    ['an unknown protocol', { OTEL_EXPORTER_OTLP_PROTOCOL: 'thrift' }, /OTEL_EXPORTER_OTLP_PROTOCOL/],
    [
      'a malformed resource attribute list',
      { OTEL_RESOURCE_ATTRIBUTES: 'a=b,broken' },
      /OTEL_RESOURCE_ATTRIBUTES/,
    ],
    [
      'an endpoint that is not a URL',
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' },
      /OTEL_EXPORTER_OTLP_ENDPOINT/,
    ],
  ]
  for (const [name, env, message] of invalid) {
    test(`${name} stops start-up naming the variable`, () => {
      assert.throws(
        () => resolveConfig({}, env),
        (err: Error) => message.test(err.message),
      )
    })
  }
})

describe('parseKeyValueList', () => {
  const cases: [string, string, unknown][] = [
    ['plain pairs', 'a=1,b=2', { ok: true, value: { a: '1', b: '2' } }],
    [
      'percent-encoded values and spaces around',
      ' k = v%2Cw , x=%3D ',
      { ok: true, value: { k: 'v,w', x: '=' } },
    ],
    ['blank entries are skipped', 'a=1,,', { ok: true, value: { a: '1' } }],
    [
      'an entry without = invalidates the whole value',
      'a=1,b',
      { ok: false, message: 'entry 2 is not of the form key=value' },
    ],
    [
      'a bad escape invalidates the whole value',
      'a=%ZZ',
      { ok: false, message: 'entry 1 has an invalid percent-encoding' },
    ],
  ]
  for (const [name, input, expected] of cases)
    test(name, () => assert.deepEqual(parseKeyValueList(input), expected))
})

describe('the resource', () => {
  test('carries service, version, environment, host and process; OTEL_SERVICE_NAME wins over resource attributes', () => {
    const r = createResource(
      resolveConfig(
        {},
        {
          OTEL_SERVICE_NAME: 'identity',
          OTEL_RESOURCE_ATTRIBUTES: 'service.name=other,team=auth%20core',
          LOOKOUT_SERVICE_VERSION: '1.2.3',
          LOOKOUT_ENVIRONMENT: 'prod',
        },
      ),
    )
    const a = r.attributes
    assert.equal(a['service.name'], 'identity')
    assert.equal(a['service.version'], '1.2.3')
    assert.equal(a['deployment.environment'], 'prod')
    assert.equal(a['deployment.environment.name'], 'prod')
    assert.equal(a.team, 'auth core')
    assert.equal(a['process.pid'], process.pid)
    assert.equal(typeof a['host.name'], 'string')
    assert.equal(a['telemetry.sdk.language'], 'nodejs')
  })
  test('a service.name in OTEL_RESOURCE_ATTRIBUTES beats the default name', () => {
    const r = createResource(resolveConfig({}, { OTEL_RESOURCE_ATTRIBUTES: 'service.name=billing' }))
    assert.equal(r.attributes['service.name'], 'billing')
  })
})

describe('traceparent extraction (W3C Trace Context)', () => {
  const propagator = createPropagator(['tracecontext', 'baggage'])
  const extract = (traceparent: string) =>
    trace.getSpanContext(propagator.extract(ROOT_CONTEXT, { traceparent }, defaultTextMapGetter))
  const cases: [string, string, boolean][] = [
    ['a valid sampled header', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', true],
    ['uppercase hex is rejected', '00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01', false],
    ['an all-zero trace id is rejected', '00-00000000000000000000000000000000-00f067aa0ba902b7-01', false],
    ['an all-zero parent id is rejected', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01', false],
    ['version ff is rejected', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', false],
    ['a short trace id is rejected', '00-4bf92f3577b34da6a3ce929d0e0e47-00f067aa0ba902b7-01', false],
  ]
  for (const [name, header, valid] of cases) {
    test(name, () => {
      const sc = extract(header)
      assert.equal(sc !== undefined && trace.isSpanContextValid(sc), valid)
    })
  }
  test('flag 01 means sampled and the parent is remote', () => {
    const sc = extract('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')
    assert.equal(sc?.traceFlags, 1)
    assert.equal(sc?.isRemote, true)
  })
})

describe('samplers', () => {
  test('a 10 % parent-based ratio samples about a tenth of root traces and follows a sampled parent', () => {
    const sampler = createSampler({ sampler: 'parentbased_traceidratio', ratio: 0.1 })
    let sampled = 0
    for (let i = 0; i < 2000; i++) {
      const traceId = Array.from(
        { length: 32 },
        () => '0123456789abcdef'[Math.floor(Math.random() * 16)],
      ).join('')
      if (sampler.shouldSample(ROOT_CONTEXT, traceId, 'x', 1, {}, []).decision === 2) sampled++
    }
    assert.ok(sampled > 100 && sampled < 320, `sampled ${sampled} of 2000`)
    const parent = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: 1,
      isRemote: true,
    })
    assert.equal(sampler.shouldSample(parent, '4bf92f3577b34da6a3ce929d0e0e4736', 'x', 1, {}, []).decision, 2)
  })
})

describe('url.query redaction', () => {
  const redactor = getDefaultRedactor()
  const cases: [string, string, (out: string) => boolean][] = [
    ['credential keys are replaced', 'token=abc&page=2', (o) => o === 'token=REDACTED&page=2'],
    [
      'emails in values are redacted',
      'q=alice%40example.com',
      (o) => !o.includes('alice') && o.startsWith('q='),
    ],
    ['plain values stay', 'sort=asc&limit=10', (o) => o === 'sort=asc&limit=10'],
    ['keys without values stay', 'flag&x=1', (o) => o === 'flag&x=1'],
  ]
  for (const [name, input, ok] of cases)
    test(name, () => assert.ok(ok(redactQuery(input, redactor)), redactQuery(input, redactor)))
})

describe('exposition → OTLP metrics', () => {
  test('counters become monotonic sums, gauges gauges, histograms de-accumulated buckets', () => {
    const text = [
      '# HELP jobs_total Jobs',
      '# TYPE jobs_total counter',
      'jobs_total{status="ok",note="a \\"quoted\\" value"} 3',
      '# HELP inflight In flight',
      '# TYPE inflight gauge',
      'inflight 2',
      '# HELP d Duration',
      '# TYPE d histogram',
      'd_bucket{route="/a",le="0.1"} 1',
      'd_bucket{route="/a",le="1"} 3',
      'd_bucket{route="/a",le="+Inf"} 4',
      'd_sum{route="/a"} 2.5',
      'd_count{route="/a"} 4',
      '',
    ].join('\n')
    const [jobs, inflight, d] = exposition2otlp(text, [0, 0], [1, 0])
    assert.equal(jobs?.dataPointType, 3)
    assert.deepEqual(jobs?.dataPoints[0]?.attributes, { status: 'ok', note: 'a "quoted" value' })
    assert.equal(jobs?.dataPoints[0]?.value, 3)
    assert.equal(inflight?.dataPointType, 2)
    assert.equal(d?.dataPointType, 0)
    assert.deepEqual(d?.dataPoints[0]?.value, {
      buckets: { boundaries: [0.1, 1], counts: [1, 2, 1] },
      sum: 2.5,
      count: 4,
    })
    assert.deepEqual(d?.dataPoints[0]?.attributes, { route: '/a' })
  })
})
