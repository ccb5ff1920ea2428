import assert from 'node:assert/strict'
import { test } from 'node:test'
import { resolveConfig } from '../../../src/config/resolveConfig.ts'
import type { LookoutOptions } from '../../../src/config/schema.ts'
import {
  describeTelemetry,
  formatTelemetry,
  type PrimaryLogDestination,
  type TelemetrySummary,
} from '../../../src/logging/describeTelemetry.ts'
import { createMemorySpanExporter } from '../../../src/tracing/createMemorySpanExporter.ts'

const cases: {
  name: string
  options?: LookoutOptions
  env?: Record<string, string>
  primary?: PrimaryLogDestination
  expect: Partial<{
    traces: TelemetrySummary['traces']
    metrics: TelemetrySummary['metrics']
    logs: TelemetrySummary['logs']
  }>
}[] = [
  {
    name: 'defaults: no span destination, so no span recorded, /metrics scraped, stdout',
    expect: {
      traces: {
        exporters: [{ exporter: 'none' }],
        sampler: 'not recording: no span destination',
      },
      metrics: [{ exporter: 'prometheus', endpoint: '/metrics' }],
      logs: [{ exporter: 'stdout' }],
    },
  },
  {
    name: 'no span exporter but the console, whose trace view records spans: the default sampler',
    options: { console: { enabled: true } },
    expect: { traces: { exporters: [{ exporter: 'none' }], sampler: 'parentbased_always_on' } },
  },
  {
    name: 'an OTLP endpoint and a ratio: protocol, full traces URL, ratio sampler with its ratio',
    options: { tracing: { endpoint: 'http://collector:4318', sampleRate: 0.1 } },
    expect: {
      traces: {
        exporters: [
          { exporter: 'otlp', protocol: 'http/protobuf', endpoint: 'http://collector:4318/v1/traces' },
        ],
        sampler: 'parentbased_traceidratio 0.1',
      },
    },
  },
  {
    name: 'OTLP_ENDPOINT on 4317 is named as gRPC',
    env: { OTLP_ENDPOINT: 'http://collector:4317', OTEL_TRACES_SAMPLER: 'always_on' },
    expect: {
      traces: {
        exporters: [{ exporter: 'otlp', protocol: 'grpc', endpoint: 'http://collector:4317/' }],
        sampler: 'always_on',
      },
    },
  },
  {
    name: 'credentials, query and fragment never appear in an endpoint',
    options: {
      tracing: {
        tracesEndpoint: 'https://user:pa55@traces.example/v1/traces?api_key=abc#x',
        protocol: 'http/json',
        console: true,
      },
    },
    expect: {
      traces: {
        exporters: [
          { exporter: 'otlp', protocol: 'http/json', endpoint: 'https://traces.example/v1/traces' },
          { exporter: 'console' },
        ],
        sampler: 'parentbased_always_on',
      },
    },
  },
  {
    name: 'tracing off: no exporter, sampler off',
    options: { tracing: { enabled: false, endpoint: 'http://collector:4318' } },
    expect: { traces: { exporters: [{ exporter: 'none' }], sampler: 'off' } },
  },
  {
    name: 'an in-memory span exporter is named memory',
    options: {
      tracing: { spanExporter: createMemorySpanExporter(), sampler: 'traceidratio', sampleRate: 0.25 },
    },
    expect: { traces: { exporters: [{ exporter: 'memory' }], sampler: 'traceidratio 0.25' } },
  },
  {
    name: 'metrics on their own listener, and pushed over OTLP',
    options: {
      metrics: { port: 9464 },
      tracing: { endpoint: 'http://collector:4317', metricsExport: { exporter: 'otlp' } },
    },
    expect: {
      metrics: [
        { exporter: 'prometheus', endpoint: 'http://127.0.0.1:9464/metrics' },
        { exporter: 'otlp', protocol: 'http/json', endpoint: 'http://collector:4318/v1/metrics' },
      ],
    },
  },
  {
    name: 'the metrics route under a route prefix; metrics off',
    options: { http: { routePrefix: '/ops' } },
    expect: { metrics: [{ exporter: 'prometheus', endpoint: '/ops/metrics' }] },
  },
  {
    name: 'metrics off',
    options: { metrics: { enabled: false } },
    expect: { metrics: [{ exporter: 'none' }] },
  },
  {
    name: 'logs to stdout, Loki (push URL without credentials) and OTLP',
    options: {
      logging: {
        loki: { url: 'http://bob:secret@loki:3100' },
        otlp: { exporter: 'otlp', protocol: 'http/json' },
      },
      tracing: { endpoint: 'http://collector:4318' },
    },
    expect: {
      logs: [
        { exporter: 'stdout' },
        { exporter: 'loki', endpoint: 'http://loki:3100/loki/api/v1/push' },
        { exporter: 'otlp', protocol: 'http/json', endpoint: 'http://collector:4318/v1/logs' },
      ],
    },
  },
  {
    name: 'a logger the host passed in: nothing attaches to it',
    options: { logging: { loki: { url: 'http://loki:3100' }, otlp: { exporter: 'otlp' } } },
    primary: 'host',
    expect: { logs: [{ exporter: 'host' }] },
  },
]

for (const c of cases) {
  test(`describeTelemetry: ${c.name}`, () => {
    const summary = describeTelemetry(resolveConfig(c.options ?? {}, c.env ?? {}), c.primary ?? 'stdout')
    for (const [key, value] of Object.entries(c.expect))
      assert.deepEqual(summary[key as keyof TelemetrySummary], value, key)
  })
}

test('headers and tokens never appear in the summary', () => {
  const summary = describeTelemetry(
    resolveConfig(
      { logging: { loki: { url: 'http://loki:3100', token: 'loki-token-123' } } },
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20otlp-secret-456',
        OTEL_LOGS_EXPORTER: 'otlp',
      },
    ),
    'stdout',
  )
  const text = JSON.stringify(summary) + formatTelemetry(summary)
  assert.ok(!text.includes('otlp-secret-456') && !text.includes('loki-token-123'), text)
})

test('formatTelemetry names each signal, exporter, protocol, endpoint and the sampler in one line', () => {
  const summary = describeTelemetry(
    resolveConfig(
      {
        tracing: { endpoint: 'http://collector:4318', sampleRate: 0.1 },
        logging: { otlp: { exporter: 'otlp' } },
      },
      {},
    ),
    'stdout',
  )
  assert.equal(
    formatTelemetry(summary),
    'traces → otlp http/protobuf http://collector:4318/v1/traces (sampler parentbased_traceidratio 0.1); ' +
      'metrics → prometheus /metrics; logs → stdout, otlp http/protobuf http://collector:4318/v1/logs',
  )
})
